package daemon

import (
	"context"

	"rapport/internal/campaign"
	"rapport/internal/dispatch"
)

// print writes the due letters of the campaigns whose tick has come into
// print batches, before their emails go: it is quick and needs no mail
// server. A failure is logged; the emails still go.
func (d *Daemon) print(ctx context.Context, rt *Runtime, camps []*campaign.Campaign) {
	rep, err := rt.Dispatcher.Print(ctx, camps, dispatch.PrintOptions{})
	if err != nil && ctx.Err() == nil {
		d.o.Log.Error("print_failed", "error", err.Error())
	}
	if rep == nil || len(rep.Batches)+len(rep.Skipped) == 0 {
		return
	}
	d.o.Log.Info("printed", "campaigns", names(camps), "batches", len(rep.Batches), "letters", rep.Letters(), "skipped", len(rep.Skipped))
	for _, s := range rep.Skipped {
		d.o.Log.Info("letter_skipped", "campaign", s.Campaign, "step", s.Step, "contact_id", s.Contact.ID, "reason", s.Reason)
	}
}
