package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
)

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"when":   s.when,
		"day":    s.day,
		"iso":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"stage":  stageLabel,
		"kind":   func(k string) string { return strings.ReplaceAll(k, "-", " ") },
		"reason": reasonLabel,
		"event":  eventLabel,
		"plural": plural,
		"label":  func(c *contact.Contact) string { return c.Label() },
		"join":   strings.Join,
		"upper":  strings.ToUpper,
	}
}

// when says a moment for people, in the user's zone: "today 14:05",
// "yesterday 09:12", "Nov 3, 10:00", with the year when it is not this
// one's.
func (s *Server) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	loc := s.loc()
	t, now := t.In(loc), s.app.Now().In(loc)
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return "today " + t.Format("15:04")
	case t.AddDate(0, 0, 1).Format("2006-01-02") == now.Format("2006-01-02"):
		return "yesterday " + t.Format("15:04")
	case y1 == y2:
		return t.Format("Jan 2, 15:04")
	}
	return t.Format("Jan 2, 2006, 15:04")
}

// day says a calendar day for people: "Nov 3", or "Nov 3, 2025".
func (s *Server) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(s.loc())
	if t.Year() == s.app.Now().In(s.loc()).Year() {
		return t.Format("Jan 2")
	}
	return t.Format("Jan 2, 2006")
}

// stageLabel writes a stage as a heading: "opted-out" is "Opted out".
func stageLabel(st contact.Stage) string {
	w := strings.ReplaceAll(string(st), "-", " ")
	if w == "" {
		return ""
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// eventLabels name a history entry's type for people.
var eventLabels = map[contact.EventType]string{
	contact.EventCreated: "Added", contact.EventUpdated: "Details updated", contact.EventStage: "Stage",
	contact.EventSent: "Note sent", contact.EventFailed: "Note not delivered", contact.EventReply: "Answered",
	contact.EventBounce: "Bounced", contact.EventAutoReply: "Out-of-office answer", contact.EventOptOut: "Asked not to be written to",
	contact.EventRSVP: "Answered an invitation", contact.EventMissing: "Gone from its spreadsheet", contact.EventNote: "Note",
	contact.EventReferral: "Referral", contact.EventPrinted: "Letter printed",
	// Types that other parts of rapport add as they come (visits, declines,
	// letters posted): named here so their pages need nothing more.
	"logged": "Visit or call", "rsvp-no": "Declined an invitation", "mailed": "Letter mailed",
}

func eventLabel(t contact.EventType) string {
	if l, ok := eventLabels[t]; ok {
		return l
	}
	return stageLabel(contact.Stage(t))
}

// plural writes "1 contact", "3 contacts".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// reasonLabels name a plan's reason codes in a few words; the full reason
// is on each line of the plan.
var reasonLabels = map[campaign.Code]string{
	campaign.CodeDue: "due now", campaign.CodeWaiting: "waiting", campaign.CodeWindow: "outside sending hours",
	campaign.CodeCap: "over the cap for now", campaign.CodePaused: "campaign not running", campaign.CodeReplied: "answered",
	campaign.CodeOptedOut: "opted out", campaign.CodeBounced: "bounced", campaign.CodeStage: "stage says not now",
	campaign.CodeAutoReply: "away", campaign.CodeMissing: "missing a field", campaign.CodeOutbox: "in the outbox",
	campaign.CodeSending: "being sent", campaign.CodeHeld: "gone from its spreadsheet", campaign.CodeFailed: "not delivered",
	campaign.CodeLeft: "left the audience", campaign.CodeNoEmail: "no email address", campaign.CodeDone: "done",
}

func reasonLabel(c campaign.Code) string {
	if l, ok := reasonLabels[c]; ok {
		return l
	}
	return string(c)
}
