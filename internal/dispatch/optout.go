package dispatch

import (
	"fmt"
	"strings"

	"rapport/internal/contact"
)

// optOutAddress is the sender's address with a per-contact tag, for the
// List-Unsubscribe header: mail to it is an opt-out from that contact.
// Plus-addressing reaches the same mailbox at Gmail, Fastmail, iCloud and
// Microsoft 365.
func optOutAddress(from string, c *contact.Contact) string {
	local, domain, _ := strings.Cut(from, "@")
	return fmt.Sprintf("%s+optout-%s@%s", local, contact.OptOutToken(c.ID), domain)
}
