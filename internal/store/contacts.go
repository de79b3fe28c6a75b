package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"rapport/internal/contact"
)

const contactColumns = `id, COALESCE(email,''), first_name, last_name, title, organization, kind, phone,
	street, city, region, postal_code, country, tags, fields, stage, notes, timezone,
	source_file, source_row, missing, hold_until, created_at, updated_at, version`

type scanner interface{ Scan(dest ...any) error }

func scanContact(row scanner) (*contact.Contact, error) {
	var c contact.Contact
	var tags, fields, hold, created, updated string
	err := row.Scan(&c.ID, &c.Email, &c.FirstName, &c.LastName, &c.Title, &c.Organization, &c.Kind,
		&c.Phone, &c.Address.Street, &c.Address.City, &c.Address.Region, &c.Address.PostalCode,
		&c.Address.Country, &tags, &fields, &c.Stage, &c.Notes, &c.TimeZone, &c.Source.File,
		&c.Source.Row, &c.Missing, &hold, &created, &updated, &c.Version)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(tags), &c.Tags); err != nil {
		return nil, fmt.Errorf("contact %d: tags: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
		return nil, fmt.Errorf("contact %d: fields: %w", c.ID, err)
	}
	c.CreatedAt, c.UpdatedAt, c.HoldUntil = parseTime(created), parseTime(updated), parseTime(hold)
	return &c, nil
}

// Contact returns the contact with the given ID.
func (s *Store) Contact(ctx context.Context, id int64) (*contact.Contact, error) {
	return s.contactWhere(ctx, preparedDB{s}, "id = ?", id)
}

// ContactByEmail returns the contact with the given address, compared
// without regard to case.
func (s *Store) ContactByEmail(ctx context.Context, email string) (*contact.Contact, error) {
	return s.contactWhere(ctx, preparedDB{s}, "email = ?", email)
}

// FindContact resolves what a user typed on the command line: a numeric ID
// or an email address.
func (s *Store) FindContact(ctx context.Context, ref string) (*contact.Contact, error) {
	ref = strings.TrimSpace(ref)
	if id, err := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64); err == nil {
		return s.Contact(ctx, id)
	}
	email, err := contact.NormalizeEmail(ref)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a contact ID nor an email address", ref)
	}
	return s.ContactByEmail(ctx, email)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) contactWhere(ctx context.Context, q querier, where string, args ...any) (*contact.Contact, error) {
	c, err := scanContact(q.QueryRowContext(ctx, "SELECT "+contactColumns+" FROM contacts WHERE "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return c, err
}

// Filter selects contacts. Empty fields select everything.
type Filter struct {
	Stages []contact.Stage
	Tags   []string // any of
	Kinds  []string // any of
	IDs    []int64
	Email  bool // only contacts with an email address
	Postal bool // only contacts with a complete postal address
}

func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			conds = append(conds, col+" IN ("+placeholders(len(vals))+")")
			for _, v := range vals {
				args = append(args, v)
			}
		}
	}
	var stages []string
	for _, st := range f.Stages {
		stages = append(stages, string(st))
	}
	in("stage", stages)
	in("kind", f.Kinds)
	if len(f.Tags) > 0 {
		conds = append(conds, "EXISTS (SELECT 1 FROM json_each(contacts.tags) WHERE value IN ("+placeholders(len(f.Tags))+"))")
		for _, t := range f.Tags {
			args = append(args, contact.NormalizeTag(t))
		}
	}
	if len(f.IDs) > 0 {
		conds = append(conds, "id IN ("+placeholders(len(f.IDs))+")")
		for _, id := range f.IDs {
			args = append(args, id)
		}
	}
	if f.Email {
		conds = append(conds, "email IS NOT NULL")
	}
	if f.Postal {
		conds = append(conds, "street != '' AND city != '' AND postal_code != ''")
	}
	if len(conds) == 0 {
		return "1", nil
	}
	return strings.Join(conds, " AND "), args
}

// Contacts lists the contacts matching f, by ID.
func (s *Store) Contacts(ctx context.Context, f Filter) ([]*contact.Contact, error) {
	where, args := f.where()
	return queryAll(ctx, s.db, scanContact, "SELECT "+contactColumns+" FROM contacts WHERE "+where+" ORDER BY id", args...)
}

func marshalContact(c *contact.Contact) (tags, fields string) {
	t := c.Tags
	if t == nil {
		t = []string{}
	}
	f := c.Fields
	if f == nil {
		f = map[string]string{}
	}
	tb, _ := json.Marshal(t)
	fb, _ := json.Marshal(f)
	return string(tb), string(fb)
}

func nullEmail(c *contact.Contact) (email, postalKey any) {
	if c.Email == "" {
		return nil, c.PostalKey()
	}
	return c.Email, nil
}

// insertContact stores a new contact and sets its ID. A contact whose
// email (or, postal-only, name and address) is already stored is not
// inserted: created is false and c.ID is left alone. A new contact the
// user once asked rapport to forget is stored as do-not-contact (see
// honourSuppression): every way in passes here.
func (s *Store) insertContact(ctx context.Context, q querier, c *contact.Contact, origin string) (created bool, err error) {
	tags, fields := marshalContact(c)
	email, pk := nullEmail(c)
	res, err := q.ExecContext(ctx, `INSERT OR IGNORE INTO contacts (email, postal_key, first_name, last_name, title,
		organization, kind, phone, street, city, region, postal_code, country, tags, fields, stage, notes,
		timezone, source_file, source_row, origin, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		email, pk, c.FirstName, c.LastName, c.Title, c.Organization, c.Kind, c.Phone,
		c.Address.Street, c.Address.City, c.Address.Region, c.Address.PostalCode, c.Address.Country,
		tags, fields, string(c.Stage), c.Notes, c.TimeZone, c.Source.File, c.Source.Row, origin,
		fmtTime(c.CreatedAt), fmtTime(c.UpdatedAt))
	if err != nil {
		return false, fmt.Errorf("insert contact %s: %w", c.Label(), err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return false, err
	}
	return true, s.honourSuppression(ctx, q, c)
}

// updateContact writes every field of c except its stage, ID and creation
// time: stage moves go through MoveStage so they are always in the history.
func (s *Store) updateContact(ctx context.Context, q querier, c *contact.Contact) error {
	tags, fields := marshalContact(c)
	email, pk := nullEmail(c)
	_, err := q.ExecContext(ctx, `UPDATE contacts SET email=?, postal_key=?, first_name=?, last_name=?,
		title=?, organization=?, kind=?, phone=?, street=?, city=?, region=?, postal_code=?, country=?,
		tags=?, fields=?, notes=?, timezone=?, source_file=?, source_row=?, missing=?, updated_at=?
		WHERE id=?`,
		email, pk, c.FirstName, c.LastName, c.Title, c.Organization, c.Kind, c.Phone,
		c.Address.Street, c.Address.City, c.Address.Region, c.Address.PostalCode, c.Address.Country,
		tags, fields, c.Notes, c.TimeZone, c.Source.File, c.Source.Row, c.Missing, fmtTime(c.UpdatedAt), c.ID)
	if err != nil {
		return fmt.Errorf("update contact %s: %w", c.Label(), err)
	}
	return nil
}

// MarkMissing flags, in a transaction of its own, the contacts that came
// from file but are not among seen; it returns how many. Imports flag them
// as part of the import instead (Import.FlagMissing).
func (s *Store) MarkMissing(ctx context.Context, file string, seen []string) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *txn) error {
		gone, err := s.markMissing(ctx, tx, file, seen)
		n = len(gone)
		return err
	})
	return n, err
}

// markMissing flags the contacts that came from file (a spreadsheet
// source) but were not among seen (emails or postal keys) in its latest
// import, and returns them as they were. They are never deleted: the flag
// and a history line tell the user, and a later import that has them again
// clears it.
func (s *Store) markMissing(ctx context.Context, q querier, file string, seen []string) ([]*contact.Contact, error) {
	keys, err := json.Marshal(seen)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, "SELECT "+contactColumns+` FROM contacts WHERE source_file = ? AND missing = 0
		AND lower(COALESCE(email, postal_key)) NOT IN (SELECT lower(value) FROM json_each(?)) ORDER BY source_row, id`,
		file, string(keys))
	if err != nil {
		return nil, fmt.Errorf("find contacts missing from %s: %w", file, err)
	}
	var gone []*contact.Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		gone = append(gone, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range gone {
		if _, err := q.ExecContext(ctx, "UPDATE contacts SET missing = 1, updated_at = ? WHERE id = ?", s.now(), c.ID); err != nil {
			return nil, fmt.Errorf("flag %s missing: %w", c.Label(), err)
		}
		if err := s.insertEvent(ctx, q, contact.Event{ContactID: c.ID, Type: contact.EventMissing, Auto: true,
			Detail: "no longer in " + file + "; kept, with its history"}); err != nil {
			return nil, err
		}
	}
	return gone, nil
}
