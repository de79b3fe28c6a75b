package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"

	"rapport/internal/contact"
)

// suppressionKey is the store's own key for hashing forgotten addresses,
// read from the settings once (the migration that made the list wrote it).
type suppressionKey struct {
	mu  sync.Mutex
	key []byte
}

func (s *Store) suppressionKey(ctx context.Context, q querier) ([]byte, error) {
	s.suppression.mu.Lock()
	defer s.suppression.mu.Unlock()
	if s.suppression.key != nil {
		return s.suppression.key, nil
	}
	var v string
	if err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'suppression.key'").Scan(&v); err != nil {
		return nil, fmt.Errorf("read the suppression list's key: %w", err)
	}
	key, err := hex.DecodeString(v)
	if err != nil || len(key) < 16 {
		return nil, fmt.Errorf("the suppression list's key is damaged")
	}
	s.suppression.key = key
	return key, nil
}

// suppressionHash is the one-way hash a forgotten contact leaves behind:
// of the address without regard to case, or for a postal-only contact of
// its name and address.
func suppressionHash(key []byte, c *contact.Contact) string {
	m := hmac.New(sha256.New, key)
	if c.Email != "" {
		m.Write([]byte("email:" + strings.ToLower(c.Email)))
	} else {
		m.Write([]byte("postal:" + c.PostalKey()))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// Suppressed reports whether email (normalized) belongs to someone the
// user asked rapport to forget.
func (s *Store) Suppressed(ctx context.Context, email string) (bool, error) {
	return s.suppressed(ctx, s.db, &contact.Contact{Email: email})
}

func (s *Store) suppressed(ctx context.Context, q querier, c *contact.Contact) (bool, error) {
	key, err := s.suppressionKey(ctx, q)
	if err != nil {
		return false, err
	}
	var found bool
	err = q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM suppressed WHERE hash = ?)", suppressionHash(key, c)).Scan(&found)
	return found, wrapErr(err, "check the suppression list")
}

// honourSuppression runs for every contact insertContact creates, however
// it came (an import, `contacts add`, a vCard): someone the user had
// forgotten comes back as do-not-contact, so no note is ever planned for
// them, and the history says why.
func (s *Store) honourSuppression(ctx context.Context, q querier, c *contact.Contact) error {
	var found bool
	var err error
	if tx, ok := q.(*txn); ok {
		found, err = s.suppressedInTx(ctx, tx, c)
	} else {
		found, err = s.suppressed(ctx, q, c)
	}
	if err != nil || !found {
		return err
	}
	if _, err := q.ExecContext(ctx, "UPDATE contacts SET stage = ? WHERE id = ?", string(contact.StageDoNotContact), c.ID); err != nil {
		return fmt.Errorf("suppress contact %d: %w", c.ID, err)
	}
	from := c.Stage
	c.Stage = contact.StageDoNotContact
	return s.insertEvent(ctx, q, contact.Event{ContactID: c.ID, Type: contact.EventStage, From: from, To: c.Stage, Auto: true,
		At: c.CreatedAt, Detail: "you had asked rapport to forget this person (`contacts forget`); kept as do-not-contact"})
}

// suppressedInTx checks c against the list read once per transaction: an
// import of 100,000 rows into a store that has forgotten nobody costs one
// query, not 100,000 hashes and lookups.
func (s *Store) suppressedInTx(ctx context.Context, sc *txn, c *contact.Contact) (bool, error) {
	if sc.suppressed == nil {
		list, err := queryAll(ctx, sc.tx, func(r scanner) (h string, err error) { return h, r.Scan(&h) }, "SELECT hash FROM suppressed")
		if err != nil {
			return false, wrapErr(err, "read the suppression list")
		}
		sc.suppressed = make(map[string]bool, len(list))
		for _, h := range list {
			sc.suppressed[h] = true
		}
	}
	if len(sc.suppressed) == 0 {
		return false, nil
	}
	key, err := s.suppressionKey(ctx, sc)
	if err != nil {
		return false, err
	}
	return sc.suppressed[suppressionHash(key, c)], nil
}

// Forget erases a contact: its fields, history, sends, referrals and
// anything else that refers to it. Only a keyed one-way hash of its address
// stays, on the suppression list, so that importing it again brings it back
// as do-not-contact. Processed messages keep their Message-ID (so reading
// the mailbox again changes nothing) but lose who sent them and the
// subject. It returns the contact as it was.
func (s *Store) Forget(ctx context.Context, id int64) (*contact.Contact, error) {
	var c *contact.Contact
	err := s.tx(ctx, func(tx *txn) error {
		var err error
		if c, err = s.contactWhere(ctx, tx, "id = ?", id); err != nil {
			return err
		}
		key, err := s.suppressionKey(ctx, tx)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT OR IGNORE INTO suppressed (hash, created_at) VALUES (?, ?)",
			suppressionHash(key, c), s.now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbound SET contact_id = NULL, send_id = NULL, sender = '', subject = ''
			WHERE contact_id = ?1 OR send_id IN (SELECT id FROM sends WHERE contact_id = ?1)`, id); err != nil {
			return err
		}
		return deleteCascade(ctx, tx.tx, "contacts", "id = ?", []any{id}, 0)
	})
	return c, wrapErr(err, "forget contact %d", id)
}

// deleteCascade deletes the rows of table that where selects, after every
// row of any table that refers to them through a foreign key (sends,
// events, referrals, and whatever later migrations add), found in the
// schema itself so that a new table cannot be forgotten.
func deleteCascade(ctx context.Context, q querier, table, where string, args []any, depth int) error {
	if depth > 8 {
		return fmt.Errorf("tables refer to %s too deeply to delete safely", table)
	}
	rows, err := q.QueryContext(ctx, `SELECT m.name, f."from", COALESCE(f."to", 'rowid') FROM sqlite_master m,
		pragma_foreign_key_list(m.name) f WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE`, table)
	if err != nil {
		return err
	}
	type ref struct{ table, col, parent string }
	var refs []ref
	for rows.Next() {
		var r ref
		if err := rows.Scan(&r.table, &r.col, &r.parent); err != nil {
			rows.Close()
			return err
		}
		refs = append(refs, r)
	}
	rows.Close()
	for _, r := range refs {
		sub := fmt.Sprintf(`%q IN (SELECT %q FROM %q WHERE %s)`, r.col, r.parent, table, where)
		if err := deleteCascade(ctx, q, r.table, sub, args, depth+1); err != nil {
			return err
		}
	}
	_, err = q.ExecContext(ctx, fmt.Sprintf("DELETE FROM %q WHERE %s", table, where), args...)
	return err
}
