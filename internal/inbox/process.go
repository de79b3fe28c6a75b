package inbox

import (
	"context"
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// processor decides what each new message means and applies it; the
// Watcher builds it from its Options.
type processor struct {
	st    Store
	self  string        // the user's own address: mail from it is never a reply
	pause time.Duration // how long an out-of-office without a return date holds the next step
	now   func() time.Time
	// accepted is where a contact who accepts an invitation moves ("" for
	// nowhere; see [events] accepted_stage).
	accepted contact.Stage
}

// Class is what an incoming message meant for the pipeline. Its values are
// the contract's `inbox sync` classes.
type Class string

// The classes of inbound mail.
const (
	ClassReply     Class = "reply"      // a person answered: the contact moves to replied
	ClassAutoReply Class = "auto-reply" // out-of-office and other machines: the next note waits
	ClassBounce    Class = "bounce"     // a delivery failure report (hard ones end the contact)
	ClassOptOut    Class = "opt-out"    // asked not to be written to again
	ClassRSVPYes   Class = "rsvp-yes"   // accepted (or tentatively accepted) an invitation
	ClassRSVPNo    Class = "rsvp-no"    // declined an invitation
	ClassUnmatched Class = "unmatched"  // concerns no contact, or is list mail: nothing changes
)

// Result is what one message did; its JSON is the contract's `inbox sync`
// line.
type Result struct {
	UID       uint32 `json:"uid"`
	MessageID string `json:"message_id"`
	From      string `json:"from"`
	Class     Class  `json:"class"`
	Contact   string `json:"contact"` // the contact's email
	ContactID int64  `json:"-"`
	StageFrom string `json:"stage_from"`
	StageTo   string `json:"stage_to"`
	Mailbox   string `json:"mailbox"`
	Detail    string `json:"detail,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// newMail is one new message as the watcher found it.
type newMail struct {
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	Header      []byte
	// Body fetches the whole message; it is called only when the header
	// is not enough and the message may concern a contact.
	Body func(ctx context.Context) ([]byte, error)
}

// process classifies a message, matches it, and records its effects in
// one transaction. Processing the same message twice changes nothing.
func (p *processor) process(ctx context.Context, m newMail) (Result, error) {
	a, err := AnalyzeHeader(m.Header)
	if err != nil {
		return Result{}, fmt.Errorf("message uid %d: %w", m.UID, err)
	}
	mt, err := match(ctx, p.st, &a)
	if err != nil {
		return Result{}, err
	}
	if a.NeedBody && p.bodyWorthIt(&a, mt) {
		raw, err := m.Body(ctx)
		if err != nil {
			return Result{}, fmt.Errorf("message uid %d: fetch body: %w", m.UID, err)
		}
		if a, err = Analyze(raw); err != nil {
			return Result{}, fmt.Errorf("message uid %d: %w", m.UID, err)
		}
		if mt, err = match(ctx, p.st, &a); err != nil {
			return Result{}, err
		}
	}
	in := p.decide(&a, mt)
	if err := p.answers(ctx, &in, &a, &mt); err != nil {
		return Result{}, fmt.Errorf("message uid %d: %w", m.UID, err)
	}
	in.Mailbox, in.UIDValidity, in.UID = m.Mailbox, m.UIDValidity, m.UID
	ap, err := p.st.ApplyInbound(ctx, in)
	if err != nil {
		return Result{}, err
	}
	return result(in, ap, mt), nil
}

// bodyWorthIt keeps rapport out of the user's private mail: a body is read
// only for a message that concerns a contact or that a machine sent.
func (p *processor) bodyWorthIt(a *Analysis, mt Match) bool {
	return mt.Matched() || a.Kind != KindPersonal || isMailerDaemon(a.From)
}

func isMailerDaemon(from string) bool {
	local, _, _ := strings.Cut(strings.ToLower(from), "@")
	return local == "mailer-daemon" || local == "postmaster" || local == "mail-daemon" || local == ""
}

// decide turns an analysis and a match into the effects to record.
func (p *processor) decide(a *Analysis, mt Match) store.Inbound {
	in := store.Inbound{MessageID: a.MessageID, From: a.From, Subject: a.Subject, ReceivedAt: a.Date, Class: string(ClassUnmatched)}
	if !mt.Matched() || strings.EqualFold(a.From, p.self) {
		return in
	}
	in.ContactID = mt.Contact.ID
	if mt.Send != nil {
		in.SendID = mt.Send.ID
	}
	switch a.Kind {
	case KindBounce:
		p.bounce(&in, a)
	case KindAutoReply:
		in.Class, in.EventType = string(ClassAutoReply), contact.EventAutoReply
		in.HoldUntil = p.holdUntil(a)
		in.Detail = fmt.Sprintf("out-of-office from %s (%s); next note waits until %s", a.From, a.Reason, in.HoldUntil.Format("2006-01-02"))
	case KindList:
		in.ContactID, in.SendID = 0, 0
		in.Detail = "mailing list or newsletter: " + a.Reason
	case KindRSVP:
		p.rsvp(&in, a)
	case KindOptOut:
		in.Class, in.EventType, in.Move, in.CancelSends = string(ClassOptOut), contact.EventOptOut, contact.StageOptedOut, true
		in.Detail = fmt.Sprintf("opted out (%s) from %s: %s", a.Reason, a.From, a.Subject)
	default:
		in.Class, in.EventType, in.Move, in.CancelSends = string(ClassReply), contact.EventReply, contact.StageReplied, true
		in.Detail = fmt.Sprintf("reply from %s%s: %s", a.From, matchedBy(mt), a.Subject)
	}
	return in
}

func matchedBy(mt Match) string {
	if mt.By == "domain" {
		return " (same office as " + mt.Contact.Email + ")"
	}
	return ""
}

func (p *processor) bounce(in *store.Inbound, a *Analysis) {
	b := a.Bounce
	in.Class, in.EventType = string(ClassBounce), contact.EventBounce
	switch {
	case b == nil:
		// Unreadable details are never a hard bounce: that would end
		// the contact for good on a guess.
		in.Detail = "delivery failure whose details could not be read, treated as temporary: " + a.Reason
	case b.Hard:
		in.Move, in.CancelSends = contact.StageBounced, true
		in.Detail = "hard bounce: " + a.Reason
	case b.Delayed:
		in.Detail = "delivery delayed, not failed: " + a.Reason
	case b.Action == "delivered" || b.Action == "relayed" || b.Action == "expanded":
		in.Detail = "delivery report: " + b.Action
	default:
		in.Detail = "temporary delivery failure: " + a.Reason
	}
}

func (p *processor) rsvp(in *store.Inbound, a *Analysis) {
	stat := ""
	if a.RSVP != nil {
		stat = strings.ToUpper(a.RSVP.PartStat)
	}
	in.Class, in.EventType, in.Move, in.CancelSends = string(ClassRSVPYes), contact.EventRSVP, contact.StageReplied, true
	if stat == "DECLINED" {
		in.Class = string(ClassRSVPNo)
	}
	in.Detail = fmt.Sprintf("RSVP %s from %s: %s", strings.ToLower(stat), a.From, a.Subject)
}

// holdUntil is the return date read from an out-of-office answer, or the
// configured pause from now.
func (p *processor) holdUntil(a *Analysis) time.Time {
	now := p.now()
	if a.ReturnDate.After(now) {
		return a.ReturnDate
	}
	return now.Add(p.pause)
}

func result(in store.Inbound, ap store.Applied, mt Match) Result {
	r := Result{UID: in.UID, MessageID: in.MessageID, From: in.From, Class: Class(in.Class), Mailbox: in.Mailbox,
		Detail: in.Detail, Duplicate: ap.Duplicate}
	if mt.Matched() && in.ContactID != 0 {
		r.Contact, r.ContactID = mt.Contact.Email, mt.Contact.ID
		r.StageFrom, r.StageTo = string(mt.Contact.Stage), string(mt.Contact.Stage)
		if ap.Moved {
			r.StageFrom, r.StageTo = string(ap.From), string(ap.To)
		}
	}
	return r
}
