package store

import (
	"context"

	"rapport/internal/contact"
)

// FindContacts returns the contacts f selects whose names, organization,
// kind, city, tags, custom fields or notes contain every term, each at the
// start of a word, without regard to case or accents. terms come from
// contact.SearchTerms; no terms select every contact f selects.
func (s *Store) FindContacts(ctx context.Context, terms []string, f Filter) ([]*contact.Contact, error) {
	if err := s.refreshSearch(ctx); err != nil {
		return nil, err
	}
	where, args := f.where()
	for _, t := range terms {
		where += " AND instr(search, ?) > 0"
		args = append(args, t)
	}
	list, err := queryAll(ctx, s.db, scanContact, "SELECT "+contactColumns+" FROM contacts WHERE "+where+" ORDER BY id", args...)
	return list, wrapErr(err, "find contacts")
}

// refreshSearch computes the search text of every contact that has none:
// new ones, and those a change has cleared (see the contacts_search
// trigger). Reading and writing in one write transaction keeps a change
// made meanwhile from being overwritten with text from before it.
func (s *Store) refreshSearch(ctx context.Context) error {
	var stale bool
	if err := s.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM contacts WHERE search IS NULL)").Scan(&stale); err != nil || !stale {
		return wrapErr(err, "find contacts")
	}
	err := s.tx(ctx, func(tx *txn) error {
		rows, err := tx.tx.QueryContext(ctx, "SELECT "+contactColumns+" FROM contacts WHERE search IS NULL")
		if err != nil {
			return err
		}
		texts := map[int64]string{}
		for rows.Next() {
			c, err := scanContact(rows)
			if err != nil {
				rows.Close()
				return err
			}
			texts[c.ID] = contact.SearchText(c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for id, text := range texts {
			if _, err := tx.ExecContext(ctx, "UPDATE contacts SET search = ? WHERE id = ?", text, id); err != nil {
				return err
			}
		}
		return nil
	})
	return wrapErr(err, "prepare contact search")
}
