package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
)

// ErrExists is returned by AddContact and EditContact when another contact
// already has the address (or, postal-only, the name and address).
var ErrExists = errors.New("already in your contacts")

// ExistsError names the contact that is already there.
type ExistsError struct{ Existing *contact.Contact }

func (e *ExistsError) Error() string {
	return fmt.Sprintf("%s is already in your contacts (#%d %s)", keyOf(e.Existing), e.Existing.ID, e.Existing.Label())
}

// Is makes errors.Is(err, ErrExists) hold.
func (e *ExistsError) Is(target error) bool { return target == ErrExists }

func keyOf(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return "a postal-only contact with this name and address"
}

// AddContact stores a contact the user typed in (`contacts add`), with
// "added by hand" at the start of its history. A contact already there is
// an *ExistsError and nothing changes. Someone the user once asked rapport
// to forget comes back as do-not-contact.
func (s *Store) AddContact(ctx context.Context, c *contact.Contact) error {
	now := s.clock()
	c.CreatedAt, c.UpdatedAt = now, now
	if c.Stage == "" {
		c.Stage = contact.StageNew
	}
	want := c.Stage
	err := s.tx(ctx, func(tx *txn) error {
		created, err := s.insertContact(ctx, tx, c, "added by hand")
		switch {
		case err != nil:
			return err
		case !created:
			return s.existsError(ctx, tx, c, 0)
		case c.Stage == want && want != contact.StageNew:
			// Added straight into meeting: the user met them; the
			// history (and keeping in touch) should know.
			return s.insertEvent(ctx, tx, contact.Event{ContactID: c.ID, Type: contact.EventStage, From: contact.StageNew,
				To: want, Detail: "added by hand"})
		}
		return nil
	})
	return wrapErr(err, "add contact")
}

// existsError reads the contact that holds c's address, other than self.
func (s *Store) existsError(ctx context.Context, q querier, c *contact.Contact, self int64) error {
	where, key := "email = ? AND id != ?", any(c.Email)
	if c.Email == "" {
		where, key = "email IS NULL AND postal_key = ? AND id != ?", c.PostalKey()
	}
	old, err := s.contactWhere(ctx, q, where, key, self)
	if err != nil {
		return err
	}
	return &ExistsError{Existing: old}
}

// ErrChanged is returned by EditContact when the contact changed since it
// was read (an import, the daemon): nothing was written.
var ErrChanged = errors.New("the contact changed while you were editing it (an import or the daemon); nothing was saved, try again")

// EditContact writes the user's changes to c (every field but the stage,
// see MoveStage) and records them in its history as the user's edit. c must
// be as read, then changed: if the stored contact has moved on since (its
// Version), nothing is written and the error is ErrChanged. Taking another
// contact's address is an *ExistsError.
func (s *Store) EditContact(ctx context.Context, c *contact.Contact, changes []string) error {
	if len(changes) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *txn) error {
		var version int64
		if err := tx.QueryRowContext(ctx, "SELECT version FROM contacts WHERE id = ?", c.ID).Scan(&version); err != nil {
			return asNotFound(err)
		}
		if version != c.Version {
			return ErrChanged
		}
		if err := s.existsError(ctx, tx, c, c.ID); !errors.Is(err, ErrNotFound) {
			return err
		}
		c.UpdatedAt = s.clock()
		if err := s.updateContact(ctx, tx, c); err != nil {
			return err
		}
		return s.insertEvent(ctx, tx, contact.Event{ContactID: c.ID, Type: contact.EventUpdated,
			Detail: "edited by you: " + strings.Join(changes, "; ")})
	})
	return wrapErr(err, "edit contact %d", c.ID)
}

// LogInteraction records something the user did with a contact themselves
// (`contacts log`): a visit, a call, cookies dropped off. A zero at means
// now. It counts as being in touch (see LastInteractions).
func (s *Store) LogInteraction(ctx context.Context, contactID int64, at time.Time, text string) error {
	text = contact.CleanText(text)
	if err := contact.CheckText(text); err != nil {
		return fmt.Errorf("log: the text %w; put it on one line", err)
	}
	if text == "" {
		return errors.New("log: say what happened (\"dropped off cookies and brochures\")")
	}
	err := s.tx(ctx, func(tx *txn) error {
		var id int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM contacts WHERE id = ?", contactID).Scan(&id); err != nil {
			return asNotFound(err)
		}
		return s.insertEvent(ctx, tx, contact.Event{ContactID: contactID, At: at, Type: contact.EventLogged, Detail: text})
	})
	return wrapErr(err, "log for contact %d", contactID)
}

// asNotFound turns "no rows" into ErrNotFound.
func asNotFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	return err
}
