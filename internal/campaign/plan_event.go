package campaign

import (
	"fmt"
	"time"

	"rapport/internal/contact"
	"rapport/internal/schedule"
)

// inviteHeld says why an invitation must not go out now: the event is
// called off, over, or full (the accepted fill its capacity; the
// invitation waits in case someone declines).
func (c *Campaign) inviteHeld(s *Step, o Options) (Code, string) {
	st := o.Events[s.ID]
	switch {
	case st.Cancelled:
		return CodeCancelled, "the event is cancelled"
	case s.Event == nil:
		return "", ""
	}
	if _, ok := s.Event.Next(o.Now); !ok {
		return CodeOver, "the event is over"
	}
	if cp := s.Event.Capacity; cp > 0 && st.Accepted >= cp {
		return CodeFull, fmt.Sprintf("the event is full (%d of %d places taken): the invitation waits in case someone declines", st.Accepted, cp)
	}
	return "", ""
}

// inviteOf is the invite step a step is about: the one its `event` names,
// or for a plain step the last invite step before it; nil when none.
func (c *Campaign) inviteOf(i int) *Step {
	if s := c.Steps[i]; s.EventStep != "" {
		return c.Step(s.EventStep)
	}
	for j := i - 1; j >= 0; j-- {
		if c.Steps[j].Channel == "invite" {
			return c.Steps[j]
		}
	}
	return nil
}

// notFor says why step i is not for this contact, given their answer to
// the invitation it is about; the plan then passes over it. A decline ends
// the event's steps (and the plain steps after the invitation) unless a
// step is only for those who declined; a reminder comes only before the
// event begins, and never right after the invitation itself.
func (c *Campaign) notFor(f *Facts, i int, o Options) (Code, string) {
	s := c.Steps[i]
	inv := c.inviteOf(i)
	if s.Channel == "invite" || inv == nil {
		return "", ""
	}
	ans := f.Invites[inv.ID]
	if s.EventStep == "" {
		if ans.Answer == contact.Declined {
			return CodeAnswer, "declined the invitation (" + inv.ID + "): no more notes after it"
		}
		return "", ""
	}
	if o.Events[inv.ID].Cancelled {
		return CodeCancelled, "the event is cancelled"
	}
	isd := f.Sends[inv.ID]
	if isd == nil || isd.State != contact.SendSent {
		return CodeAnswer, "was not sent the invitation (" + inv.ID + ")"
	}
	if !onlyFor(s.Only, ans) {
		return CodeAnswer, onlyWhy(s.Only, ans)
	}
	if s.Before != nil {
		start, _ := c.occurrence(inv, isd)
		if !start.After(o.Now) {
			return CodeOver, "the event has begun: too late for this step"
		}
		if c.byWindow(before(start, *s.Before), o).Before(isd.SentAt) {
			return CodeOver, fmt.Sprintf("the invitation went out less than %s before the event: no need for this step", s.Before)
		}
	}
	return "", ""
}

// onlyFor reports whether an answer is one a step's `only` asks for. A
// step for everyone invited leaves out those who declined and those on
// the waitlist: nothing goes to them without the user's decision.
func onlyFor(only string, ans Invitee) bool {
	a := ans.Answer
	switch only {
	case "":
		return a != contact.Declined && a != contact.Waitlist
	case "accepted":
		return a == contact.Accepted
	case "declined":
		return a == contact.Declined
	case "tentative":
		return a == contact.Tentative
	case "no-answer":
		return a == "" || a == contact.NoAnswer
	case "attended":
		if ans.Attended != nil {
			return *ans.Attended
		}
		return a == contact.Accepted
	}
	return false
}

func onlyWhy(only string, ans Invitee) string {
	a := ans.Answer
	if a == "" {
		a = contact.NoAnswer
	}
	switch {
	case only == "":
		return "answered " + a.Words() + ": nothing more about the event goes to them without your decision"
	case only == "attended" && ans.Attended != nil:
		return "marked as not attended: this step is only for those who came"
	case only == "attended":
		return "answered " + a.Words() + ": this step is only for those who came (`rapport events attended` corrects it)"
	case only == "no-answer":
		return "answered " + a.Words() + ": this step is only for those who have not answered"
	}
	return "answered " + a.Words() + ": this step is only for those who " + map[string]string{
		"accepted": "accepted", "declined": "declined", "tentative": "said maybe"}[only]
}

// occurrence is the meeting an invitation is about, and its end: the
// event itself, or for a repeating event the first meeting after the
// invitation went out.
func (c *Campaign) occurrence(inv *Step, isd *contact.Send) (start, end time.Time) {
	e := inv.Event
	start = e.Start
	if e.Recur != nil && isd != nil {
		if s, ok := e.Next(isd.SentAt); ok {
			start = s
		}
	}
	return start, start.Add(e.End.Sub(e.Start))
}

// eventTime is when a step timed from its event is due: before its start
// (by the end of the send window, when that time falls outside it), or
// after_event its end, counted in the event's zone.
func (c *Campaign) eventTime(f *Facts, s *Step, o Options) (time.Time, bool) {
	if s.EventStep == "" || (s.Before == nil && s.AfterEvent == nil) {
		return time.Time{}, false
	}
	inv := c.Step(s.EventStep)
	if inv == nil || inv.Event == nil {
		return time.Time{}, false
	}
	start, end := c.occurrence(inv, f.Sends[inv.ID])
	if s.Before != nil {
		return c.byWindow(before(start, *s.Before), o), true
	}
	return s.AfterEvent.After(end.In(inv.Event.Zone), schedule.Holidays{}), true
}

// before is t minus a delay of hours, days or weeks (a day is a calendar
// day in t's zone, across a DST change too).
func before(t time.Time, d schedule.Delay) time.Time {
	switch d.Unit {
	case "hour":
		return t.Add(-time.Duration(d.N) * time.Hour)
	case "week":
		return t.AddDate(0, 0, -7*d.N)
	}
	return t.AddDate(0, 0, -d.N)
}

// byWindow moves a time outside the send window back to the last quarter
// hour inside it, at most three days back: a reminder "1d" before a 5 pm
// event goes by the end of the working day before, not on the morning of
// the event.
func (c *Campaign) byWindow(t time.Time, o Options) time.Time {
	open := func(m time.Time) bool {
		local := m.In(c.Location)
		return o.Window.Contains(local) && !o.Holidays.Has(local)
	}
	if open(t) {
		return t
	}
	for m, i := t.Truncate(15*time.Minute), 0; i < 3*24*4; i++ {
		if m = m.Add(-15 * time.Minute); open(m) {
			return m
		}
	}
	return t
}

// Updates are the messages rapport adds when an invite step's event
// changes: an update (step "invite~N", SEQUENCE N) to everyone invited
// who has not declined and holds an older revision, or the cancellation
// ("invite~cancel"). They go through the journal like any step, so each
// goes once.
func (c *Campaign) Updates(f *Facts, o Options) []Item {
	ct := f.Contact
	if ct.Email == "" || ct.Missing || o.Pipeline.Suppressed(ct.Stage) {
		return nil
	}
	var out []Item
	for i, s := range c.Steps {
		if s.Channel != "invite" || s.Event == nil {
			continue
		}
		step := c.update(f, s, o)
		if step == nil {
			continue
		}
		it := Item{Contact: ct, Step: step, Index: i}
		if c.journaled(f.Sends[step.ID], &it, o) {
			continue
		}
		if it.Code != "" { // its outcome is pending
			out = append(out, it)
			continue
		}
		if code, why := c.blocked(f, step, nil, o); code != "" {
			out = append(out, it.not(code, why))
			continue
		}
		it = c.timing(f, it, o)
		if it.Due && step.Cancel {
			it.Reason = "due now: the event is cancelled, and this takes it out of their calendar"
		} else if it.Due {
			it.Reason = "due now: the event changed, and this update tells them"
		}
		out = append(out, it)
	}
	return out
}

// update is the message due to f's contact about invite step s's event,
// or nil.
func (c *Campaign) update(f *Facts, s *Step, o Options) *Step {
	isd := f.Sends[s.ID]
	ans := f.Invites[s.ID]
	if isd == nil || isd.State != contact.SendSent || ans.Answer == contact.Declined {
		return nil
	}
	if _, ok := s.Event.Next(o.Now); !ok {
		return nil // over: nothing to change in anyone's calendar
	}
	st := o.Events[s.ID]
	u := &Step{Channel: "invite", Template: s.Template, EventStep: s.ID, Event: s.Event, Unless: EventUnless}
	switch {
	case st.Cancelled:
		u.ID, u.Cancel, u.Revision = s.ID+"~cancel", true, st.Sequence
	case st.Sequence > ans.Sequence:
		u.ID, u.Revision = fmt.Sprintf("%s~%d", s.ID, st.Sequence), st.Sequence
	default:
		return nil
	}
	return u
}

// journaled reports whether an added message is settled: it went out or
// was dropped. When its outcome is pending (in flight, uncertain, failed)
// it sets it's reason; for a retry it sets Deferred.
func (c *Campaign) journaled(sd *contact.Send, it *Item, o Options) bool {
	switch {
	case sd == nil || sd.State == contact.SendPlanned:
		return false
	case sd.State == contact.SendDeferred:
		it.Deferred = sd
		return false
	case sd.State == contact.SendSent || sd.State == contact.SendDropped:
		return true
	case sd.State == contact.SendSending && o.InFlight != nil && o.InFlight(sd):
		*it = it.not(CodeSending, fmt.Sprintf("%s is being sent right now", sd.Step))
	case sd.State.Uncertain():
		*it = it.not(CodeOutbox, fmt.Sprintf("%s: it may have gone out; decide with `rapport outbox resolve %d`", sd.Step, sd.ID))
	case sd.State == contact.SendFailed:
		*it = it.not(CodeFailed, fmt.Sprintf("%s failed: %s", sd.Step, sd.LastError))
	}
	return false
}
