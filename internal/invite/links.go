package invite

import (
	"html"
	"net/url"
	"strings"
	"time"
)

// Links are the event's web links for recipients whose mail program does
// not show invitations. They carry the event only: nothing about the
// recipient, no tracking parameter, no redirect through anyone's server.
type Links struct {
	Google      string // Google Calendar's "add event" page
	Outlook     string // Outlook on the web, work or school accounts (Microsoft 365)
	OutlookLive string // Outlook.com, personal accounts
	Map         string // the street address on a map; empty without an address
}

// Links builds the links. Outlook's page has no way to say "every second
// Thursday", so for a repeating event the Outlook links are left out
// rather than add only the first meeting; Google's takes the rule.
func (e *Event) Links() Links {
	var l Links
	l.Google = e.googleURL()
	if e.Recur == nil {
		l.Outlook = e.outlookURL("https://outlook.office.com/calendar/0/deeplink/compose")
		l.OutlookLive = e.outlookURL("https://outlook.live.com/calendar/0/deeplink/compose")
	}
	if e.Address != "" {
		// Google's documented cross-platform Maps URL: opens the app on a
		// phone, the web page elsewhere.
		l.Map = "https://www.google.com/maps/search/?" + url.Values{"api": {"1"}, "query": {e.Address}}.Encode()
	}
	return l
}

func (e *Event) googleURL() string {
	q := url.Values{"action": {"TEMPLATE"}, "text": {e.Title}}
	if isUTC(e.Zone) {
		q.Set("dates", e.Start.UTC().Format("20060102T150405Z")+"/"+e.End.UTC().Format("20060102T150405Z"))
	} else {
		// Local times with ctz keep a repeating meeting at its local hour
		// across DST changes.
		q.Set("dates", e.Start.In(e.Zone).Format("20060102T150405")+"/"+e.End.In(e.Zone).Format("20060102T150405"))
		q.Set("ctz", e.Zone.String())
	}
	if d := e.description(); d != "" {
		q.Set("details", d)
	}
	if w := e.Where(); w != "" {
		q.Set("location", w)
	}
	if e.Recur != nil {
		q.Set("recur", "RRULE:"+e.Recur.String())
	}
	return "https://calendar.google.com/calendar/render?" + q.Encode()
}

func (e *Event) outlookURL(base string) string {
	q := url.Values{"path": {"/calendar/action/compose"}, "rru": {"addevent"}, "subject": {e.Title},
		"startdt": {e.Start.UTC().Format(time.RFC3339)}, "enddt": {e.End.UTC().Format(time.RFC3339)}}
	if d := e.description(); d != "" {
		q.Set("body", d)
	}
	if w := e.Where(); w != "" {
		q.Set("location", w)
	}
	return base + "?" + q.Encode()
}

// HTML is a short paragraph with the links, every value escaped, for the
// end of an invitation's HTML part.
func (l Links) HTML() string {
	var cal []string
	for _, a := range [][2]string{{l.Google, "Google Calendar"}, {l.Outlook, "Outlook"}, {l.OutlookLive, "Outlook.com"}} {
		if a[0] != "" {
			cal = append(cal, anchor(a[0], a[1]))
		}
	}
	var b strings.Builder
	b.WriteString(`<p class="event-links">`)
	if len(cal) > 0 {
		b.WriteString("Add it to your calendar: " + strings.Join(cal, " · "))
	}
	if l.Map != "" {
		if len(cal) > 0 {
			b.WriteString("<br>")
		}
		b.WriteString("Directions: " + anchor(l.Map, "open the map"))
	}
	b.WriteString("</p>")
	return b.String()
}

func anchor(href, text string) string {
	return `<a href="` + html.EscapeString(href) + `">` + html.EscapeString(text) + `</a>`
}
