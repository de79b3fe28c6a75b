package campaign

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/schedule"
)

// Facts are what the store knows about one contact that planning needs.
type Facts struct {
	Contact *contact.Contact
	// Sends are this campaign's journal rows for the contact in the
	// current round, by step id.
	Sends map[string]*contact.Send
	// EngagedAt is the latest sign that the contact answered: a reply, or
	// a move along the pipeline past "contacted". Zero if never.
	EngagedAt time.Time
	// AutoRepliedAt is the latest out-of-office answer; HoldUntil is the
	// date it asked us to wait until.
	AutoRepliedAt time.Time
	HoldUntil     time.Time
	// DueForTouch: the contact is due for a keep-in-touch note (see
	// Audience.DueForTouch); gathered only for such audiences.
	DueForTouch bool
	// StageAt is when the contact last moved stage (zero if never).
	StageAt time.Time
	// Invites are the contact's invitations in this campaign and their
	// answers, by invite step id; a missing one was never recorded.
	Invites map[string]Invitee
}

// Invitee is one person's invitation to an event and their answer.
type Invitee struct {
	Answer   contact.Answer // "" or NoAnswer: no answer yet
	Attended *bool          // the user's correction; nil: those who accepted attended
	Sequence int            // the event's revision they were last sent
}

// Options are the circumstances of one plan.
type Options struct {
	Now      time.Time
	Window   schedule.Window
	Holidays schedule.Holidays
	Pipeline contact.Pipeline
	Paused   bool   // the campaign is paused (or not started)
	State    string // with Paused: "draft", "paused" or "done", for the reason
	// Capacity is how many messages the shared caps allow now; negative
	// means no limit. Letters are not counted.
	Capacity int
	// Check renders the step for the contact and reports a missing field.
	// It is called only for items that are otherwise due. Nil skips it.
	Check func(*contact.Contact, *Step) error
	// InFlight reports whether a "sending" row is being sent right now by a
	// live rapport process (its outcome is moments away), as opposed to
	// left uncertain by a crash. Nil means none is.
	InFlight func(*contact.Send) bool
	// Events are the invite steps' events as the store knows them, by
	// step id; an event not recorded yet is at revision 0, not cancelled,
	// with nobody accepted.
	Events map[string]EventState
}

// EventState is what the store knows of an invite step's event.
type EventState struct {
	// Sequence is the revision everyone invited should have: raised when
	// the event changed in the file (an update is then due to those with
	// a lower one) and by the cancellation.
	Sequence  int
	Cancelled bool
	Accepted  int // how many have accepted
}

// Code classifies an Item's reason, for machines and tests.
type Code string

// The reasons a contact is or is not due.
const (
	CodeDue       Code = "due"
	CodeWaiting   Code = "waiting"       // the step's delay has not passed
	CodeWindow    Code = "window-closed" // due, but outside the send window
	CodeCap       Code = "cap-reached"   // due, but the hourly/daily cap is used up; rolls over
	CodePaused    Code = "paused"        // the campaign is not running
	CodeReplied   Code = "replied"
	CodeOptedOut  Code = "opted-out"
	CodeBounced   Code = "bounced"
	CodeStage     Code = "stage" // an unless condition on the contact's stage, or a side stage
	CodeAutoReply Code = "auto-replied"
	CodeMissing   Code = "missing-field"
	CodeOutbox    Code = "outbox"   // a send waits for the user's decision
	CodeSending   Code = "sending"  // a send is in flight in a live rapport process
	CodeHeld      Code = "held"     // the contact's row disappeared from its spreadsheet
	CodeFailed    Code = "failed"   // a step failed for good
	CodeLeft      Code = "left"     // no longer in the audience
	CodeNoEmail   Code = "no-email" // an email step for a postal-only contact
	CodeDone      Code = "done"
	CodeAnswer    Code = "answer"          // a step about an event that is not for this answer (only, a decline)
	CodeFull      Code = "event-full"      // the invitation waits: the accepted fill the event
	CodeCancelled Code = "event-cancelled" // the event is called off
	CodeOver      Code = "event-over"      // too late: the event is over, or has begun
)

// Item is the plan for one contact.
type Item struct {
	Contact  *contact.Contact
	Step     *Step // the next step; nil when nothing is left
	Index    int   // the step's position
	Due      bool
	Code     Code
	Reason   string
	At       time.Time     // when the step is or becomes due
	Previous *contact.Send // the previous step's send, for threading
	Deferred *contact.Send // a deferred send being retried
}

// Plan decides, for each contact, the next step and whether it is due now.
// facts must hold every contact of the audience and every contact who has
// started the campaign; others are ignored. Due items come first, in the
// order they should go out: follow-ups before first notes, then by time.
func (c *Campaign) Plan(facts []Facts, o Options) []Item {
	var items []Item
	for i := range facts {
		if it, ok := c.planOne(&facts[i], o); ok {
			items = append(items, it)
		}
		items = append(items, c.Updates(&facts[i], o)...)
	}
	slices.SortStableFunc(items, compareItems)
	c.applyCapacity(items, o)
	return items
}

func compareItems(a, b Item) int {
	if a.Due != b.Due {
		if a.Due {
			return -1
		}
		return 1
	}
	if a.Due {
		if (a.Index > 0) != (b.Index > 0) {
			return cmp.Compare(b.Index, a.Index) // follow-ups first
		}
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
	}
	return cmp.Compare(a.Contact.ID, b.Contact.ID)
}

// applyCapacity keeps the first Capacity due email items due; the rest wait
// for the next slot, in order.
func (c *Campaign) applyCapacity(items []Item, o Options) {
	if o.Capacity < 0 {
		return
	}
	n := 0
	for i := range items {
		if !items[i].Due || items[i].Step.Channel == "letter" {
			continue
		}
		if n >= o.Capacity {
			items[i].Due, items[i].Code = false, CodeCap
			items[i].Reason = "the sending cap is reached for now; it goes in the next free slot"
		}
		n++
	}
}

func (c *Campaign) planSteps(f *Facts, o Options) (Item, bool) {
	ct := f.Contact
	it := Item{Contact: ct}
	first := c.firstSend(f)
	if first == nil && len(f.Sends) == 0 {
		if !c.Audience.Admits(ct) || c.Audience.DueForTouch && !f.DueForTouch {
			return it, false
		}
	} else if !c.Audience.Matches(ct) {
		return it.not(CodeLeft, "no longer in the campaign's audience (tags, kind or fields changed)"), true
	}
	if o.Pipeline.Suppressed(ct.Stage) {
		return it.not(stageCode(ct.Stage), stageWords(ct.Stage, f.StageAt, c.Location)+": no notes go to them"), true
	}
	if ct.Missing {
		return it.not(CodeHeld, "no longer in its spreadsheet ("+ct.Source.File+"): held until the row is back"), true
	}
	idx, prev, stop := c.nextStep(f, &it, o)
	if stop {
		return it, true
	}
	it.Step, it.Index, it.Previous = c.Steps[idx], idx, prev
	if code, why := c.blocked(f, it.Step, first, o); code != "" {
		return it.not(code, why), true
	}
	return c.timing(f, it, o), true
}

// stageWords says a side stage and since when: "opted out on Wed Dec 2".
func stageWords(s contact.Stage, at time.Time, loc *time.Location) string {
	w := strings.ReplaceAll(string(s), "-", " ")
	if at.IsZero() {
		return w
	}
	return w + " on " + at.In(loc).Format("Mon Jan 2")
}

func stageCode(s contact.Stage) Code {
	switch s {
	case contact.StageBounced:
		return CodeBounced
	case contact.StageOptedOut:
		return CodeOptedOut
	}
	return CodeStage
}

func (it Item) not(code Code, why string) Item {
	it.Due, it.Code, it.Reason = false, code, why
	return it
}

// firstSend is the send of the campaign's first step, if it went out.
func (c *Campaign) firstSend(f *Facts) *contact.Send {
	if s := f.Sends[c.Steps[0].ID]; s != nil && s.State.Done() && s.State != contact.SendDropped {
		return s
	}
	return nil
}

// nextStep walks the journal to the first step not done. stop is true when
// the item is already decided (in the outbox, failed, all done).
func (c *Campaign) nextStep(f *Facts, it *Item, o Options) (idx int, prev *contact.Send, stop bool) {
	var notFor *Item // the first step passed over: not for this contact's answer
	for i, s := range c.Steps {
		sd := f.Sends[s.ID]
		if sd == nil || sd.State == contact.SendPlanned || sd.State == contact.SendDeferred {
			if code, why := c.notFor(f, i, o); code != "" {
				// The first step passed over says why, unless its time is
				// gone: then a later one says more.
				if notFor == nil || notFor.Code == CodeOver {
					skip := it.not(code, why)
					skip.Step, skip.Index = s, i
					notFor = &skip
				}
				continue
			}
		}
		switch {
		case sd == nil || sd.State == contact.SendPlanned:
			return i, prev, false
		case sd.State == contact.SendDeferred:
			it.Deferred = sd
			return i, prev, false
		case sd.State == contact.SendSending && sd.Channel == "letter":
			*it = it.not(CodeSending, printing(s, sd, o))
			return i, prev, true
		case sd.State == contact.SendSending && o.InFlight != nil && o.InFlight(sd):
			*it = it.not(CodeSending, fmt.Sprintf("%s is being sent right now", s.ID))
			return i, prev, true
		case sd.State.Uncertain():
			*it = it.not(CodeOutbox, fmt.Sprintf("%s: it may have gone out; decide with `rapport outbox resolve %d`", s.ID, sd.ID))
			return i, prev, true
		case sd.State == contact.SendFailed:
			*it = it.not(CodeFailed, fmt.Sprintf("%s failed: %s", s.ID, sd.LastError))
			return i, prev, true
		}
		if sd.State != contact.SendDropped {
			prev = sd
		}
	}
	if notFor != nil {
		*it = *notFor
		return 0, prev, true
	}
	*it = it.not(CodeDone, "every step is done")
	return 0, prev, true
}

// blocked checks a step's unless conditions and its channel.
func (c *Campaign) blocked(f *Facts, s *Step, first *contact.Send, o Options) (Code, string) {
	if s.Channel != "letter" && f.Contact.Email == "" {
		return CodeNoEmail, "has no email address (postal only)"
	}
	if s.Channel == "invite" && !s.Added() {
		if code, why := c.inviteHeld(s, o); code != "" {
			return code, why
		}
	}
	since := time.Time{}
	if first != nil {
		since = first.SentAt
	}
	for _, u := range s.Unless {
		switch {
		case u == "replied" && first != nil && !f.EngagedAt.IsZero() && !f.EngagedAt.Before(since):
			return CodeReplied, "answered on " + f.EngagedAt.In(c.Location).Format("Mon Jan 2")
		case u == "auto-replied" && first != nil && !f.AutoRepliedAt.IsZero() && !f.AutoRepliedAt.Before(since):
			return CodeAutoReply, "sent an out-of-office answer"
		case u == "opted-out" && f.Contact.Stage == contact.StageOptedOut,
			u == "bounced" && f.Contact.Stage == contact.StageBounced:
			return stageCode(f.Contact.Stage), string(f.Contact.Stage)
		case contact.Stage(u) == f.Contact.Stage && u != "replied":
			return CodeStage, fmt.Sprintf("in stage %s", u)
		}
	}
	return "", ""
}

// timing decides when the step is due and whether that is now.
func (c *Campaign) timing(f *Facts, it Item, o Options) Item {
	at := o.Now
	if it.Previous != nil && it.Index > 0 && !it.Step.Added() {
		from, ok := it.Previous.CountsFrom()
		if !ok {
			return it.not(CodeUnmailed, unmailed(it.Previous))
		}
		at = it.Step.After.After(from.In(c.Location), o.Holidays)
	}
	if t, ok := c.eventTime(f, it.Step, o); ok {
		at = t
	}
	if it.Deferred != nil && it.Deferred.NextAttempt.After(at) {
		at = it.Deferred.NextAttempt
	}
	hold := f.HoldUntil.After(at)
	if hold {
		at = f.HoldUntil
	}
	if at.After(o.Now) {
		why := "waiting until " + at.In(c.Location).Format("Mon 2006-01-02 15:04")
		if hold {
			why += " (out of office until then)"
		} else if it.Deferred != nil {
			why = "retrying " + at.In(c.Location).Format("Mon 15:04") + " after: " + it.Deferred.LastError
		}
		it.At = at
		return it.not(CodeWaiting, why)
	}
	return c.inWindow(it, o)
}

func (c *Campaign) inWindow(it Item, o Options) Item {
	loc := c.Location
	if tz := it.Contact.TimeZone; tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			loc = l
		}
	}
	now := o.Now.In(loc)
	// The send window paces email; a letter is only printed, whenever.
	if it.Step.Channel != "letter" && (!o.Window.Contains(now) || o.Holidays.Has(now)) {
		it.At = o.Window.Next(now, o.Holidays)
		return it.not(CodeWindow, "outside the send window ("+o.Window.String()+"); opens "+it.At.In(loc).Format("Mon 2006-01-02 15:04"))
	}
	it.At = o.Now
	if o.Check != nil {
		if err := o.Check(it.Contact, it.Step); err != nil {
			return it.not(CodeMissing, err.Error())
		}
	}
	if o.Paused {
		why := "due, but the campaign is not started (`rapport campaigns start " + c.Name + "`)"
		switch o.State {
		case "paused":
			why = "due, but the campaign is paused (`rapport campaigns start " + c.Name + "` resumes it)"
		case "done":
			why = "due, but the campaign is finished"
		}
		return it.not(CodePaused, why)
	}
	it.Due, it.Code, it.Reason = true, CodeDue, "due now"
	return it
}
