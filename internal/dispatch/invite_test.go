package dispatch

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/emersion/go-message"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// meetWorld is newWorld with the meet-and-greet campaign armed instead of
// the intro.
func meetWorld(t *testing.T, emails ...string) *world {
	t.Helper()
	w := newWorld(t, emails...)
	w.camp = w.loadCampaign("testdata/campaigns/meet.toml")
	if err := w.st.SetCampaignState(context.Background(), w.camp.Name, store.CampaignActive); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) loadCampaign(path string) *campaign.Campaign {
	w.t.Helper()
	c, err := campaign.Load(path, campaign.Env{Location: w.clk.Now().Location(), Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// moveEvent rewrites the campaign file with another start and end and
// loads it again, as the daemon does on SIGHUP.
func (w *world) moveEvent(from, to string) {
	w.t.Helper()
	b, _ := os.ReadFile(w.camp.Path)
	path := filepath.Join(w.t.TempDir(), "meet.toml")
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), from, to)), 0o644); err != nil {
		w.t.Fatal(err)
	}
	w.camp = w.loadCampaign(path)
}

// sentCalendar is what one delivered invitation carries.
type sentCalendar struct {
	to, subject, html, contentType string
	cal                            *ics.Calendar
	attached                       bool
}

// calendars takes apart every message the server received since skip.
func (w *world) calendars(skip int) []sentCalendar {
	w.t.Helper()
	var out []sentCalendar
	for _, e := range w.srv.Received()[skip:] {
		m, err := message.Read(bytes.NewReader(e.Data))
		if err != nil {
			w.t.Fatal(err)
		}
		sc := sentCalendar{to: e.To[0], subject: m.Header.Get("Subject")}
		m.Walk(func(_ []int, p *message.Entity, _ error) error {
			ct, params, _ := p.Header.ContentType()
			if strings.HasPrefix(ct, "multipart/") {
				return nil // reading it would consume its parts
			}
			body, _ := io.ReadAll(p.Body)
			switch {
			case ct == "text/html":
				sc.html = string(body)
			case ct == "text/calendar":
				sc.contentType = ct + "; method=" + params["method"]
				if sc.cal, err = ics.ParseCalendar(bytes.NewReader(body)); err != nil {
					w.t.Fatalf("the calendar to %s does not parse: %v\n%s", e.To[0], err, body)
				}
			case ct == "application/ics":
				sc.attached = true
			}
			return nil
		})
		out = append(out, sc)
	}
	return out
}

func prop(cal *ics.Calendar, name ics.ComponentProperty) string {
	if p := cal.Events()[0].GetProperty(name); p != nil {
		return p.Value
	}
	return ""
}

func TestInvitationsGoThroughTheJournal(t *testing.T) {
	w := meetWorld(t, "a@clinic.test", "b@clinic.test")
	rep := w.tick()
	if rep.Sent != 2 {
		t.Fatalf("first tick: %+v", rep)
	}
	for _, sc := range w.calendars(0) {
		sd := w.send(sc.to, "invite")
		ev := sc.cal.Events()[0]
		atts := ev.Attendees()
		switch {
		case sc.contentType != "text/calendar; method=REQUEST" || !sc.attached:
			t.Errorf("%s: %s, attached %v", sc.to, sc.contentType, sc.attached)
		case len(atts) != 1 || atts[0].Email() != sc.to:
			t.Errorf("%s: attendees %v", sc.to, atts)
		case prop(sc.cal, ics.ComponentPropertyOrganizer) != "mailto:"+therapist:
			t.Errorf("%s: organizer %s", sc.to, prop(sc.cal, ics.ComponentPropertyOrganizer))
		case prop(sc.cal, ics.ComponentPropertyDtstamp) != sd.UpdatedAt.UTC().Format("20060102T150405Z"):
			t.Errorf("%s: DTSTAMP %s, claimed at %v", sc.to, prop(sc.cal, ics.ComponentPropertyDtstamp), sd.UpdatedAt)
		case prop(sc.cal, ics.ComponentPropertySequence) != "0":
			t.Errorf("%s: SEQUENCE %s", sc.to, prop(sc.cal, ics.ComponentPropertySequence))
		case !strings.Contains(sc.html, "calendar.google.com") || !strings.Contains(sc.html, "google.com/maps"):
			t.Errorf("%s: no calendar or map links in the HTML part", sc.to)
		case !strings.Contains(sc.subject, "Meet & Greet for Local Clinicians, Thursday, December 3"):
			t.Errorf("%s: subject %q", sc.to, sc.subject)
		}
	}
	ctx := context.Background()
	e, err := w.st.CalEventByKey(ctx, "meet", "invite", "")
	if err != nil || prop(w.calendars(0)[0].cal, ics.ComponentPropertyUniqueId) != e.UID {
		t.Fatalf("the event in the store: %+v %v", e, err)
	}
	rs, _ := w.st.RSVPs(ctx, e.ID)
	if len(rs) != 2 || rs[0].SentSequence != 0 || rs[0].Answered() {
		t.Errorf("the invitations in the store: %+v", rs)
	}
	if again := w.tick(); again.Sent != 0 {
		t.Errorf("a second tick sent again: %+v", again)
	}
}

func TestAMovedEventSendsOneUpdateToEveryoneWhoDidNotDecline(t *testing.T) {
	w := meetWorld(t, "yes@clinic.test", "no@clinic.test", "quiet@clinic.test")
	w.tick()
	ctx := context.Background()
	e, _ := w.st.CalEventByKey(ctx, "meet", "invite", "")
	for email, a := range map[string]contact.Answer{"yes@clinic.test": contact.Accepted, "no@clinic.test": contact.Declined} {
		c, _ := w.st.ContactByEmail(ctx, email)
		if _, err := w.st.SetAnswer(ctx, store.AnswerIn{EventID: e.ID, ContactID: c.ID, Answer: a}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	w.moveEvent(`"2026-12-03 17:00"`, `"2026-12-03 17:30"`)
	w.clk.Add(time.Hour)
	plan, _ := w.d.Plan(ctx, w.camp, w.clk.Now())
	var due []string
	for _, it := range plan {
		if it.Due {
			due = append(due, it.Contact.Email+" "+it.Step.ID)
		}
	}
	if strings.Join(due, ", ") != "yes@clinic.test invite~1, quiet@clinic.test invite~1" {
		t.Errorf("due after the move: %v", due)
	}
	rep := w.tick()
	if rep.Sent != 2 {
		t.Fatalf("the update tick: %+v", rep)
	}
	got := map[string]string{}
	for _, sc := range w.calendars(3) {
		got[sc.to] = prop(sc.cal, ics.ComponentPropertySequence) + " " + prop(sc.cal, ics.ComponentPropertyDtStart) + " " + sc.subject
		if prop(sc.cal, ics.ComponentPropertyUniqueId) != e.UID {
			t.Errorf("the update to %s names another event: %s, not %s", sc.to, prop(sc.cal, ics.ComponentPropertyUniqueId), e.UID)
		}
	}
	for _, who := range []string{"yes@clinic.test", "quiet@clinic.test"} {
		c, _ := w.st.ContactByEmail(ctx, who)
		if r, _ := w.st.ContactRSVP(ctx, e.ID, c.ID); r == nil || r.SentSequence != 1 {
			t.Errorf("%s holds revision %+v after the update", who, r)
		}
	}
	want := "1 20261203T173000 Updated: An invitation to Meet & Greet for Local Clinicians, Thursday, December 3"
	for _, to := range []string{"yes@clinic.test", "quiet@clinic.test"} {
		if got[to] != want {
			t.Errorf("%s got %q", to, got[to])
		}
	}
	if again := w.tick(); again.Sent != 0 {
		t.Errorf("the update went twice: %+v", again)
	}

	t.Run("a cancellation goes to the same two, with a higher sequence", func(t *testing.T) {
		if _, err := w.st.CancelEvent(ctx, e.ID); err != nil {
			t.Fatal(err)
		}
		if rep := w.tick(); rep.Sent != 2 {
			t.Fatalf("the cancel tick: %+v", rep)
		}
		for _, sc := range w.calendars(5) {
			if sc.contentType != "text/calendar; method=CANCEL" || prop(sc.cal, ics.ComponentPropertySequence) != "2" ||
				!strings.HasPrefix(sc.subject, "Cancelled: Meet & Greet") || sc.to == "no@clinic.test" {
				t.Errorf("the cancellation to %s: %s, SEQUENCE %s, %q", sc.to, sc.contentType,
					prop(sc.cal, ics.ComponentPropertySequence), sc.subject)
			}
		}
	})
}
