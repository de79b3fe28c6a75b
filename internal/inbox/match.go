package inbox

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// Directory is what matching needs of the store (*store.Store). Unknown
// Message-IDs and addresses are store.ErrNotFound.
type Directory interface {
	SendByMessageID(ctx context.Context, messageID string) (*contact.Send, error)
	Contact(ctx context.Context, id int64) (*contact.Contact, error)
	ContactByEmail(ctx context.Context, email string) (*contact.Contact, error)
	ContactedAtDomain(ctx context.Context, domain string) ([]*contact.Contact, error)
	FirstSentAt(ctx context.Context, contactID int64) (time.Time, error)
}

// Match is who an incoming message is about, and how that was found.
type Match struct {
	Contact *contact.Contact
	Send    *contact.Send // the note it answers or reports on, when known
	By      string        // "thread", "bounce", "opt-out address", "sender", "domain"
}

// Matched reports whether a contact was found.
func (m Match) Matched() bool { return m.Contact != nil }

// freemail domains are shared by strangers: a message from one is never
// matched by its domain alone.
var freemail = []string{"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
	"yahoo.com", "ymail.com", "icloud.com", "me.com", "mac.com", "aol.com", "protonmail.com", "proton.me",
	"gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "zoho.com", "fastmail.com", "hey.com", "comcast.net",
	"att.net", "verizon.net", "sbcglobal.net", "yahoo.co.uk", "orange.fr", "free.fr", "t-online.de"}

// match finds the contact and send a message is about, in the order of
// DESIGN.md: our Message-IDs in the thread (or, for a bounce, in the
// returned headers), the opt-out token, then the sender's address, then the
// sender's domain when exactly one contacted contact has it.
func match(ctx context.Context, dir Directory, a *Analysis) (Match, error) {
	for _, id := range referenced(a) {
		sd, err := dir.SendByMessageID(ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return Match{}, err
		}
		c, err := dir.Contact(ctx, sd.ContactID)
		if err != nil {
			return Match{}, err
		}
		by := "thread"
		if a.Kind == KindBounce {
			by = "bounce"
		}
		return Match{Contact: c, Send: sd, By: by}, nil
	}
	if id, ok := contact.ParseOptOutToken(a.OptOutToken); ok && a.OptOutToken != "" {
		if c, err := dir.Contact(ctx, id); err == nil {
			return Match{Contact: c, By: "opt-out address"}, nil
		}
	}
	return matchAddress(ctx, dir, a)
}

// referenced lists the Message-IDs that may be ours: the bounced or
// complained-about message first, then In-Reply-To, then References from
// the newest.
func referenced(a *Analysis) []string {
	var ids []string
	if a.Bounce != nil && a.Bounce.OriginalMessageID != "" {
		ids = append(ids, a.Bounce.OriginalMessageID)
	}
	if a.Complaint != nil && a.Complaint.OriginalMessageID != "" {
		ids = append(ids, a.Complaint.OriginalMessageID)
	}
	ids = append(ids, a.InReplyTo...)
	refs := slices.Clone(a.References)
	slices.Reverse(refs)
	return append(ids, refs...)
}

func matchAddress(ctx context.Context, dir Directory, a *Analysis) (Match, error) {
	var addrs []string
	switch {
	case a.Bounce != nil:
		addrs = a.Bounce.Recipients
	case a.Complaint != nil:
		addrs = a.Complaint.Recipients
	default:
		addrs = []string{a.From}
	}
	for _, addr := range addrs {
		if addr == "" {
			continue
		}
		c, err := dir.ContactByEmail(ctx, addr)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return Match{}, err
		}
		if ok, err := afterFirstNote(ctx, dir, c, a); !ok || err != nil {
			return Match{}, err
		}
		return Match{Contact: c, By: "sender"}, nil
	}
	if a.Bounce != nil || a.Complaint != nil || a.From == "" {
		return Match{}, nil
	}
	return matchDomain(ctx, dir, a.From, a.Date)
}

func matchDomain(ctx context.Context, dir Directory, from string, date time.Time) (Match, error) {
	_, domain, ok := strings.Cut(strings.ToLower(from), "@")
	if !ok || slices.Contains(freemail, domain) {
		return Match{}, nil
	}
	list, err := dir.ContactedAtDomain(ctx, domain)
	if err != nil || len(list) != 1 {
		return Match{}, err
	}
	if ok, err := afterFirstNote(ctx, dir, list[0], &Analysis{Date: date}); !ok || err != nil {
		return Match{}, err
	}
	return Match{Contact: list[0], By: "domain"}, nil
}

// afterFirstNote keeps old mail out: a message matched only by its
// sender is about our outreach only if it came after our first note to
// them (a day's grace for clocks). Mail from before — last year's thank-you
// from the same office — is not a reply to anything rapport sent.
func afterFirstNote(ctx context.Context, dir Directory, c *contact.Contact, a *Analysis) (bool, error) {
	first, err := dir.FirstSentAt(ctx, c.ID)
	if err != nil || first.IsZero() {
		return false, err
	}
	return a.Date.IsZero() || a.Date.After(first.Add(-24*time.Hour)), nil
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
