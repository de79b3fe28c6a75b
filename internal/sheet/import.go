package sheet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"
	"strings"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// ImportOptions shape one import.
type ImportOptions struct {
	Options
	DryRun bool
	// Overwrite lets the file replace values of contacts that came from
	// another file or were typed in by hand (`--overwrite`); without it
	// those only have their empty fields filled.
	Overwrite bool
	// Source is the [[sources]] path when the file is a configured
	// spreadsheet; it is logged with the import.
	Source string
	// FlagMissing flags the contacts that came from this file but whose
	// rows are gone from it, as part of the import: for a [[sources]]
	// spreadsheet, whoever imports it (the daemon or `rapport import`).
	FlagMissing bool
	// Progress, when set, is called now and then with the rows read so far.
	Progress func(read int)
}

// Report is what an import did. Its JSON is the contract's import shape,
// with a few more fields.
type Report struct {
	File string `json:"file"`
	// Format is "xlsx", "csv" or "vcard". In a vCard file a row is a card,
	// and its number the card's position in the file.
	Format    string     `json:"format"`
	Sheet     string     `json:"sheet,omitempty"`
	Encoding  string     `json:"encoding,omitempty"`
	Read      int        `json:"read"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Unchanged int        `json:"unchanged"`
	Skipped   int        `json:"skipped"`
	Errors    []RowError `json:"errors"`
	Warnings  []RowError `json:"warnings"`
	Columns   []Column   `json:"columns"`
	DryRun    bool       `json:"dry_run"`
	Overwrite bool       `json:"overwrite"`
	// Changes lists, per known contact, the fields the import changed (or
	// would change, in a dry run) and the values it kept.
	Changes []ContactChanges `json:"changes"`
	// OtherKinds are the rows whose kind word matched no kind.
	OtherKinds []OtherKind `json:"other_kinds"`
	// Missing are the contacts flagged because their rows are gone from
	// the sheet (only with FlagMissing).
	Missing []MissingContact `json:"missing"`
	// Seen are the rows' contact keys (emails, or postal keys), for
	// flagging contacts that disappeared from a source.
	Seen []string `json:"-"`
}

// Unit is what the file's rows are called in messages: "card" in a vCard
// file, else "row".
func (rep *Report) Unit() string {
	if rep.Format == formatVCard.String() {
		return formatVCard.unit()
	}
	return "row"
}

// UnitOf is what a row of the named file is called, by its extension:
// "card" for a .vcf, else "row".
func UnitOf(file string) string {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".vcf", ".vcard":
		return formatVCard.unit()
	}
	return "row"
}

// ContactChanges is what an import did to one contact it already had.
type ContactChanges struct {
	Row     int              `json:"row"`
	Email   string           `json:"email"`
	Contact string           `json:"contact"`
	Changed []contact.Change `json:"changed"`
	// Kept are the file's values that were not taken, and Source the file
	// the contact came from ("" when it was typed in by hand).
	Kept   []contact.Change `json:"kept,omitempty"`
	Source string           `json:"source,omitempty"`
	// Back is set when the contact had been flagged missing from this
	// sheet and its row is back.
	Back bool `json:"back_in_sheet,omitempty"`
}

// MissingContact is a contact whose row is gone from its sheet.
type MissingContact struct {
	ID      int64  `json:"id"`
	Email   string `json:"email"`
	Contact string `json:"contact"`
	Row     int    `json:"row"` // the row it had
}

// Import reads a spreadsheet and stores its good rows in one transaction:
// new contacts are created, known ones updated (never their stage or
// history), and every bad row is reported by its row number and skipped.
// A file that cannot be read to the end changes nothing. Reading and
// storing run side by side, each on its own core.
func Import(ctx context.Context, st *store.Store, path string, o ImportOptions) (*Report, error) {
	// A spreadsheet read makes a lot of short-lived garbage; collecting it
	// less often during the import halves the collector's share of the
	// time, for some tens of megabytes more at the peak.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	r, err := Open(path, o.Options)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rep := &Report{File: filepath.Base(path), Format: r.Format(), Sheet: r.Sheet(), Encoding: r.Encoding(), Columns: r.Columns(),
		DryRun: o.DryRun, Overwrite: o.Overwrite, Errors: []RowError{}, Warnings: []RowError{},
		Changes: []ContactChanges{}, Missing: []MissingContact{}}
	im, err := st.BeginImport(ctx, store.ImportMeta{File: rep.File, Sheet: rep.Sheet, Source: o.Source,
		Overwrite: o.Overwrite, DryRun: o.DryRun, Unit: r.Unit()})
	if err != nil {
		return nil, err
	}
	err = store_(ctx, im, rows(ctx, r, rep, o.Progress), rep)
	if err == nil && o.FlagMissing {
		err = flagMissing(im, rep)
	}
	if err != nil {
		im.Rollback()
		return nil, fmt.Errorf("import %s: %w (nothing was imported)", rep.File, err)
	}
	rep.Warnings = append(rep.Warnings, r.Warnings()...)
	rep.OtherKinds = append([]OtherKind{}, r.OtherKinds()...)
	skipped := make([]store.RowError, len(rep.Errors))
	for i, e := range rep.Errors {
		skipped[i] = store.RowError{Row: e.Row, Column: e.Column, Message: e.Message}
	}
	counts, err := im.Commit(r.Read(), skipped)
	if err != nil {
		return nil, err
	}
	rep.Read, rep.Created, rep.Updated, rep.Unchanged, rep.Skipped = counts.Read, counts.Created, counts.Updated, counts.Unchanged, counts.Skipped
	return rep, nil
}

// batch is a slice of good rows, or the reader's fatal error.
type batch struct {
	rows []contact.Contact
	err  error
}

// rows reads the file on its own goroutine and hands good rows over in
// batches; bad rows go to rep.Errors (owned by this goroutine until the
// channel closes).
func rows(ctx context.Context, r *Reader, rep *Report, progress func(int)) <-chan batch {
	out := make(chan batch, 4)
	go func() {
		defer close(out)
		var b []contact.Contact
		for {
			c, err := r.Next()
			var re *RowError
			switch {
			case errors.As(err, &re):
				rep.Errors = append(rep.Errors, *re)
				if re.key != "" {
					rep.Seen = append(rep.Seen, re.key)
				}
				continue
			case err == io.EOF:
				out <- batch{rows: b}
				return
			case err != nil:
				out <- batch{err: err}
				return
			}
			if b = append(b, c); len(b) == 512 {
				if progress != nil {
					progress(r.Read())
				}
				select {
				case out <- batch{rows: b}:
				case <-ctx.Done():
					out <- batch{err: ctx.Err()}
					return
				}
				b = nil
			}
		}
	}()
	return out
}

// store_ adds every batch to the import.
func store_(ctx context.Context, im *store.Import, in <-chan batch, rep *Report) error {
	var first error
	for b := range in {
		if first != nil {
			continue // drain, so the reader goroutine ends
		}
		if b.err != nil {
			first = b.err
			continue
		}
		for _, c := range b.rows {
			added, err := im.Add(c)
			if err != nil {
				first = err
				break
			}
			if added.Outcome == store.Updated || len(added.Diff.Kept) > 0 {
				rep.Changes = append(rep.Changes, changesOf(&c, added))
			}
			rep.Seen = append(rep.Seen, key(&c))
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	return first
}

func changesOf(row *contact.Contact, a store.Added) ContactChanges {
	cc := ContactChanges{Row: row.Source.Row, Email: a.Stored.Email, Contact: a.Stored.Label(),
		Changed: a.Diff.Changed, Kept: a.Diff.Kept, Back: a.Diff.Back}
	if cc.Changed == nil {
		cc.Changed = []contact.Change{}
	}
	if len(cc.Kept) > 0 {
		cc.Source = a.Stored.Source.File
	}
	return cc
}

// flagMissing flags the contacts of this file whose rows are gone. A file
// with no good row is broken, not empty: no one is flagged then.
func flagMissing(im *store.Import, rep *Report) error {
	if len(rep.Seen) == 0 {
		return nil
	}
	gone, err := im.FlagMissing(rep.Seen)
	for _, c := range gone {
		rep.Missing = append(rep.Missing, MissingContact{ID: c.ID, Email: c.Email, Contact: c.Label(), Row: c.Source.Row})
	}
	return err
}

func key(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return c.PostalKey()
}
