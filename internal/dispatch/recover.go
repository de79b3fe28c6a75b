package dispatch

import (
	"context"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// Recover settles the sends a crash or a lost connection left uncertain
// ("sending" or "unknown"), after the print batches (recoverLetters):
// each note whose Message-ID is in the Sent
// folder went out and is recorded as sent; the others become "unknown"
// and wait in the outbox for the user's decision. Nothing is sent again
// here. sent may be nil when there is no IMAP account; then everything
// uncertain waits. The caller must hold the store's sender lock, so that
// no other process has notes in flight; rows this process claimed itself
// (Options.Owner) are left alone.
func (d *Dispatcher) Recover(ctx context.Context, sent SentFinder) (found, waiting int, err error) {
	if err := d.recoverLetters(ctx); err != nil {
		return 0, 0, err
	}
	all, err := d.o.Store.Sends(ctx, store.SendFilter{States: []contact.SendState{contact.SendSending, contact.SendUnknown}})
	if err != nil {
		return 0, 0, err
	}
	var rows []*contact.Send
	for _, r := range all {
		if !r.InFlight(d.o.Owner) && r.Channel != "letter" { // letters: recoverLetters
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return 0, 0, nil
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
			if err := d.settleUnknown(ctx, r); err != nil {
				return found, waiting, err
			}
			continue
		}
		if err := d.o.Store.MarkSent(ctx, r.ID, "found in the Sent folder after a restart"); err != nil {
			return found, waiting, err
		}
		found++
		d.o.Log.Info("recovered_send", "message_id", r.MessageID, "contact", r.Email, "contact_id", r.ContactID)
	}
	return found, waiting, nil
}

// settleUnknown turns a row its dead sender left "sending" into
// "unknown": from now on it is plainly uncertain, whoever sends next.
func (d *Dispatcher) settleUnknown(ctx context.Context, r *contact.Send) error {
	if r.State != contact.SendSending {
		return nil
	}
	return d.o.Store.MarkUnknown(ctx, r.ID, "rapport stopped (a crash, a power cut) before the server's answer was recorded, "+
		"and the note is not in the Sent folder")
}
