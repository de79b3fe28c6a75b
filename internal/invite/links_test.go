package invite

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLinksForPeopleWithoutInvitationButtons(t *testing.T) {
	e := meetAndGreet(t)
	l := e.Links()
	g := query(t, l.Google, "calendar.google.com")
	want := map[string]string{"action": "TEMPLATE", "text": e.Title, "dates": "20261203T170000/20261203T183000",
		"ctz": "America/Chicago", "location": e.Where(), "details": e.Description}
	for k, v := range want {
		if g.Get(k) != v {
			t.Errorf("Google %s = %q, want %q", k, g.Get(k), v)
		}
	}
	for _, link := range []string{l.Outlook, l.OutlookLive} {
		o := query(t, link, "outlook.")
		if o.Get("rru") != "addevent" || o.Get("subject") != e.Title || o.Get("startdt") != "2026-12-03T23:00:00Z" ||
			o.Get("enddt") != "2026-12-04T00:30:00Z" || o.Get("location") != e.Where() {
			t.Errorf("Outlook link %s", link)
		}
	}
	m := query(t, l.Map, "www.google.com")
	if m.Get("query") != "410 Elm Street, Springfield, IL 62704" || m.Get("api") != "1" {
		t.Errorf("map link %s", l.Map)
	}
	t.Run("nothing about the recipient and no tracking", func(t *testing.T) {
		for _, link := range []string{l.Google, l.Outlook, l.OutlookLive, l.Map} {
			for _, bad := range []string{"utm_", "@", "aoneil", "whitfieldcounseling"} {
				if strings.Contains(link, bad) {
					t.Errorf("%s contains %q", link, bad)
				}
			}
		}
	})
	t.Run("the HTML is escaped", func(t *testing.T) {
		h := l.HTML()
		if strings.Contains(h, "&text=") || !strings.Contains(h, "&amp;text=") || !strings.Contains(h, ">Google Calendar</a>") ||
			!strings.Contains(h, ">open the map</a>") {
			t.Errorf("HTML: %s", h)
		}
	})
	t.Run("a repeating group: Google takes the rule, Outlook's page cannot", func(t *testing.T) {
		chi, _ := time.LoadLocation("America/Chicago")
		g, errs := Spec{Title: "Consultation group", Start: "2027-01-14 19:00", End: "2027-01-14 20:30",
			Location: "Rotating", RRule: "FREQ=MONTHLY;BYDAY=2TH"}.Event(chi)
		if errs != nil {
			t.Fatal(errs)
		}
		gl := g.Links()
		if query(t, gl.Google, "calendar.google.com").Get("recur") != "RRULE:FREQ=MONTHLY;BYDAY=2TH" || gl.Outlook != "" || gl.OutlookLive != "" || gl.Map != "" {
			t.Errorf("%+v", gl)
		}
		if h := gl.HTML(); strings.Contains(h, "Outlook") || strings.Contains(h, "map") {
			t.Errorf("HTML: %s", h)
		}
	})
}

func query(t *testing.T, link, host string) url.Values {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "https" || !strings.HasPrefix(u.Host, host) {
		t.Fatalf("%q: %v", link, err)
	}
	return u.Query()
}
