package inbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/invite"
	"rapport/internal/store"
)

// Events is what recording answers to invitations needs of the store
// (*store.Store). An unknown UID or invitation is store.ErrNotFound.
type Events interface {
	CalEventByUID(ctx context.Context, uid string) (*store.CalEvent, error)
	CalEvents(ctx context.Context) ([]*store.CalEvent, error)
	ContactRSVP(ctx context.Context, eventID, contactID int64) (*store.RSVP, error)
}

// answers turns a calendar reply, or a threaded personal reply that
// clearly says yes or no, into an answer to one of our invitations. The
// store records it on the event (the latest answer stands; an accept to a
// full event goes on the waitlist) and moves an accepted contact to the
// accepted stage. An answer is not a "reply" that ends the conversation: a
// decline ends only that event's notes. A calendar reply about an event
// rapport does not know keeps the ordinary rule, and a personal reply that
// says nothing clear stays a reply for the user to read. mt is set to the
// contact the answer is from (the calendar's attendee may not be the
// sender).
func (p *processor) answers(ctx context.Context, in *store.Inbound, a *Analysis, mt *Match) error {
	switch {
	case a.Kind == KindRSVP:
		return p.calendarAnswer(ctx, in, a, mt)
	case a.Kind == KindPersonal && a.Answer != nil && in.Class == "reply" && mt.By == "thread" && mt.Send != nil:
		return p.textAnswer(ctx, in, a, mt)
	}
	return nil
}

// calendarAnswer records an iMIP REPLY (RFC 5546 §3.2.3): the event by its
// UID (or, for a bare "Accepted:" subject, by the thread), the person by
// the ATTENDEE's address.
func (p *processor) calendarAnswer(ctx context.Context, in *store.Inbound, a *Analysis, mt *Match) error {
	r := a.RSVP
	ev, err := p.calendarEvent(ctx, r, mt)
	if ev == nil || err != nil {
		return err
	}
	who, err := p.attendee(ctx, r.Attendee, mt)
	if who == nil || err != nil {
		return err
	}
	if mt.Contact == nil || who.ID != mt.Contact.ID {
		*mt = Match{Contact: who, By: "attendee"}
		in.SendID = 0
	}
	in.ContactID, in.Move, in.CancelSends = who.ID, "", false
	ans := contact.Answer(strings.ToUpper(r.PartStat))
	if ans != contact.Accepted && ans != contact.Declined && ans != contact.Tentative {
		in.Class, in.EventType = "reply", contact.EventRSVP
		in.Detail = fmt.Sprintf("a calendar message about %s without an answer (%s) from %s", ev.Title, orNone(r.PartStat), a.From)
		return nil
	}
	stamp := r.Stamp
	if stamp.IsZero() {
		stamp = a.Date
	}
	in.RSVP = &store.AnswerIn{EventID: ev.ID, Answer: ans, Sequence: r.Sequence, Stamp: stamp, Occurrence: r.Occurrence,
		Source: store.SourceIMIP, Comment: r.Comment, ReceivedAt: a.Date, Supersedes: supersedes(r.Sequence, stamp),
		AcceptedStage: p.accepted}
	setAnswerClass(in, ans)
	in.Detail = answerWords(ans, ev, r.Occurrence) + " (calendar reply"
	if !strings.EqualFold(a.From, who.Email) {
		in.Detail += " from " + a.From
	}
	in.Detail += ")"
	if r.Comment != "" {
		in.Detail += ": " + quote(r.Comment)
	}
	return nil
}

// textAnswer records a plain reply in the thread of an invitation (or of
// a note about its event) that says yes or no. With a question in it as
// well, it is also a reply for the user to read.
func (p *processor) textAnswer(ctx context.Context, in *store.Inbound, a *Analysis, mt *Match) error {
	ev, err := p.eventOfSend(ctx, mt.Send, mt.Contact.ID)
	if ev == nil || err != nil {
		return err
	}
	inv, err := p.st.ContactRSVP(ctx, ev.ID, mt.Contact.ID)
	if err != nil {
		return err
	}
	ans := contact.Answer(a.Answer.PartStat)
	seq := max(inv.SentSequence, 0)
	in.RSVP = &store.AnswerIn{EventID: ev.ID, Answer: ans, Sequence: seq, Stamp: a.Date, Source: store.SourceText,
		Comment: a.Answer.Phrase, ReceivedAt: a.Date, Supersedes: supersedes(seq, a.Date), AcceptedStage: p.accepted}
	setAnswerClass(in, ans)
	in.Detail = fmt.Sprintf("%s (replied %s)", answerWords(ans, ev, time.Time{}), quote(a.Answer.Phrase))
	if !strings.EqualFold(a.From, mt.Contact.Email) {
		in.Detail = fmt.Sprintf("%s (%s replied %s)", answerWords(ans, ev, time.Time{}), a.From, quote(a.Answer.Phrase))
	}
	if a.Answer.Asks {
		in.AlsoReply = true // the reply's own move and cancellations stand
		in.Detail += ", and asks something: read it"
		return nil
	}
	in.Move, in.CancelSends = "", false
	return nil
}

func setAnswerClass(in *store.Inbound, ans contact.Answer) {
	in.Class, in.EventType = "rsvp-yes", contact.EventRSVP
	if ans == contact.Declined {
		in.Class, in.EventType = "rsvp-no", contact.EventRSVPNo
	}
}

// supersedes is invite.Reply.Supersedes for an answer against the one
// recorded: the higher SEQUENCE, then the later stamp.
func supersedes(seq int, stamp time.Time) func(*store.RSVP) bool {
	r := &invite.Reply{Sequence: seq, Stamp: stamp}
	return func(old *store.RSVP) bool {
		return r.Supersedes(&invite.Reply{Sequence: old.Sequence, Stamp: old.Stamp})
	}
}

func answerWords(a contact.Answer, ev *store.CalEvent, occ time.Time) string {
	what := ev.Title
	if !occ.IsZero() {
		what += " on " + occ.In(ev.Start.Location()).Format("Jan 2")
	}
	switch a {
	case contact.Accepted:
		return "accepted the invitation to " + what
	case contact.Declined:
		return "declined the invitation to " + what
	}
	return "answered maybe to the invitation to " + what
}

// calendarEvent is the event a calendar reply is about: by its UID, or
// for a reply without a readable calendar, the event of the thread. Nil
// when it is not one of ours.
func (p *processor) calendarEvent(ctx context.Context, r *RSVP, mt *Match) (*store.CalEvent, error) {
	if r == nil {
		return nil, nil
	}
	if r.UID != "" {
		ev, err := p.st.CalEventByUID(ctx, r.UID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		return ev, err
	}
	if mt.Send == nil {
		return nil, nil
	}
	return p.eventOfSend(ctx, mt.Send, mt.Contact.ID)
}

// attendee is the contact a calendar reply is from: its ATTENDEE's
// address when that is a contact (a colleague may answer from another
// address than the one invited), else the contact the message matched.
func (p *processor) attendee(ctx context.Context, addr string, mt *Match) (*contact.Contact, error) {
	if mt.Contact != nil && strings.EqualFold(mt.Contact.Email, addr) {
		return mt.Contact, nil // the usual case: the attendee wrote
	}
	if addr != "" {
		c, err := p.st.ContactByEmail(ctx, addr)
		if err == nil {
			return c, nil
		}
		if !isNotFound(err) {
			return nil, err
		}
	}
	return mt.Contact, nil
}

// eventOfSend is the event a note of ours is about, for a contact who was
// invited to it: the invitation's own event, or for another note of the
// same campaign (a reminder) the event they were invited to. Nil when none.
func (p *processor) eventOfSend(ctx context.Context, sd *contact.Send, contactID int64) (*store.CalEvent, error) {
	all, err := p.st.CalEvents(ctx)
	if err != nil {
		return nil, err
	}
	base, _, _ := strings.Cut(sd.Step, "~")
	var found *store.CalEvent
	for _, ev := range all {
		if ev.Campaign != sd.Campaign || ev.Round != sd.Round {
			continue
		}
		if _, err := p.st.ContactRSVP(ctx, ev.ID, contactID); isNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		if ev.Step == base {
			return ev, nil
		}
		if found == nil {
			found = ev
		}
	}
	return found, nil
}
