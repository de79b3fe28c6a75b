package inbox

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	ics "github.com/arran4/golang-ical"
)

// rsvpSubject is how Outlook, Google Calendar and Apple Calendar title the
// mail carrying an answer to an invitation, in the four languages.
var rsvpSubject = regexp.MustCompile(`(?i)^\s*(invitation )?(accepted|declined|tentative|tentatively accepted|angenommen|abgelehnt|mit vorbehalt angenommen|vorläufig angenommen|mit vorbehalt|accepté|refusé|refusée|accepté provisoirement|provisoire|aceptado|aceptada|rechazado|rechazada|provisional|tentativa|tentativo)\s*:`)

var rsvpWords = map[string]string{
	"accepted": "ACCEPTED", "angenommen": "ACCEPTED", "accepté": "ACCEPTED", "aceptado": "ACCEPTED", "aceptada": "ACCEPTED",
	"declined": "DECLINED", "abgelehnt": "DECLINED", "refusé": "DECLINED", "refusée": "DECLINED", "rechazado": "DECLINED", "rechazada": "DECLINED",
}

// rsvpStep is rule 4: an iMIP reply (RFC 6047) to one of our invitations.
// The calendar part is the evidence; the subject alone is enough too,
// because only calendar software writes "Accepted: <event>".
func rsvpStep(a *Analysis, m *msg) bool {
	if m.full {
		if r, ok := calendarReply(m); ok {
			a.Kind, a.RSVP = KindRSVP, r
			a.Reason = "iMIP METHOD:REPLY, PARTSTAT=" + orNone(r.PartStat)
			return true
		}
	}
	if ps, ok := subjectPartStat(a.Subject); ok {
		a.Kind, a.RSVP = KindRSVP, &RSVP{PartStat: ps, Attendee: a.From}
		a.Reason = "subject " + quote(a.Subject) + " without a calendar reply"
		a.NeedBody = !m.full // the calendar part names the attendee and the event
		return true
	}
	return false
}

func subjectPartStat(subject string) (string, bool) {
	sm := rsvpSubject.FindStringSubmatch(forMatching(subject))
	if sm == nil {
		return "", false
	}
	if ps, ok := rsvpWords[sm[2]]; ok {
		return ps, true
	}
	return "TENTATIVE", true
}

// calendarReply looks at every calendar part, wherever it sits in the MIME
// tree: Google sends text/calendar inline and again as application/ics,
// Outlook only inline, Apple as an attachment.
func calendarReply(m *msg) (*RSVP, bool) {
	for _, p := range m.parts {
		if p.typ != "text/calendar" && p.typ != "application/ics" && p.typ != "application/x-ics" && !isCalendarFile(p) {
			continue
		}
		if r, ok := parseReply(p.body); ok {
			return r, true
		}
	}
	return nil, false
}

// parseReply reads an iCalendar object and returns the answer when its
// METHOD is REPLY (RFC 5546 section 3.2.3). The parser is third-party code
// fed with whatever arrives in the mailbox, so a panic in it is contained.
func parseReply(body []byte) (r *RSVP, ok bool) {
	defer func() {
		if recover() != nil {
			r, ok = nil, false
		}
	}()
	cal, err := ics.ParseCalendarWithOptions(bytes.NewReader(body), ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
	if err != nil || cal == nil || !isReply(cal) {
		return nil, false
	}
	for _, ev := range cal.Events() {
		r := &RSVP{UID: ev.Id()}
		if p := ev.GetProperty(ics.ComponentPropertySequence); p != nil {
			r.Sequence, _ = strconv.Atoi(strings.TrimSpace(p.Value))
		}
		r.Attendee, r.PartStat = answeringAttendee(ev.Attendees())
		return r, true
	}
	return nil, false
}

func isReply(cal *ics.Calendar) bool {
	for _, p := range cal.CalendarProperties {
		if strings.EqualFold(p.IANAToken, string(ics.PropertyMethod)) {
			return strings.EqualFold(strings.TrimSpace(p.Value), "REPLY")
		}
	}
	return false
}

// answeringAttendee is the attendee whose PARTSTAT is an answer. A REPLY
// should carry only the replier (RFC 5546 section 3.2.3), but some clients
// copy the whole list.
func answeringAttendee(as []*ics.Attendee) (email, partStat string) {
	for _, at := range as {
		ps := strings.ToUpper(string(at.ParticipationStatus()))
		if ps == "ACCEPTED" || ps == "DECLINED" || ps == "TENTATIVE" || email == "" {
			email, partStat = attendeeAddress(at.Value), ps
		}
		if ps == "ACCEPTED" || ps == "DECLINED" || ps == "TENTATIVE" {
			break
		}
	}
	return email, partStat
}

// attendeeAddress strips the "mailto:" scheme in any case (Outlook writes
// "MAILTO:").
func attendeeAddress(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 7 && strings.EqualFold(v[:7], "mailto:") {
		v = v[7:]
	}
	return normalizeAddress(v)
}
