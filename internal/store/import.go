package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
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
	q      *stmtCache
	meta   ImportMeta
	counts ImportCounts
}

// BeginImport starts an import. The caller must Commit or Rollback it.
func (s *Store) BeginImport(ctx context.Context, meta ImportMeta) (*Import, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin import: %w", err)
	}
	return &Import{s: s, ctx: ctx, tx: tx, q: newStmtCache(tx), meta: meta}, nil
}

// Add stores one good row: a new contact is created (in c.Stage, or "new");
// an existing one, found by email or for postal-only contacts by name and
// address, is updated with contact.Merge, never changing its stage.
func (im *Import) Add(c contact.Contact) (RowOutcome, error) {
	old, err := im.existing(&c)
	if err != nil {
		return 0, err
	}
	now := im.s.Now()
	if old == nil {
		if c.Stage == "" {
			c.Stage = contact.StageNew
		}
		c.CreatedAt, c.UpdatedAt = now, now
		if err := im.s.insertContact(im.ctx, im.q, &c); err != nil {
			return 0, err
		}
		im.counts.Created++
		return Created, im.s.insertEvent(im.ctx, im.q, contact.Event{ContactID: c.ID, At: now,
			Type: contact.EventCreated, To: c.Stage, Detail: im.origin(c.Source.Row)})
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

// existing finds the stored contact a row is about. It probes the index
// first: in a first import almost no row has one, and reading a whole
// contact back is the costly part.
func (im *Import) existing(c *contact.Contact) (*contact.Contact, error) {
	where, key := "email = ?", c.Email
	if c.Email == "" {
		where, key = "email IS NULL AND postal_key = ?", c.PostalKey()
	}
	var id int64
	err := im.q.QueryRowContext(im.ctx, "SELECT id FROM contacts WHERE "+where, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return scanContact(im.q.QueryRowContext(im.ctx, "SELECT "+contactColumns+" FROM contacts WHERE id = ?", id))
}

// Counts returns what the import has done so far.
func (im *Import) Counts() ImportCounts { return im.counts }

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

func (im *Import) close() { im.q.close() }
