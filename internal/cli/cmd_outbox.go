package cli

import (
	"context"
	"flag"
	"strconv"

	core "rapport/internal/app"
	"rapport/internal/contact"
)

func cmdOutboxList() *command {
	var state string
	return &command{
		name:    "outbox list",
		args:    "[--state S]",
		summary: "notes whose outcome is uncertain (or deferred, failed) and wait for a decision",
		help: `A note is uncertain when rapport stopped (a crash, a power cut) or the
connection broke after the message was handed to the server: it may or may
not have gone out. rapport looks for it in your Sent folder at start; what it
cannot find waits here, and is never sent again without your decision.`,
		example: "rapport outbox list\nrapport outbox list --state deferred",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&state, "state", "", "sending, unknown, deferred, failed (default: sending and unknown)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runOutboxList(ctx, a, state)
		},
	}
}

type outboxJSON struct {
	ID        int64  `json:"id"`
	Campaign  string `json:"campaign"`
	Step      string `json:"step"`
	Contact   string `json:"contact"`
	State     string `json:"state"`
	MessageID string `json:"message_id"`
	Subject   string `json:"subject"`
	Error     string `json:"error"`
	Updated   string `json:"updated"`
	InFlight  bool   `json:"in_flight"` // being sent right now by a live rapport process: no decision needed
}

func runOutboxList(ctx context.Context, a *app, state string) error {
	states := []contact.SendState{contact.SendSending, contact.SendUnknown}
	if state != "" {
		s := contact.SendState(state)
		switch s {
		case contact.SendSending, contact.SendUnknown, contact.SendDeferred, contact.SendFailed, contact.SendPlanned, contact.SendDropped:
		default:
			return usagef("--state %q is not one of sending, unknown, deferred, failed, planned, dropped", state)
		}
		states = []contact.SendState{s}
	}
	if _, err := a.store(ctx); err != nil {
		return err
	}
	rows, err := a.core().Outbox(ctx, states)
	if err != nil {
		return err
	}
	out := []outboxJSON{}
	inFlight := 0
	for _, r := range rows {
		o := outboxJSON{ID: r.ID, Campaign: r.Campaign, Step: r.Step, Contact: r.Email, State: r.State,
			MessageID: r.MessageID, Subject: r.Subject, Error: r.Why, Updated: a.when(r.UpdatedAt), InFlight: r.InFlight}
		if r.InFlight {
			inFlight++
		}
		out = append(out, o)
	}
	if a.json {
		return a.printJSON(out)
	}
	if len(out) == 0 {
		if state == "" {
			a.say("No note waits for your decision: every note's outcome is known.")
		} else {
			a.say("No note is %s.", state)
		}
		return nil
	}
	var table [][]string
	for _, o := range out {
		table = append(table, []string{strconv.FormatInt(o.ID, 10), o.State, o.Contact, o.Campaign + "/" + o.Step, o.Updated, o.Error})
	}
	a.table([]string{"ID", "STATE", "CONTACT", "NOTE", "SINCE", "LAST ERROR"}, table)
	if len(out) > inFlight && state == "" {
		a.say("\nDecide each: `rapport outbox resolve ID sent` (it went out), `resend`, or `drop`.")
	}
	return nil
}

func cmdOutboxResolve() *command {
	return &command{
		name:    "outbox resolve",
		args:    "ID sent|resend|drop",
		summary: "decide about an uncertain note: it was sent, send it again, or drop it",
		example: "rapport outbox resolve 42 sent",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 2, 2, "the outbox ID and a decision (sent, resend, drop)"); err != nil {
				return err
			}
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usagef("%q is not an outbox ID (see `rapport outbox list`)", args[0])
			}
			d, err := core.ParseDecision(args[1])
			if err != nil {
				return err
			}
			if _, err := a.store(ctx); err != nil {
				return err
			}
			if err := a.core().Resolve(ctx, id, d); err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"id": id, "decision": d})
			}
			a.say("outbox %d: %s", id, core.Resolved(d))
			return nil
		},
	}
}
