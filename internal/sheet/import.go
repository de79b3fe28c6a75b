package sheet

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime/debug"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// ImportOptions shape one import.
type ImportOptions struct {
	Options
	DryRun bool
	// Source is the [[sources]] path when the daemon imports a configured
	// spreadsheet; it is logged with the import.
	Source string
	// Progress, when set, is called now and then with the rows read so far.
	Progress func(read int)
}

// Report is what an import did. Its JSON is the contract's import shape,
// with a few more fields.
type Report struct {
	File      string     `json:"file"`
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
	// Seen are the rows' contact keys (emails, or postal keys), for
	// flagging contacts that disappeared from a source.
	Seen []string `json:"-"`
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
	rep := &Report{File: filepath.Base(path), Sheet: r.Sheet(), Encoding: r.Encoding(), Columns: r.Columns(),
		DryRun: o.DryRun, Errors: []RowError{}, Warnings: []RowError{}}
	im, err := st.BeginImport(ctx, store.ImportMeta{File: rep.File, Sheet: rep.Sheet, Source: o.Source,
		Provided: r.Provided(), DryRun: o.DryRun})
	if err != nil {
		return nil, err
	}
	if err := store_(ctx, im, rows(ctx, r, rep, o.Progress), rep); err != nil {
		im.Rollback()
		return nil, fmt.Errorf("import %s: %w (nothing was imported)", rep.File, err)
	}
	rep.Warnings = append(rep.Warnings, r.Warnings()...)
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
			if _, err := im.Add(c); err != nil {
				first = err
				break
			}
			rep.Seen = append(rep.Seen, key(&c))
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	return first
}

func key(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return c.PostalKey()
}
