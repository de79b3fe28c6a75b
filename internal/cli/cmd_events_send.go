package cli

import (
	"context"
	"errors"
	"os"
	"syscall"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/daemon"
	"rapport/internal/dispatch"
	"rapport/internal/store"
)

func cmdEventsUpdate() *command {
	return &command{
		name:    "events update",
		args:    "NAME",
		summary: "send the new time or place of an event to everyone invited who has not declined",
		help: `After you change an event's title, start, end or place in its campaign file,
this sends an update to everyone invited who has not declined: their calendar
moves the entry (the update carries a higher SEQUENCE), and the note says it
is updated. People not invited yet simply get the new details. It goes through
the journal like every note: once, at the pace of [sending], in the window.
While rapport run is running, it is asked to reload and sends the update at
the campaign's next tick.`,
		example: "rapport events update meet-and-greet",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the event (its campaign's name)"); err != nil {
				return err
			}
			return runEventsUpdate(ctx, a, args[0])
		},
	}
}

func cmdEventsCancel() *command {
	return &command{
		name:    "events cancel",
		args:    "NAME",
		summary: "call an event off: everyone invited who has not declined gets a cancellation",
		help: `Marks the event cancelled and sends a short note with a calendar cancellation
(METHOD:CANCEL) to everyone invited who has not declined: their calendar takes
the event out. Invitations not sent yet are held for good, and no reminder or
thank-you goes out. It goes through the journal like every note.`,
		example: "rapport events cancel meet-and-greet",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the event (its campaign's name)"); err != nil {
				return err
			}
			return runEventsCancel(ctx, a, args[0])
		},
	}
}

// isUpdate keeps the updates of one invite step's event; isCancel its
// cancellation.
func isUpdate(step string) func(campaign.Item) bool {
	return func(it campaign.Item) bool {
		return it.Step.EventStep == step && it.Step.Revision > 0 && !it.Step.Cancel
	}
}

func isCancel(step string) func(campaign.Item) bool {
	return func(it campaign.Item) bool { return it.Step.EventStep == step && it.Step.Cancel }
}

func runEventsUpdate(ctx context.Context, a *app, name string) error {
	c, s, err := a.event(name)
	if err != nil {
		return err
	}
	rep, err := a.eventReport(ctx, name)
	if err != nil {
		return err
	}
	switch {
	case rep.Stored == nil || len(rep.Guests) == 0:
		return a.nothingSent("no invitation to " + s.Event.Title + " has gone out yet: the invitations will carry the details as they are now")
	case rep.Stored.Cancelled():
		return invalidf("%s is cancelled: there is nothing to update", s.Event.Title)
	}
	if reloaded, err := a.askDaemon(c); reloaded || err != nil {
		return err
	}
	due, err := a.owed(ctx, c, isUpdate(s.ID))
	if err != nil {
		return err
	}
	if !rep.Changed && due == 0 {
		return a.nothingSent("nothing in " + c.Path + " changed since the invitations went out (title, start, end, place): no update to send")
	}
	return runSend(ctx, a, c.Name, dispatch.TickOptions{Only: isUpdate(s.ID)})
}

func runEventsCancel(ctx context.Context, a *app, name string) error {
	c, s, err := a.event(name)
	if err != nil {
		return err
	}
	d, done, err := a.dispatcher(ctx, nil)
	if err != nil {
		return err
	}
	defer done()
	before, err := d.Report(ctx, c, s, a.env.Now())
	if err != nil {
		return err
	}
	e, err := d.CancelEvent(ctx, c, s)
	if err != nil {
		return err
	}
	rep, err := d.Report(ctx, c, s, a.env.Now())
	if err != nil {
		return err
	}
	if before.Stored != nil && before.Stored.Cancelled() {
		if due, err := a.owed(ctx, c, isCancel(s.ID)); err != nil || due == 0 {
			if err != nil {
				return err
			}
			return a.nothingSent(e.Title + " was already cancelled, and everyone who was expecting it has been told")
		}
	} else {
		a.say("%s is cancelled: no more invitations, reminders or thank-yous go out for it.", e.Title)
	}
	if rep.Count(contact.Declined) == len(rep.Guests) {
		return a.nothingSent("nobody who is still expecting it was invited, so no cancellation needs to go out")
	}
	if reloaded, err := a.askDaemon(c); reloaded || err != nil {
		return err
	}
	cs, err := a.st.Campaign(ctx, c.Name)
	if err != nil {
		return err
	}
	if cs.State != store.CampaignActive {
		return invalidf("campaign %s is %s: the cancellations go out once you run `rapport campaigns start %s` (it sends nothing else for a cancelled event)",
			c.Name, cs.State, c.Name)
	}
	return runSend(ctx, a, c.Name, dispatch.TickOptions{Only: isCancel(s.ID)})
}

// owed counts the notes of c the plan owes now or later that only keeps.
func (a *app) owed(ctx context.Context, c *campaign.Campaign, only func(campaign.Item) bool) (int, error) {
	d, done, err := a.dispatcher(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer done()
	items, err := d.Plan(ctx, c, a.env.Now())
	n := 0
	for _, it := range items {
		if it.Step != nil && only(it) && it.Code != campaign.CodeDone {
			n++
		}
	}
	return n, err
}

// askDaemon asks a running `rapport run` to reload the campaign files
// (SIGHUP): it sends for this store, and sends what the change owes at the
// campaign's next tick. reloaded is false when no daemon runs.
func (a *app) askDaemon(c *campaign.Campaign) (reloaded bool, err error) {
	h, running := daemon.Running(daemon.LockPath(a.st.Path()))
	if !running || h.Role != daemon.RoleDaemon {
		return false, nil
	}
	if h.PID > 0 {
		if p, err := os.FindProcess(h.PID); err == nil && p.Signal(syscall.SIGHUP) == nil {
			a.say("%s sends for this store: it was asked to reload the campaigns, and sends this at the campaign's next tick (%s)", h, a.nextTick(c))
			return true, nil
		}
	}
	return true, errors.New(h.String() + " sends for this store but could not be asked to reload: reload it (systemctl --user reload rapport, or kill -HUP its pid); it then sends this at the campaign's next tick")
}

// nothingSent says why nothing was sent; with --json in the shape of
// `rapport send --json`.
func (a *app) nothingSent(why string) error {
	if a.json {
		return a.printJSON(map[string]any{"sent": 0, "due": 0, "results": []any{}, "stopped": why})
	}
	a.say("%s", why)
	return nil
}
