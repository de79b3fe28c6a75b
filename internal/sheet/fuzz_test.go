package sheet

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
)

// FuzzReadCSV feeds arbitrary bytes as a CSV: Open and Next may refuse
// them, but must never panic nor return a contact with a line break or NUL.
func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"hand-typed.csv", "outlook-export.csv", "german-excel.csv", "unicode-text.txt", "tabs.tsv"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Email;Name\r\n\"a@b.test\";\"x\ny\"\r\n"))
	f.Add([]byte("\xFF\xFEE\x00m\x00a\x00i\x00l\x00\n\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readFuzz(t, writeFile(t, "fuzz.csv", data))
	})
}

// FuzzReadXLSX builds a workbook from fuzzed header and cell text with
// excelize and reads it back; feeds the raw bytes as an .xlsx, so a corrupt
// zip gives an error, not a panic; and wraps the raw bytes as the sheet XML
// of a well-formed zip, to reach the XML readers (excelize's and ours).
func FuzzReadXLSX(f *testing.F) {
	f.Add(uint8(0), "lee@clinic.test", "Dr. Anna Lee", "02134", []byte("PK\x03\x04"))
	f.Add(uint8(3), "a@b.test\r\n", "x\x00y", "=HYPERLINK(1)", []byte{})
	f.Add(uint8(7), "Lee, Anna, MD", "'+1 555", "45365.5", []byte("<html>"))
	f.Add(uint8(2), "", "", "", []byte(`<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Email</t></is></c><c r="B1" s="1"><v>1</v></c></row>`+
		`<row r="3"><c r="A3" t="inlineStr"><is><t>a@b.test</t></is></c></row></sheetData><mergeCells><mergeCell ref="B1:C2"/></mergeCells>`))
	if b, err := os.ReadFile("testdata/referrals.xlsx"); err == nil {
		f.Add(uint8(1), "", "", "", b)
	}
	f.Fuzz(func(t *testing.T, pick uint8, a, b, c string, raw []byte) {
		if path, ok := fuzzBook(t, pick, a, b, c); ok {
			readFuzz(t, path)
		}
		readFuzz(t, writeFile(t, "raw.xlsx", raw))
		readFuzz(t, rawXLSX(t, string(raw)))
	})
}

var fuzzHeaders = []string{"Email", "Name", "First", "Last", "Zip", "Street", "City", "Type", "Status", "TZ", "Tags", "Notes", "", "Referral Source"}

// badFreeText names the first free-text value (notes, custom fields) of c
// holding anything but plain "\n" line breaks: a CR, a NUL, or blank lines
// at its ends.
func badFreeText(c contact.Contact) string {
	fields := map[string]string{"notes": c.Notes}
	for k, v := range c.Fields {
		fields["field "+k] = v
	}
	for name, v := range fields {
		if strings.ContainsAny(v, "\r\x00") || strings.HasPrefix(v, "\n") || strings.HasSuffix(v, "\n") {
			return name
		}
	}
	return ""
}

func fuzzBook(t *testing.T, pick uint8, a, b, c string) (string, bool) {
	fb := excelize.NewFile()
	defer fb.Close()
	header := []any{"Email", fuzzHeaders[int(pick)%len(fuzzHeaders)], fuzzHeaders[int(pick/16)%len(fuzzHeaders)], a}
	rows := [][]any{header, {a, b, c, b}, {c, a, b, "x@y.test"}}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1+int(pick%3), i+1+int(pick%5))
		if fb.SetSheetRow("Sheet1", cell, &row) != nil {
			return "", false
		}
	}
	path := filepath.Join(t.TempDir(), "fuzz.xlsx")
	return path, fb.SaveAs(path) == nil
}

// readFuzz reads a file to the end, checking every contact.
func readFuzz(t *testing.T, path string) {
	tm := time.AfterFunc(10*time.Second, func() { panic("slow input: a hang is a bug too") })
	defer tm.Stop()
	r, err := Open(path, Options{})
	if err != nil {
		return
	}
	defer r.Close()
	for range 10_000 {
		c, err := r.Next()
		var re *RowError
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.As(err, &re):
			continue
		case err != nil:
			return
		}
		if bad := badText(c); bad != "" {
			t.Fatalf("contact has a line break or NUL in %s: %+v", bad, c)
		}
		if bad := badFreeText(c); bad != "" {
			t.Fatalf("contact has a CR or NUL in %s: %+v", bad, c)
		}
	}
}

// badText names the first single-line field of c holding CR, LF or NUL.
func badText(c contact.Contact) string {
	a := c.Address
	fields := map[string]string{
		"email": c.Email, "first": c.FirstName, "last": c.LastName, "title": c.Title, "org": c.Organization,
		"kind": c.Kind, "phone": c.Phone, "street": a.Street, "city": a.City, "region": a.Region,
		"postal": a.PostalCode, "country": a.Country, "stage": string(c.Stage),
		"tz": c.TimeZone, "file": c.Source.File,
	}
	for _, t := range c.Tags {
		fields["tag "+t] = t
	}
	for k := range c.Fields {
		fields["field key "+k] = k
	}
	for name, v := range fields {
		if strings.ContainsAny(v, "\r\n\x00") {
			return name
		}
	}
	return ""
}
