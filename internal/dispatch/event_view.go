package dispatch

import (
	"strings"
	"sync"
	"time"

	"rapport/internal/contact"
	"rapport/internal/invite"
	"rapport/internal/render"
)

// eventView is .Event in a template: the event as the contact reads it,
// its times in the contact's own zone when they have one. A field the
// event does not have (an address, a link) is empty, so a template that
// prints it without {{with}} is refused like any missing field.
//
//	.Event.Title        Meet & Greet for Local Clinicians
//	.Event.When         Thursday, December 3, 2026, 5:00–6:30 PM CST
//	.Event.Date         Thursday, December 3
//	.Event.Time         5:00–6:30 PM CST
//	.Event.Place        Maple Grove Library, Room B
//	.Event.Address      410 Elm Street, Springfield, IL 62704
//	.Event.Where        the place and the address on one line (or the online link)
//	.Event.URL          the online link
//	.Event.Description  the event's description
//	.Event.MapURL, .Event.GoogleURL, .Event.OutlookURL: links for the HTML part
func eventView(e *invite.Event, ct *contact.Contact, now time.Time) map[string]string {
	start := e.Start
	if next, ok := e.Next(now); ok {
		start = next // a repeating event: its next meeting
	}
	end := start.Add(e.End.Sub(e.Start))
	loc := e.Zone
	if ct != nil && ct.TimeZone != "" {
		if l, err := time.LoadLocation(ct.TimeZone); err == nil {
			loc = l
		}
	}
	s, en := start.In(loc), end.In(loc)
	links := e.Links()
	v := map[string]string{
		"Title": e.Title, "Date": s.Format("Monday, January 2"), "Time": clockRange(s, en),
		"Place": e.Place, "Address": e.Address, "Where": e.Where(), "URL": e.URL, "Description": e.Description,
		"MapURL": links.Map, "GoogleURL": links.Google, "OutlookURL": links.Outlook,
	}
	v["When"] = When(s, en)
	return v
}

// When says a meeting's date and times for people, in start's zone:
// "Thursday, December 3, 2026, 5:00–6:30 PM CST".
func When(start, end time.Time) string {
	return start.Format("Monday, January 2, 2006") + ", " + clockRange(start, end.In(start.Location()))
}

// clockRange writes "5:00–6:30 PM CST", "11:30 AM–1:00 PM CST", or with
// the day of the end when it ends on another day.
func clockRange(s, e time.Time) string {
	zone := " " + e.Format("MST")
	switch {
	case s.YearDay() != e.YearDay() || s.Year() != e.Year():
		return s.Format("3:04 PM") + " – " + e.Format("Monday 3:04 PM") + zone
	case s.Format("PM") != e.Format("PM"):
		return s.Format("3:04 PM") + "–" + e.Format("3:04 PM") + zone
	}
	return s.Format("3:04") + "–" + e.Format("3:04 PM") + zone
}

// withLinks puts the event's "add to calendar" and map links at the end
// of an invitation's HTML part, inside its text column, for mail programs
// that show no invitation buttons.
func withLinks(html string, l invite.Links) string {
	i := strings.LastIndex(html, "</div>")
	if i < 0 {
		return html
	}
	return html[:i] + l.HTML() + "\n" + html[i:]
}

// cancelSource is the note that carries a cancellation: short, and in the
// user's voice. It is rendered with the same strictness as the user's
// templates.
const cancelSource = `---
subject: "Cancelled: {{.Event.Title}}"
---
{{if .Salutation}}Dear {{.Salutation}},{{else}}Hello,{{end}}

I'm sorry to let you know that {{.Event.Title}} on {{.Event.Date}} is cancelled. If it is in your calendar, this message takes it out.

Thank you for making time for it; I hope we can meet another time.

{{first .Sender.Signature .Sender.Name}}
`

var cancelTemplate = sync.OnceValues(func() (*render.Template, error) {
	return render.Parse("event-cancelled", []byte(cancelSource))
})
