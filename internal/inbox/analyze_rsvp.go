package inbox

import (
	"regexp"

	"rapport/internal/invite"
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

// parseReply reads the answer out of a calendar part; the calendar itself
// is the invite package's to read.
func parseReply(body []byte) (*RSVP, bool) {
	r, err := invite.ParseReply(body)
	if err != nil {
		return nil, false
	}
	return &RSVP{Attendee: r.Attendee, PartStat: string(r.PartStat), UID: r.UID, Sequence: r.Sequence,
		Stamp: r.Stamp, Occurrence: r.Occurrence, Comment: r.Comment}, true
}

// textAnswer reads the new text of a personal message (quotes removed) for
// a clear yes or no to an invitation; the invite package knows the
// phrases and refuses anything hedged.
func textAnswer(m *msg) *invite.TextAnswer {
	if !m.full {
		return nil
	}
	ans, ok := invite.ReadAnswer(m.newText())
	if !ok {
		return nil
	}
	ans.Phrase = clean(ans.Phrase)
	return &ans
}
