package imapconn

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// ErrNoMailbox means no mailbox has the special use asked for, and none
// has one of the usual names.
var ErrNoMailbox = errors.New("mailbox not found")

// commonNames are where providers without SPECIAL-USE keep these mailboxes,
// in order of preference.
var commonNames = map[imap.MailboxAttr][]string{
	imap.MailboxAttrSent:    {"Sent", "Sent Items", "Sent Messages", "[Gmail]/Sent Mail", "INBOX.Sent", "Sent Mail"},
	imap.MailboxAttrJunk:    {"Junk", "Spam", "[Gmail]/Spam", "Junk E-mail", "Junk Email", "INBOX.Junk", "INBOX.Spam"},
	imap.MailboxAttrDrafts:  {"Drafts", "[Gmail]/Drafts", "INBOX.Drafts"},
	imap.MailboxAttrTrash:   {"Trash", "Deleted Items", "Deleted Messages", "[Gmail]/Trash", "INBOX.Trash"},
	imap.MailboxAttrArchive: {"Archive", "Archives", "INBOX.Archive"},
}

// FindSpecialUse returns the name of the mailbox marked attr (RFC 6154),
// e.g. imap.MailboxAttrSent; failing that, the first of fallbacks (or, with
// none given, the usual names for attr) that exists, compared without
// regard to case. It wraps ErrNoMailbox when nothing fits.
func FindSpecialUse(c *imapclient.Client, attr imap.MailboxAttr, fallbacks ...string) (string, error) {
	var opts *imap.ListOptions
	if c.Caps().Has(imap.CapSpecialUse) {
		opts = &imap.ListOptions{ReturnSpecialUse: true}
	}
	boxes, err := c.List("", "*", opts).Collect()
	if err != nil {
		return "", fmt.Errorf("imap list: %w", err)
	}
	for _, b := range boxes {
		if selectable(b) && slices.ContainsFunc(b.Attrs, func(a imap.MailboxAttr) bool { return strings.EqualFold(string(a), string(attr)) }) {
			return b.Mailbox, nil
		}
	}
	if len(fallbacks) == 0 {
		fallbacks = commonNames[attr]
	}
	for _, name := range fallbacks {
		for _, b := range boxes {
			if selectable(b) && strings.EqualFold(b.Mailbox, name) {
				return b.Mailbox, nil
			}
		}
	}
	return "", fmt.Errorf("%w: no %s mailbox, and none named %s", ErrNoMailbox, attr, strings.Join(fallbacks, ", "))
}

func selectable(b *imap.ListData) bool {
	return !slices.Contains(b.Attrs, imap.MailboxAttrNoSelect) && !slices.Contains(b.Attrs, imap.MailboxAttrNonExistent)
}
