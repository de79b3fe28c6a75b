package dispatch

import (
	"context"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// Recover settles the sends a crash or a lost connection left uncertain
// ("sending" or "unknown"): each one whose Message-ID is in the Sent
// folder went out and is recorded as sent; the others wait in the outbox
// for the user's decision. Nothing is sent again here. sent may be nil
// when there is no IMAP account; then everything uncertain waits.
func (d *Dispatcher) Recover(ctx context.Context, sent SentFolder) (found, waiting int, err error) {
	rows, err := d.o.Store.Sends(ctx, store.SendFilter{States: []contact.SendState{contact.SendSending, contact.SendUnknown}})
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	in := map[string]bool{}
	if sent != nil {
		ids := make([]string, 0, len(rows))
		for _, r := range rows {
			if r.MessageID != "" {
				ids = append(ids, r.MessageID)
			}
		}
		if in, err = sent.Find(ctx, ids); err != nil {
			return 0, len(rows), err
		}
	}
	for _, r := range rows {
		if !in[r.MessageID] {
			waiting++
			continue
		}
		if err := d.o.Store.MarkSent(ctx, r.ID, "found in the Sent folder after a restart"); err != nil {
			return found, waiting, err
		}
		found++
		d.o.Log.Info("recovered_send", "message_id", r.MessageID, "contact_id", r.ContactID)
	}
	return found, waiting, nil
}
