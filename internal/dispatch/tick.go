package dispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

// TickOptions shape one tick.
type TickOptions struct {
	Limit  int                      // send at most this many (0: no limit)
	DryRun bool                     // plan and render only; send and record nothing
	Only   func(campaign.Item) bool // consider only these due items (e.g. retries)
}

// Result is what happened to one due note in a tick.
type Result struct {
	Campaign  string
	Step      string
	Contact   *contact.Contact
	MessageID string
	State     contact.SendState // sent, deferred, failed, unknown; "" when skipped
	Reason    string            // why it was skipped, or the server's answer
}

// Report sums up a tick.
type Report struct {
	Results                         []Result
	Sent, Deferred, Failed, Unknown int
	Skipped                         int
	Due                             int    // due when the tick began
	Stopped                         string // why the tick ended before handling every due note
}

// Tick sends what is due now in the given campaigns, as one queue:
// follow-ups before first notes, then in the order they fell due, at the
// pace the caps allow and within the send window. The caller decides which
// campaigns run (the daemon passes the active ones; `rapport send` the one
// named). What does not fit rolls over to the next tick.
func (d *Dispatcher) Tick(ctx context.Context, camps []*campaign.Campaign, o TickOptions) (*Report, error) {
	if why, _, paused, err := d.o.Store.SendingPaused(ctx); err != nil {
		return nil, err
	} else if paused {
		return nil, fmt.Errorf("%w: %s", ErrPaused, why)
	}
	now := d.o.Now()
	tpl := newTemplates(d.o.Templates)
	queue, rep, err := d.queue(ctx, tpl, camps, now, o)
	if err != nil {
		return nil, err
	}
	if o.DryRun {
		return d.dryRun(ctx, tpl, queue, rep, now)
	}
	r := &run{d: d, tpl: tpl, rep: rep, opts: o}
	err = r.all(ctx, queue)
	return rep, err
}

// queued is a due item of one campaign.
type queued struct {
	camp  *campaign.Campaign
	item  campaign.Item
	round string
}

// queue plans every campaign and merges the due items.
func (d *Dispatcher) queue(ctx context.Context, tpl *templates, camps []*campaign.Campaign, now time.Time, o TickOptions) ([]queued, *Report, error) {
	rep := &Report{}
	var q []queued
	for _, c := range camps {
		facts, err := Facts(ctx, d.o.Store, c, now)
		if err != nil {
			return nil, nil, err
		}
		items := c.Plan(facts, campaign.Options{Now: now, Window: d.o.Window, Holidays: d.o.Holidays,
			Pipeline: d.o.Store.Pipeline, Capacity: -1,
			Check: func(ct *contact.Contact, s *campaign.Step) error { return d.check(tpl, c, s, ct) }})
		for _, it := range items {
			if it.Code == campaign.CodeMissing {
				rep.skip(c.Name, it, it.Reason)
			}
			if it.Due && it.Step.Channel == "email" && (o.Only == nil || o.Only(it)) {
				q = append(q, queued{camp: c, item: it, round: c.Round(now)})
			}
		}
	}
	slices.SortStableFunc(q, func(a, b queued) int {
		if (a.item.Index > 0) != (b.item.Index > 0) {
			return cmp.Compare(b.item.Index, a.item.Index)
		}
		return a.item.At.Compare(b.item.At)
	})
	rep.Due = len(q)
	return q, rep, nil
}

func (rep *Report) skip(camp string, it campaign.Item, why string) {
	rep.Skipped++
	step := ""
	if it.Step != nil {
		step = it.Step.ID
	}
	rep.Results = append(rep.Results, Result{Campaign: camp, Step: step, Contact: it.Contact, Reason: why})
}

func (d *Dispatcher) dryRun(ctx context.Context, tpl *templates, q []queued, rep *Report, now time.Time) (*Report, error) {
	for _, e := range q {
		if _, err := d.prepare(ctx, tpl, e.camp, e.item, e.round); err != nil {
			rep.skip(e.camp.Name, e.item, err.Error())
			continue
		}
		rep.Results = append(rep.Results, Result{Campaign: e.camp.Name, Step: e.item.Step.ID, Contact: e.item.Contact,
			Reason: "would be sent"})
	}
	return rep, nil
}

// stillDue is the check made inside the claim transaction, against the
// contact as it is now: a reply, an opt-out or an out-of-office that
// arrived since the plan stops the note.
func stillDue(it campaign.Item, now time.Time, p contact.Pipeline) func(*contact.Contact) error {
	return func(ct *contact.Contact) error {
		switch {
		case p.Suppressed(ct.Stage):
			return fmt.Errorf("now %s", ct.Stage)
		case ct.Stage != it.Contact.Stage:
			return fmt.Errorf("moved to %s since the plan", ct.Stage)
		case ct.HoldUntil.After(now):
			return fmt.Errorf("out of office until %s", ct.HoldUntil.Format("2006-01-02"))
		case ct.Email != it.Contact.Email:
			return fmt.Errorf("address changed to %s", ct.Email)
		}
		return nil
	}
}

// run is one tick's sending loop.
type run struct {
	d       *Dispatcher
	tpl     *templates
	rep     *Report
	opts    TickOptions
	recent  []time.Time
	pending []store.Outcome // recorded with the next claims
	sent    int
}

// maxBatch is how many notes are claimed in one transaction when nothing
// paces the sending (no min_gap, no caps): one disk sync for the batch.
// With any pacing, notes are claimed one at a time, so an interruption
// leaves at most one note uncertain.
const maxBatch = 32

func (r *run) batchSize() int {
	lim := r.d.o.Limits
	if lim.MinGap > 0 || lim.PerHour > 0 || lim.PerDay > 0 {
		return 1
	}
	n := maxBatch
	if r.opts.Limit > 0 {
		n = min(n, r.opts.Limit-r.sent)
	}
	return max(n, 1)
}

func (r *run) all(ctx context.Context, q []queued) error {
	var err error
	if r.d.o.Limits.PerHour > 0 || r.d.o.Limits.PerDay > 0 || r.d.o.Limits.MinGap > 0 {
		if r.recent, err = r.d.o.Store.SentTimes(ctx, r.d.o.Now().Add(-24*time.Hour)); err != nil {
			return err
		}
	}
	done := make(chan struct{})
	defer close(done)
	ahead := r.prepareAhead(ctx, q, done)
	if n := r.batchSize(); n > 1 && r.opts.Limit == 0 {
		err = r.pipelined(ctx, ahead, len(q), n)
		return errors.Join(err, r.flush(context.WithoutCancel(ctx)))
	}
	for handled := 0; handled < len(q); {
		if stop := r.stopBefore(ctx); stop != "" {
			r.rep.Stopped = fmt.Sprintf("%s (%d due notes wait for the next tick)", stop, len(q)-handled)
			break
		}
		batch := take(ahead, r.batchSize())
		handled += len(batch)
		if err = r.batch(ctx, batch); err != nil {
			if errors.Is(err, errStopTick) {
				err = nil
			}
			break
		}
	}
	return errors.Join(err, r.flush(context.WithoutCancel(ctx)))
}

// ready is a due note rendered ahead of its turn.
type ready struct {
	e   queued
	p   *prepared
	err error
}

// prepareAhead renders the queue on its own goroutine, so the next notes
// are ready while the current ones go out.
func (r *run) prepareAhead(ctx context.Context, q []queued, done <-chan struct{}) <-chan ready {
	out := make(chan ready, 2*maxBatch)
	go func() {
		defer close(out)
		for _, e := range q {
			p, err := r.d.prepare(ctx, r.tpl, e.camp, e.item, e.round)
			select {
			case out <- ready{e: e, p: p, err: err}:
			case <-done:
				return
			}
		}
	}()
	return out
}

// take waits for one rendered note and adds those already waiting, up to n.
func take(ahead <-chan ready, n int) []ready {
	first, ok := <-ahead
	if !ok {
		return nil
	}
	batch := []ready{first}
	for len(batch) < n {
		select {
		case x, ok := <-ahead:
			if !ok {
				return batch
			}
			batch = append(batch, x)
		default:
			return batch
		}
	}
	return batch
}

// stopBefore waits for the next free slot and says why the tick must stop
// instead, if it must.
func (r *run) stopBefore(ctx context.Context) string {
	if ctx.Err() != nil {
		return "stopped"
	}
	if r.opts.Limit > 0 && r.sent >= r.opts.Limit {
		return fmt.Sprintf("--limit %d reached", r.opts.Limit)
	}
	now := r.d.o.Now()
	at, why := mailer.NextSlot(now, r.recent, r.d.o.Limits, r.d.o.Rand)
	if at.After(now) {
		if !r.d.inWindow(at, nil) || at.Sub(now) > 2*time.Hour {
			return why
		}
		if err := r.d.o.Sleep(ctx, at.Sub(now)); err != nil {
			return "stopped"
		}
		now = r.d.o.Now()
	}
	if !r.d.inWindow(now, nil) {
		return "the send window closed (" + r.d.o.Window.String() + ")"
	}
	return ""
}

// inWindow reports whether t is inside the send window, in the contact's
// zone when it has one.
func (d *Dispatcher) inWindow(t time.Time, c *contact.Contact) bool {
	loc := d.o.Location
	if c != nil && c.TimeZone != "" {
		if l, err := time.LoadLocation(c.TimeZone); err == nil {
			loc = l
		}
	}
	local := t.In(loc)
	return d.o.Window.Contains(local) && !d.o.Holidays.Has(local)
}
