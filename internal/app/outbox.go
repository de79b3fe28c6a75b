package app

import (
	"context"
	"errors"
	"fmt"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// OutboxEntry is a note whose outcome is uncertain (or deferred, failed…):
// a journal row, and whether it is in fact being sent right now.
type OutboxEntry struct {
	*contact.Send
	// State is the row's state, or "in flight" while the process that
	// claimed it is still sending it: that needs no decision.
	State    string
	InFlight bool
	// Why is the last error, or why the note waits, in words.
	Why string
}

// Outbox lists the journal rows in states (nil: sending and unknown, the
// notes that wait for a decision).
func (a *App) Outbox(ctx context.Context, states []contact.SendState) ([]OutboxEntry, error) {
	if states == nil {
		states = []contact.SendState{contact.SendSending, contact.SendUnknown}
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := st.Sends(ctx, store.SendFilter{States: states})
	if err != nil {
		return nil, err
	}
	out := make([]OutboxEntry, 0, len(rows))
	live := a.LiveOwner()
	for _, r := range rows {
		if r.Channel == "letter" && r.State == contact.SendSending {
			continue // a print batch being written: the next print pass settles it by itself
		}
		o := OutboxEntry{Send: r, State: string(r.State), Why: r.LastError}
		if r.InFlight(live) {
			o.State, o.Why, o.InFlight = "in flight", "being sent right now by "+a.holder(), true
		} else if r.State == contact.SendSending {
			o.Why = "rapport stopped while sending it (a crash or a power cut); not found in the Sent folder yet"
		}
		out = append(out, o)
	}
	return out, nil
}

// ParseDecision reads "sent", "resend" or "drop".
func ParseDecision(s string) (store.Decision, error) {
	d := store.Decision(s)
	if d != store.DecideSent && d != store.DecideResend && d != store.DecideDrop {
		return "", Usagef("%q is not a decision: sent, resend or drop", s)
	}
	return d, nil
}

// Resolve records the user's decision about an uncertain note. A note in
// flight is refused with a ValidationError: its outcome is recorded the
// moment the server answers.
func (a *App) Resolve(ctx context.Context, id int64, d store.Decision) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	if err := st.Resolve(ctx, id, d, a.LiveOwner()); err != nil {
		if errors.Is(err, store.ErrInFlight) {
			return Invalidf("outbox %d is being sent right now by %s; its outcome is recorded the moment the server answers (nothing was changed)", id, a.holder())
		}
		return fmt.Errorf("outbox %d: %w", id, err)
	}
	return nil
}

// Resolved says what a decision did, for people.
func Resolved(d store.Decision) string {
	return map[store.Decision]string{store.DecideSent: "recorded as sent",
		store.DecideResend: "will be sent again at the next tick, with the same Message-ID", store.DecideDrop: "dropped; it will not be sent"}[d]
}
