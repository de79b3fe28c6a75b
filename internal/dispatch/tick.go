package dispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	// MaxWait is the longest the tick waits for a per-hour or per-day cap
	// to free a slot; when the next slot is further away the tick ends and
	// the Report says when it is. The gap between two notes (min_gap and
	// its jitter) is waited for up to the longer of MaxWait and 15
	// minutes. Zero: never wait for a cap (`rapport send` without --wait).
	MaxWait time.Duration
	// Progress, when set, is told of each note handled and of each wait.
	Progress func(Progress)
}

// maxGapWait is how long a tick waits, at least, for the gap between two
// notes.
const maxGapWait = 15 * time.Minute

// Progress is what a tick tells as it goes.
type Progress struct {
	Done, Total int       // notes handled so far, and due when the tick began
	Result      *Result   // the note just handled; nil for a wait
	Until       time.Time // a wait: when the next note may go
	Why         string    // a wait: the limit that holds it back
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
	Due                             int // due when the tick began
	// Stopped says why the tick ended before handling every due note;
	// Left is how many it did not get to, and NextAt, when a cap or the
	// send window stopped it, when the next note may go.
	Stopped string
	Left    int
	NextAt  time.Time
	// Unrecorded counts notes whose outcome could not be written to the
	// store (it was locked): they show as uncertain until a restart finds
	// them in the Sent folder or the user decides.
	Unrecorded int
	// CopyErr is why copies could not be filed in the Sent folder, if so.
	CopyErr error
	// Problems are what keeps a whole step from going out (its template
	// cannot be loaded), each said once; its notes count as skipped.
	Problems []string
	// NotDue counts the contacts with nothing due now, by reason (the
	// plan's codes); NextDueAt is when the first of them falls due.
	NotDue    map[campaign.Code]int
	NextDueAt time.Time
}

// stop records why the tick ended early (the first reason wins) and how
// many notes wait.
func (rep *Report) stop(why string, left int, next time.Time) {
	if rep.Stopped == "" && why != "" {
		rep.Stopped = why
	}
	rep.Left += left
	if rep.NextAt.IsZero() {
		rep.NextAt = next
	}
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
	if !o.DryRun {
		if _, err := d.SyncEvents(ctx, camps); err != nil {
			return nil, err
		}
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
	r := &run{d: d, tpl: tpl, rep: rep, opts: o, off: map[string]string{}}
	err = r.all(ctx, queue)
	r.report()
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
		facts, events, err := d.facts(ctx, c, now)
		if err != nil {
			return nil, nil, err
		}
		items := c.Plan(facts, campaign.Options{Now: now, Window: d.o.Window, Holidays: d.o.Holidays,
			Pipeline: d.o.Store.Pipeline, Capacity: -1, Events: events,
			Check: func(ct *contact.Contact, s *campaign.Step) error { return d.check(tpl, c, s, ct) }})
		broken := map[string]bool{}
		for _, it := range items {
			if it.Step != nil && it.Step.Channel == "email" && (it.Due || it.Code == campaign.CodeMissing) {
				if _, err := tpl.get(it.Step.Template); err != nil {
					// The template itself is broken (a missing attachment, a
					// syntax error): said once for the step, not per contact.
					if !broken[it.Step.ID] {
						broken[it.Step.ID] = true
						rep.Problems = append(rep.Problems, fmt.Sprintf("%s/%s: %v", c.Name, it.Step.ID, err))
					}
					rep.Skipped++
					continue
				}
			}
			if it.Code == campaign.CodeMissing {
				rep.skip(c.Name, it, it.Reason)
			} else if !it.Due {
				rep.notDue(it, now)
			}
			if it.Due && (it.Step.Channel == "email" || it.Step.Channel == "invite") && (o.Only == nil || o.Only(it)) {
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

// notDue counts a contact with nothing due, and when it next is.
func (rep *Report) notDue(it campaign.Item, now time.Time) {
	if rep.NotDue == nil {
		rep.NotDue = map[campaign.Code]int{}
	}
	rep.NotDue[it.Code]++
	if (it.Code == campaign.CodeWaiting || it.Code == campaign.CodeWindow) && it.At.After(now) &&
		(rep.NextDueAt.IsZero() || it.At.Before(rep.NextDueAt)) {
		rep.NextDueAt = it.At
	}
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

// errStale refuses a claim whose note was written from an older version
// of the contact (a re-import or an edit came in between): the note is
// written again from the contact as it is now.
var errStale = errors.New("the contact changed since the note was written")

// campaignOffError refuses a claim for a campaign that is no longer
// active: it was paused (or finished) from another window.
type campaignOffError struct{ state string }

func (e campaignOffError) Error() string { return "the campaign is " + e.state }

// stillDue is the check made inside the claim transaction and again right
// before MAIL FROM, against the contact, the campaign and the account as
// they are now: a reply, an opt-out or an out-of-office that arrived since
// the plan stops the note; a pause stops it too.
func (d *Dispatcher) stillDue(p *prepared) func(store.Recheck) error {
	it := p.item
	return func(rc store.Recheck) error {
		ct := rc.Contact
		if rc.SendingPaused != "" {
			return fmt.Errorf("%w: %s", ErrPaused, rc.SendingPaused)
		}
		if err := d.contactStillDue(it, rc); err != nil {
			return err
		}
		switch {
		case ct.HoldUntil.After(d.o.Now()):
			return fmt.Errorf("out of office until %s", ct.HoldUntil.In(d.o.Location).Format("Mon Jan 2"))
		case ct.Email != it.Contact.Email:
			return fmt.Errorf("address changed to %s", ct.Email)
		case ct.Version != it.Contact.Version:
			return errStale
		}
		return nil
	}
}

// contactStillDue is what notes and letters both recheck: the campaign is
// still active, and the contact has not answered, opted out, bounced,
// moved stage or left its spreadsheet since the plan.
func (d *Dispatcher) contactStillDue(it campaign.Item, rc store.Recheck) error {
	ct := rc.Contact
	switch {
	case rc.CampaignState != store.CampaignActive:
		return campaignOffError{rc.CampaignState}
	case d.o.Store.Pipeline.Suppressed(ct.Stage):
		return fmt.Errorf("now %s", ct.Stage)
	case ct.Stage != it.Contact.Stage:
		return fmt.Errorf("moved to %s since the plan", ct.Stage)
	case ct.Missing:
		return errors.New("no longer in its spreadsheet: held")
	}
	return nil
}

// run is one tick's sending loop.
type run struct {
	d       *Dispatcher
	tpl     *templates
	rep     *Report
	opts    TickOptions
	recent  []time.Time
	pending []store.Outcome // recorded with the next claims, or retried at the end
	batched bool            // outcomes wait for the next batch's claim
	sent    int
	handled int
	// off holds the campaigns that stopped during the tick (paused from
	// another window), with their state; offLeft counts their notes.
	off     map[string]string
	offLeft map[string]int
	copyErr error
}

func (r *run) stopCampaign(name, state string) { r.off[name] = state }

func (r *run) countOff(name string) {
	if r.offLeft == nil {
		r.offLeft = map[string]int{}
	}
	r.offLeft[name]++
}

func (r *run) progress(p Progress) {
	if p.Result != nil {
		r.handled++
	}
	if r.opts.Progress != nil {
		p.Done, p.Total = r.handled, r.rep.Due
		r.opts.Progress(p)
	}
}

// report adds to the report what only the end of the tick knows: the
// campaigns that were paused under it, and the copies that failed.
func (r *run) report() {
	for name, n := range r.offLeft {
		r.rep.stop(fmt.Sprintf("campaign %s is now %s: its other %s not sent", name, r.off[name], plural(n, "note was", "notes were")), n, time.Time{})
	}
	r.rep.CopyErr = r.copyErr
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (r *run) all(ctx context.Context, q []queued) error {
	lim := r.d.o.Limits
	paced := lim.MinGap > 0 || lim.Jitter > 0 || lim.PerHour > 0 || lim.PerDay > 0
	if paced {
		var err error
		if r.recent, err = r.d.o.Store.SentTimes(ctx, r.d.o.Now().Add(-24*time.Hour)); err != nil {
			return err
		}
	}
	done := make(chan struct{})
	defer close(done)
	ahead := r.prepareAhead(ctx, q, done)
	var err error
	if !paced && r.opts.Limit == 0 {
		err = r.pipelined(ctx, ahead, len(q))
	} else {
		err = r.sequential(ctx, ahead, len(q))
	}
	err = errors.Join(err, r.flush(ctx))
	r.flushCopies(ctx)
	if r.copyErr != nil {
		r.d.o.Log.Warn("sent_copy_failed", "error", r.copyErr.Error())
	}
	return err
}

// flushCopies files the Sent copies gathered so far and waits for them;
// a stop signal does not cut it short.
func (r *run) flushCopies(ctx context.Context) {
	if r.d.o.SentCopy == nil {
		return
	}
	if err := r.d.o.SentCopy.Flush(context.WithoutCancel(ctx)); err != nil && r.copyErr == nil {
		r.copyErr = err
	}
}

// ready is a due note rendered ahead of its turn.
type ready struct {
	e   queued
	p   *prepared
	err error
}

// prepareAhead renders the queue on its own goroutine, so the next notes
// are ready while the current ones go out. A contact that changes after
// its note was rendered is caught at the claim (errStale).
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

// stopBefore waits for the next free slot, or ends the tick (recording
// why in the report, with left notes waiting) and returns true.
func (r *run) stopBefore(ctx context.Context, left int) bool {
	d := r.d
	if ctx.Err() != nil {
		r.rep.stop("stopped", left, time.Time{})
		return true
	}
	if r.opts.Limit > 0 && r.sent >= r.opts.Limit {
		r.rep.stop(fmt.Sprintf("--limit %d reached", r.opts.Limit), left, time.Time{})
		return true
	}
	now := d.o.Now()
	sl := mailer.NextSlot(now, r.recent, d.o.Limits, d.o.Rand)
	if sl.At.After(now) {
		limit := r.opts.MaxWait
		if !sl.Cap {
			limit = max(limit, maxGapWait)
		}
		switch {
		case !d.inWindow(sl.At, nil):
			next := d.o.Window.Next(sl.At.In(d.o.Location), d.o.Holidays)
			r.rep.stop(fmt.Sprintf("%s, and the send window closes before the next free slot; it opens %s",
				capWords(sl.Reason), d.when(next)), left, next)
			return true
		case sl.At.Sub(now) > limit:
			r.rep.stop(fmt.Sprintf("%s; the next note can go %s", capWords(sl.Reason), d.when(sl.At)), left, sl.At)
			return true
		}
		r.progress(Progress{Until: sl.At, Why: capWords(sl.Reason)})
		r.flushCopies(ctx) // the wait is the time to file the copies gathered
		if err := d.o.Sleep(ctx, sl.At.Sub(now)); err != nil {
			r.rep.stop("stopped", left, time.Time{})
			return true
		}
		now = d.o.Now()
	}
	if !d.inWindow(now, nil) {
		next := d.o.Window.Next(now.In(d.o.Location), d.o.Holidays)
		r.rep.stop("the send window closed ("+d.o.Window.String()+"); it opens "+d.when(next), left, next)
		return true
	}
	return false
}

// capWords says a pacing limit in the user's words.
func capWords(reason string) string {
	var n int
	switch {
	case strings.HasPrefix(reason, "per_hour"):
		fmt.Sscanf(reason, "per_hour cap of %d", &n)
		return fmt.Sprintf("the hourly cap (%d an hour) is reached", n)
	case strings.HasPrefix(reason, "per_day"):
		fmt.Sscanf(reason, "per_day cap of %d", &n)
		return fmt.Sprintf("the daily cap (%d a day) is reached", n)
	case strings.HasPrefix(reason, "min_gap"):
		return "waiting " + strings.TrimPrefix(reason, "min_gap ") + " or so between notes (min_gap)"
	}
	return reason
}

// when says a time for a person, in the user's zone: "at 14:05" today,
// else "Wed 09:00".
func (d *Dispatcher) when(t time.Time) string {
	t, now := t.In(d.o.Location), d.o.Now().In(d.o.Location)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return "at " + t.Format("15:04")
	}
	return t.Format("Mon Jan 2 15:04")
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
