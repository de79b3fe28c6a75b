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
	File     string   // shown in the log and in every created contact's history
	Sheet    string   // the XLSX sheet, if any
	Source   string   // the [[sources]] path when the daemon imports it
	Provided []string // the fields the file has columns for (see contact.Merge)
	DryRun   bool     // do everything, then roll back
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

// Add stores one good row: a new contact is created (in c.Stage, or "new");
// an existing one, found by email or for postal-only contacts by name and
// address, is updated with contact.Merge, never changing its stage.
func (im *Import) Add(c contact.Contact) (RowOutcome, error) {
	now := im.s.Now()
	in := c
	if in.Stage == "" {
		in.Stage = contact.StageNew
	}
	in.CreatedAt, in.UpdatedAt = now, now
	created, err := im.s.insertContact(im.ctx, im.q, &in, im.origin(c.Source.Row))
	if err != nil {
		return 0, err
	}
	if created {
		im.counts.Created++
		return Created, nil
	}
	old, err := im.existing(&c)
	if err != nil {
		return 0, err
	}
	merged, changes := contact.Merge(old, &c, im.meta.Provided)
	merged.Source = c.Source
	if len(changes) == 0 {
		im.counts.Unchanged++
		return Unchanged, nil
	}
	merged.UpdatedAt = now
	if err := im.s.updateContact(im.ctx, im.q, &merged); err != nil {
		return 0, err
	}
	im.counts.Updated++
	return Updated, im.s.insertEvent(im.ctx, im.q, contact.Event{ContactID: old.ID, At: now,
		Type: contact.EventUpdated, Detail: im.origin(c.Source.Row) + ": " + strings.Join(changes, "; ")})
}

func (im *Import) origin(row int) string {
	return fmt.Sprintf("imported from %s row %d", im.meta.File, row)
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
