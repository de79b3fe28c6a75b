package invite

import (
	"errors"
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"rapport/internal/contact"
)

// The iMIP methods rapport writes and reads (RFC 5546 §1.4).
const (
	MethodRequest = "REQUEST"
	MethodCancel  = "CANCEL"
	MethodReply   = "REPLY"
)

// ProductID is PRODID of every calendar rapport writes.
const ProductID = "-//rapport//outreach invitations//EN"

// ErrInvalid is wrapped by every refusal to write a calendar.
var ErrInvalid = errors.New("invalid invitation")

// Person is an organizer or an attendee.
type Person struct {
	Name  string // shown by calendars (CN); may be empty
	Email string
}

// Invitation is one calendar message about an event to one person.
type Invitation struct {
	Event     *Event
	Organizer Person // the user's mailbox: replies come back to it
	Attendee  Person
	// Sequence is the event's revision (RFC 5545 §3.8.7.4): 0 for the
	// first invitation, raised by one for every change of time or place
	// and for the cancellation. Calendars ignore a message whose
	// SEQUENCE is lower than the one they have.
	Sequence int
	// Stamp is DTSTAMP, when this message was made; the caller keeps it
	// (the journal's claim time), so that rendering again gives the same
	// bytes.
	Stamp time.Time
}

// Request writes the METHOD:REQUEST calendar of an invitation or of an
// update: the event, the user as ORGANIZER and the one ATTENDEE asked to
// answer (RSVP=TRUE, PARTSTAT=NEEDS-ACTION).
func (inv Invitation) Request() ([]byte, error) {
	cal, ev, err := inv.calendar(MethodRequest)
	if err != nil {
		return nil, err
	}
	ev.SetStatus(ics.ObjectStatusConfirmed)
	ev.SetTimeTransparency(ics.TransparencyOpaque)
	ev.AddAttendee("mailto:"+inv.Attendee.Email, attendeeParams(inv.Attendee, ics.ParticipationStatusNeedsAction, true)...)
	return serialize(cal), nil
}

// Cancel writes the METHOD:CANCEL calendar that removes the event from
// the attendee's calendar (RFC 5546 §3.2.5). Its Sequence must be higher
// than that of every request sent before.
func (inv Invitation) Cancel() ([]byte, error) {
	cal, ev, err := inv.calendar(MethodCancel)
	if err != nil {
		return nil, err
	}
	ev.SetStatus(ics.ObjectStatusCancelled)
	ev.AddAttendee("mailto:"+inv.Attendee.Email, attendeeParams(inv.Attendee, "", false)...)
	return serialize(cal), nil
}

func (inv Invitation) check() error {
	e := inv.Event
	switch {
	case e == nil:
		return fmt.Errorf("%w: no event", ErrInvalid)
	case e.UID == "" || strings.ContainsAny(e.UID, "\r\n\x00"):
		return fmt.Errorf("%w: the event has no usable UID", ErrInvalid)
	case e.Start.IsZero() || !e.End.After(e.Start):
		return fmt.Errorf("%w: the event must end after it starts", ErrInvalid)
	case inv.Sequence < 0:
		return fmt.Errorf("%w: SEQUENCE %d is negative", ErrInvalid, inv.Sequence)
	case inv.Stamp.IsZero():
		return fmt.Errorf("%w: no DTSTAMP", ErrInvalid)
	}
	for _, p := range []struct{ role, addr string }{{"organizer", inv.Organizer.Email}, {"attendee", inv.Attendee.Email}} {
		if _, err := contact.NormalizeEmail(p.addr); err != nil || strings.ContainsAny(p.addr, " <>\"") {
			return fmt.Errorf("%w: the %s %q is not a plain address", ErrInvalid, p.role, p.addr)
		}
	}
	return nil
}

// calendar builds what a request and a cancellation share.
func (inv Invitation) calendar(method string) (*ics.Calendar, *ics.VEvent, error) {
	if err := inv.check(); err != nil {
		return nil, nil, err
	}
	e := inv.Event
	cal := ics.NewCalendarFor("rapport")
	cal.CalendarProperties = nil // NewCalendarFor's defaults, set again in RFC order below
	cal.SetProductId(ProductID)
	cal.SetVersion("2.0")
	cal.SetCalscale("GREGORIAN")
	cal.SetMethod(ics.Method(method))
	utc := isUTC(e.Zone)
	if !utc {
		cal.AddVTimezone(vtimezone(e.Zone, e.Start, e.lastStart(5)))
	}
	ev := cal.AddEvent(e.UID)
	ev.SetDtStampTime(inv.Stamp)
	ev.SetSequence(inv.Sequence)
	setTime(&ev.ComponentBase, ics.ComponentPropertyDtStart, e.Start, e.Zone, utc)
	setTime(&ev.ComponentBase, ics.ComponentPropertyDtEnd, e.End, e.Zone, utc)
	if e.Recur != nil {
		ev.AddRrule(e.Recur.String())
	}
	ev.SetSummary(e.Title)
	if where := e.Where(); where != "" {
		ev.SetLocation(where)
	}
	if d := e.description(); d != "" {
		ev.SetDescription(d)
	}
	if e.URL != "" {
		ev.SetURL(e.URL)
	}
	org := []ics.PropertyParameter{}
	if n := strings.TrimSpace(inv.Organizer.Name); n != "" {
		org = append(org, ics.WithCN(n))
	}
	ev.SetOrganizer("mailto:"+inv.Organizer.Email, org...)
	return cal, ev, nil
}

func attendeeParams(p Person, ps ics.ParticipationStatus, rsvp bool) []ics.PropertyParameter {
	params := []ics.PropertyParameter{ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant}
	if ps != "" {
		params = append(params, ps)
	}
	if rsvp {
		// golang-ical writes "true"; upper case is what Outlook writes
		// and every client reads (values are case-insensitive anyway).
		params = append(params, &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"TRUE"}})
	}
	if n := strings.TrimSpace(p.Name); n != "" {
		params = append(params, ics.WithCN(n))
	}
	return params
}

// setTime writes DTSTART or DTEND as a local time with TZID, or in UTC
// for an event in UTC.
func setTime(cb *ics.ComponentBase, prop ics.ComponentProperty, t time.Time, loc *time.Location, utc bool) {
	if utc {
		cb.SetProperty(prop, t.UTC().Format("20060102T150405Z"))
		return
	}
	cb.SetProperty(prop, t.In(loc).Format("20060102T150405"), ics.WithTZID(loc.String()))
}

func isUTC(loc *time.Location) bool {
	switch loc.String() {
	case "UTC", "Etc/UTC", "Etc/UCT", "Etc/Zulu", "Zulu", "Universal", "Etc/Universal":
		return true
	}
	return false
}

// description is DESCRIPTION: the event's text, then the online link,
// because Outlook does not show URL.
func (e *Event) description() string {
	parts := []string{}
	if e.Description != "" {
		parts = append(parts, e.Description)
	}
	if e.URL != "" {
		parts = append(parts, "Online: "+e.URL)
	}
	return strings.Join(parts, "\n\n")
}
