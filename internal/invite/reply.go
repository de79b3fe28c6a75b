package invite

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"rapport/internal/contact"
)

// PartStat is an attendee's answer (RFC 5545 §3.2.12).
type PartStat string

// The answers an invitation can get.
const (
	Accepted    PartStat = "ACCEPTED"
	Declined    PartStat = "DECLINED"
	Tentative   PartStat = "TENTATIVE"
	NeedsAction PartStat = "NEEDS-ACTION"
)

// Answered reports whether p is an answer: accepted, declined or tentative.
func (p PartStat) Answered() bool { return p == Accepted || p == Declined || p == Tentative }

// ErrNotReply is returned for a calendar that is not a METHOD:REPLY, or
// for bytes that are no calendar at all.
var ErrNotReply = errors.New("not a calendar reply")

// Reply is an attendee's answer to an invitation (RFC 5546 §3.2.3).
type Reply struct {
	UID      string
	Attendee string   // the address, domain lower-cased, "mailto:" removed
	PartStat PartStat // upper case; NEEDS-ACTION or another value when the reply carries no answer
	Sequence int      // the revision answered
	Stamp    time.Time
	// Occurrence is set when the answer is about one meeting of a
	// repeating event (RECURRENCE-ID); zero means the whole event.
	Occurrence time.Time
	Comment    string // what the person wrote with the answer, if anything
}

// Supersedes reports whether r is a later answer than old from the same
// person: a higher SEQUENCE wins, then a later DTSTAMP; on a tie the one
// read later (r) stands, so a changed mind sent within the same second
// still counts.
func (r *Reply) Supersedes(old *Reply) bool {
	if r.Sequence != old.Sequence {
		return r.Sequence > old.Sequence
	}
	return !r.Stamp.Before(old.Stamp)
}

// ParseReply reads an iCalendar object and returns the answer when its
// METHOD is REPLY. It is fed whatever arrives in the mailbox, so a panic in
// the third-party parser is contained and reported as ErrNotReply.
func ParseReply(body []byte) (r *Reply, err error) {
	defer func() {
		if recover() != nil {
			r, err = nil, fmt.Errorf("%w: the calendar cannot be read", ErrNotReply)
		}
	}()
	cal, perr := ics.ParseCalendarWithOptions(bytes.NewReader(body), ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if perr != nil || cal == nil {
		return nil, fmt.Errorf("%w: %v", ErrNotReply, perr)
	}
	if m := method(cal); !strings.EqualFold(m, MethodReply) {
		return nil, fmt.Errorf("%w: METHOD is %q", ErrNotReply, m)
	}
	ev := mainEvent(cal.Events())
	if ev == nil {
		return nil, fmt.Errorf("%w: no VEVENT", ErrNotReply)
	}
	r = &Reply{UID: strings.TrimSpace(ev.Id())}
	if p := ev.GetProperty(ics.ComponentPropertySequence); p != nil {
		r.Sequence, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	r.Stamp = propTime(cal, ev.GetProperty(ics.ComponentPropertyDtstamp))
	r.Occurrence = propTime(cal, ev.GetProperty(ics.ComponentPropertyRecurrenceId))
	if p := ev.GetProperty(ics.ComponentPropertyComment); p != nil {
		r.Comment = strings.TrimSpace(p.Value)
	}
	organizer := ""
	if p := ev.GetProperty(ics.ComponentPropertyOrganizer); p != nil {
		organizer = calAddress(p.Value)
	}
	r.Attendee, r.PartStat = answeringAttendee(ev.Attendees(), organizer)
	return r, nil
}

// method is the calendar's METHOD, whatever the case of its name.
func method(cal *ics.Calendar) string {
	for _, p := range cal.CalendarProperties {
		if strings.EqualFold(p.IANAToken, string(ics.PropertyMethod)) {
			return strings.TrimSpace(p.Value)
		}
	}
	return ""
}

// mainEvent is the VEVENT about the whole event when there is one, else
// the first: a reply about one meeting of a series carries only that
// meeting, with RECURRENCE-ID.
func mainEvent(evs []*ics.VEvent) *ics.VEvent {
	for _, ev := range evs {
		if ev.GetProperty(ics.ComponentPropertyRecurrenceId) == nil {
			return ev
		}
	}
	if len(evs) > 0 {
		return evs[0]
	}
	return nil
}

// answeringAttendee is the attendee whose PARTSTAT is an answer. A REPLY
// should carry only the replier (RFC 5546 §3.2.3), but some clients copy
// the whole list, the organizer (who has accepted their own event) among
// them.
func answeringAttendee(as []*ics.Attendee, organizer string) (email string, ps PartStat) {
	for _, at := range as {
		if organizer != "" && strings.EqualFold(calAddress(at.Value), organizer) {
			continue
		}
		p := PartStat(strings.ToUpper(strings.TrimSpace(param(&at.BaseProperty, "PARTSTAT"))))
		if p.Answered() {
			return calAddress(at.Value), p
		}
		if email == "" {
			email, ps = calAddress(at.Value), p
		}
	}
	return email, ps
}

// param reads a parameter whatever the case of its name.
func param(p *ics.BaseProperty, name string) string {
	for k, v := range p.ICalParameters {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// calAddress strips the "mailto:" scheme in any case (Outlook writes
// "MAILTO:") and normalizes the address as contacts are keyed.
func calAddress(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	v = strings.Trim(strings.TrimSpace(v), "<>")
	if n, err := contact.NormalizeEmail(v); err == nil {
		return n
	}
	if at := strings.LastIndexByte(v, '@'); at >= 0 {
		return v[:at] + strings.ToLower(v[at:])
	}
	return v
}

// propTime reads a DATE-TIME or DATE value: in UTC ("Z"); with a TZID
// the IANA database knows ("America/Chicago"), or one the calendar's own
// VTIMEZONE defines ("Central Standard Time", as Outlook writes); else,
// floating, as UTC.
func propTime(cal *ics.Calendar, p *ics.IANAProperty) time.Time {
	if p == nil {
		return time.Time{}
	}
	v := strings.TrimSpace(p.Value)
	for _, layout := range []string{"20060102T150405Z", "20060102T150405", "20060102"} {
		wall, err := time.Parse(layout, v)
		if err != nil {
			continue
		}
		tz := strings.Trim(param(&p.BaseProperty, "TZID"), `"`)
		if tz == "" || strings.HasSuffix(v, "Z") {
			return wall
		}
		if loc, err := time.LoadLocation(tz); err == nil && tz != "Local" {
			return time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, loc).UTC()
		}
		if toUTC, ok := readZone(cal, tz); ok {
			return toUTC(wall)
		}
		return wall
	}
	return time.Time{}
}
