// Package sheet reads the user's spreadsheets (XLSX and CSV) into validated
// contact.Contacts and writes contacts back out to XLSX or CSV.
//
// It owns everything about the files themselves: detecting the format and
// the text encoding, finding the header row (which need not be row 1),
// matching headers to contact fields through synonyms and --map, turning
// Excel's raw cell values (date serials, numbers, zero-padded postal codes)
// into the text the user saw, reporting bad rows by the spreadsheet's own row
// number and column header, and neutralizing formula injection on export.
// It also reads what a hand-kept workbook means beyond its cells: a merged
// cell's value in every row it spans, an address typed in one cell, a kind
// in the user's own words (contact.Kinds), notes typed over several lines;
// and it refuses, before reading them, sheets whose rows would make it go
// through tens of millions of empty cells (shapescan.go).
//
// It also reads contacts exports in vCard (.vcf: Outlook's 2.1, Apple's and
// Google's 3.0, and 4.0) as rows of fixed columns, one card a row, so that
// cards meet the same checks and rules (vcard.go); go-vcard parses the
// cards after a pre-pass for what it does not read (vcardscan.go).
//
// It does not own storage: the import orchestration that streams a Reader's
// rows into a store transaction lives beside it in import.go. sheet imports
// contact (and store only from that orchestration); it must not import cli,
// daemon, mailer or inbox.
package sheet

//go:generate go test -run TestGolden -update
