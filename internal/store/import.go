package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"rapport/internal/contact"
)

// RowOutcome is what an import did with one row.
type RowOutcome int

// Import outcomes.
const (
	Created RowOutcome = iota
	Updated
	Unchanged
)

// ImportMeta describes one import.
type ImportMeta struct {
	File   string // shown in the log and in every created contact's history
	Sheet  string // the XLSX sheet, if any
	Source string // the [[sources]] path when the daemon imports it
	// Overwrite lets this file replace values of contacts that came from
	// another file (see contact.MergeOptions).
	Overwrite bool
	DryRun    bool // do everything, then roll back
	// Unit is what the file's rows are called in the contacts' history:
	// "card" for a vCard file; "" means "row".
	Unit string
}

// ImportCounts sums up an import.
type ImportCounts struct {
	Read, Created, Updated, Unchanged, Skipped int
}

// RowError is a row an import skipped, as the import log keeps it.
type RowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// Import is one import in progress: a single transaction, so that a broken
// file or a crash leaves the store as it was.
type Import struct {
	s      *Store
	ctx    context.Context
	tx     *sql.Tx
	q      *txn
	meta   ImportMeta
	counts ImportCounts
}

// BeginImport starts an import. The caller must Commit or Rollback it.
func (s *Store) BeginImport(ctx context.Context, meta ImportMeta) (*Import, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	return &Import{s: s, ctx: ctx, tx: tx, q: &txn{s: s, tx: tx}, meta: meta}, nil
}

// Added is what Add did with a row: its outcome, and for a known contact
// the changes made and the values kept (see contact.Merge).
type Added struct {
	Outcome RowOutcome
	Diff    contact.Diff
	// Stored is the contact as it was before this row, for a known one.
	Stored *contact.Contact
}

// Add stores one good row: a new contact is created (in c.Stage, or "new");
// an existing one, found by email or for postal-only contacts by name and
// address, is updated with contact.Merge, never changing its stage.
func (im *Import) Add(c contact.Contact) (Added, error) {
	now := im.s.Now()
	in := c
	if in.Stage == "" {
		in.Stage = contact.StageNew
	}
	in.CreatedAt, in.UpdatedAt = now, now
	created, err := im.s.insertContact(im.ctx, im.q, &in, im.origin(c.Source.Row))
	if err != nil {
		return Added{}, err
	}
	if created {
		im.counts.Created++
		return Added{Outcome: Created}, nil
	}
	old, err := im.existing(&c)
	if err != nil {
		return Added{}, err
	}
	merged, diff := contact.Merge(old, &c, contact.MergeOptions{Overwrite: im.meta.Overwrite})
	res := Added{Outcome: Unchanged, Diff: diff, Stored: old}
	if diff.Empty() {
		if merged.Source != old.Source { // the row moved in its own sheet: no history line for that
			err = im.s.setSource(im.ctx, im.q, old.ID, merged.Source)
		}
		im.counts.Unchanged++
		return res, err
	}
	merged.UpdatedAt = now
	if err := im.s.updateContact(im.ctx, im.q, &merged); err != nil {
		return Added{}, err
	}
	im.counts.Updated++
	res.Outcome = Updated
	return res, im.s.insertEvent(im.ctx, im.q, contact.Event{ContactID: old.ID, At: now,
		Type: contact.EventUpdated, Detail: im.origin(c.Source.Row) + ": " + strings.Join(diff.Strings(), "; ")})
}

func (s *Store) setSource(ctx context.Context, q querier, id int64, src contact.Source) error {
	_, err := q.ExecContext(ctx, "UPDATE contacts SET source_file = ?, source_row = ? WHERE id = ?", src.File, src.Row, id)
	if err != nil {
		return fmt.Errorf("update contact %d source row: %w", id, err)
	}
	return nil
}

func (im *Import) origin(row int) string {
	unit := im.meta.Unit
	if unit == "" {
		unit = "row"
	}
	return fmt.Sprintf("imported from %s %s %d", im.meta.File, unit, row)
}

// existing reads back the stored contact a row is about, once the insert
// has said there is one: a new contact costs a single statement.
func (im *Import) existing(c *contact.Contact) (*contact.Contact, error) {
	where, key := "email = ?", c.Email
	if c.Email == "" {
		where, key = "email IS NULL AND postal_key = ?", c.PostalKey()
	}
	return scanContact(im.q.QueryRowContext(im.ctx, "SELECT "+contactColumns+" FROM contacts WHERE "+where, key))
}

// FlagMissing flags, as part of the import, the contacts whose source is
// this import's file but whose rows were not among seen (their emails, or
// postal keys): their rows were removed from the sheet. It returns them as
// they were. A dry run rolls the flags back with everything else.
func (im *Import) FlagMissing(seen []string) ([]*contact.Contact, error) {
	return im.s.markMissing(im.ctx, im.q, im.meta.File, seen)
}

// Commit logs the import with the rows read and skipped, and makes it
// durable; for a dry run it rolls everything back instead.
func (im *Import) Commit(read int, skipped []RowError) (ImportCounts, error) {
	im.counts.Read, im.counts.Skipped = read, len(skipped)
	defer im.close()
	if im.meta.DryRun {
		return im.counts, im.tx.Rollback()
	}
	if skipped == nil {
		skipped = []RowError{}
	}
	errs, _ := json.Marshal(skipped)
	c := im.counts
	_, err := im.tx.ExecContext(im.ctx, `INSERT INTO imports (at, file, sheet, source, read, created, updated, unchanged, skipped, errors)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, im.s.now(), im.meta.File, im.meta.Sheet, im.meta.Source,
		c.Read, c.Created, c.Updated, c.Unchanged, c.Skipped, string(errs))
	if err != nil {
		im.tx.Rollback()
		return c, fmt.Errorf("log import: %w", err)
	}
	if err := im.tx.Commit(); err != nil {
		return c, fmt.Errorf("commit import: %w", err)
	}
	return c, nil
}

// Rollback abandons the import; nothing of it is kept.
func (im *Import) Rollback() error {
	defer im.close()
	return im.tx.Rollback()
}

func (im *Import) close() {} // the transaction's statements close with it
