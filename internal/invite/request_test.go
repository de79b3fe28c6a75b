package invite

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	organizer = Person{Name: "Dana Whitfield, LCSW", Email: "dana@whitfieldcounseling.test"}
	stamp     = time.Date(2026, 11, 2, 15, 4, 5, 0, time.UTC)
)

// meetAndGreet is the December meet-and-greet of the user story.
func meetAndGreet(t testing.TB) *Event {
	t.Helper()
	chi, _ := time.LoadLocation("America/Chicago")
	e, errs := Spec{
		Title: "Meet & Greet for Local Clinicians", Start: "2026-12-03 17:00", End: "2026-12-03 18:30",
		Location: "Maple Grove Library, Room B", Address: "410 Elm Street\nSpringfield, IL 62704",
		Description: "Coffee, cookies; a short round of introductions.\nBring a few cards — and a colleague!\n" +
			`Parking is behind the library (lot "C"), entrance on Oak St.\Side door.`,
	}.Event(chi)
	if errs != nil {
		t.Fatal(errs)
	}
	e.UID = UID("meet-greet", "invite", "", organizer.Email)
	return e
}

func guest() Person {
	return Person{Name: `Dr. Amara "Mara" O'Neil-Søndergaard: Pediatrics; Lakeside`, Email: "aoneil@lakesidepeds.test"}
}

func TestRequestIsTheGoldenInvitation(t *testing.T) {
	got, err := Invitation{Event: meetAndGreet(t), Organizer: organizer, Attendee: guest(), Stamp: stamp}.Request()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/request.golden.ics", got)
}

func TestRequestRoundTrip(t *testing.T) {
	e := meetAndGreet(t)
	raw, err := Invitation{Event: e, Organizer: organizer, Attendee: guest(), Sequence: 3, Stamp: stamp}.Request()
	if err != nil {
		t.Fatal(err)
	}
	checkFolding(t, raw)
	cal, ev := parseOne(t, raw)
	if m := method(cal); m != "REQUEST" {
		t.Errorf("METHOD = %q", m)
	}
	text := map[ics.ComponentProperty]string{
		ics.ComponentPropertyUniqueId:    e.UID,
		ics.ComponentPropertySummary:     e.Title,
		ics.ComponentPropertyLocation:    "Maple Grove Library, Room B, 410 Elm Street, Springfield, IL 62704",
		ics.ComponentPropertyDescription: e.Description,
		ics.ComponentPropertySequence:    "3",
		ics.ComponentPropertyDtstamp:     "20261102T150405Z",
		ics.ComponentPropertyDtStart:     "20261203T170000",
		ics.ComponentPropertyDtEnd:       "20261203T183000",
		ics.ComponentPropertyStatus:      "CONFIRMED",
	}
	for prop, want := range text {
		if p := ev.GetProperty(prop); p == nil || p.Value != want {
			t.Errorf("%s = %+v, want %q", prop, p, want)
		}
	}
	if tz := ev.GetProperty(ics.ComponentPropertyDtStart).ICalParameters["TZID"]; len(tz) != 1 || tz[0] != "America/Chicago" {
		t.Errorf("DTSTART TZID = %v", tz)
	}
	org := ev.GetProperty(ics.ComponentPropertyOrganizer)
	if org.Value != "mailto:"+organizer.Email || org.ICalParameters["CN"][0] != organizer.Name {
		t.Errorf("ORGANIZER = %+v: the name with its comma must come back whole", org)
	}
	as := ev.Attendees()
	if len(as) != 1 {
		t.Fatalf("%d attendees, want exactly the one invited", len(as))
	}
	a := as[0]
	want := map[string]string{"CN": `Dr. Amara 'Mara' O'Neil-Søndergaard: Pediatrics; Lakeside`, "RSVP": "TRUE",
		"PARTSTAT": "NEEDS-ACTION", "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL"}
	for k, v := range want {
		if got := a.ICalParameters[k]; len(got) != 1 || got[0] != v {
			t.Errorf("ATTENDEE %s = %q, want %q", k, got, v)
		}
	}
	if a.Email() != "aoneil@lakesidepeds.test" {
		t.Errorf("ATTENDEE = %q", a.Value)
	}
}

func TestEscapingInTheWire(t *testing.T) {
	raw, _ := Invitation{Event: meetAndGreet(t), Organizer: organizer, Attendee: guest(), Stamp: stamp}.Request()
	unfolded := strings.ReplaceAll(string(raw), "\r\n ", "")
	for _, want := range []string{
		`SUMMARY:Meet & Greet for Local Clinicians`,
		`LOCATION:Maple Grove Library\, Room B\, 410 Elm Street\, Springfield\, IL 62704`,
		`DESCRIPTION:Coffee\, cookies\; a short round of introductions.\nBring a few cards — and a colleague!\nParking is behind the library (lot "C")\, entrance on Oak St.\\Side door.`,
		`ORGANIZER;CN="Dana Whitfield, LCSW":mailto:dana@whitfieldcounseling.test`,
		`CN="Dr. Amara 'Mara' O'Neil-Søndergaard: Pediatrics; Lakeside"`,
	} {
		if !strings.Contains(unfolded, want+"\r\n") && !strings.Contains(unfolded, want+";") {
			t.Errorf("missing %s in\n%s", want, unfolded)
		}
	}
}

func TestUIDStableAndSequenceRaised(t *testing.T) {
	e := meetAndGreet(t)
	first, _ := Invitation{Event: e, Organizer: organizer, Attendee: guest(), Stamp: stamp}.Request()
	again, _ := Invitation{Event: meetAndGreet(t), Organizer: organizer, Attendee: guest(), Stamp: stamp}.Request()
	if !bytes.Equal(first, again) {
		t.Error("rendering the same invitation twice gave different bytes")
	}
	other, _ := Invitation{Event: e, Organizer: organizer, Attendee: Person{Email: "office@stjude.test"}, Stamp: stamp}.Request()
	if uidOf(t, first) != uidOf(t, other) || uidOf(t, first) != e.UID {
		t.Error("two guests of one event got different UIDs")
	}
	if UID("meet-greet", "invite", "2027", organizer.Email) == e.UID {
		t.Error("next year's meet-and-greet has this year's UID")
	}
	if UID("meet-greet", "invite", "", "colleague@whitfieldcounseling.test") == e.UID {
		t.Error("a colleague of the same practice gets the same UID")
	}

	moved := *e
	moved.Start, moved.End = e.Start.Add(time.Hour), e.End.Add(time.Hour)
	upd, _ := Invitation{Event: &moved, Organizer: organizer, Attendee: guest(), Sequence: 1, Stamp: stamp.Add(24 * time.Hour)}.Request()
	_, ev := parseOne(t, upd)
	if ev.Id() != e.UID || ev.GetProperty(ics.ComponentPropertySequence).Value != "1" ||
		ev.GetProperty(ics.ComponentPropertyDtStart).Value != "20261203T180000" {
		t.Errorf("the update: UID %s, SEQUENCE %s, DTSTART %s", ev.Id(), ev.GetProperty(ics.ComponentPropertySequence).Value,
			ev.GetProperty(ics.ComponentPropertyDtStart).Value)
	}

	cancel, err := Invitation{Event: &moved, Organizer: organizer, Attendee: guest(), Sequence: 2, Stamp: stamp.Add(48 * time.Hour)}.Cancel()
	if err != nil {
		t.Fatal(err)
	}
	checkFolding(t, cancel)
	cal, ev := parseOne(t, cancel)
	if method(cal) != "CANCEL" || ev.GetProperty(ics.ComponentPropertyStatus).Value != "CANCELLED" ||
		ev.GetProperty(ics.ComponentPropertySequence).Value != "2" || ev.Id() != e.UID {
		t.Errorf("the cancellation:\n%s", cancel)
	}
	if ps := ev.Attendees()[0].ICalParameters["RSVP"]; ps != nil {
		t.Error("a cancellation asks for no answer")
	}
}

func TestRepeatingGroupCarriesItsRule(t *testing.T) {
	chi, _ := time.LoadLocation("America/Chicago")
	e, errs := Spec{Title: "Consultation group", Start: "2027-01-14 19:00", End: "2027-01-14 20:30",
		Location: "Rotating: see the note", RRule: "freq=monthly;byday=2th;until=20271231"}.Event(chi)
	if errs != nil {
		t.Fatal(errs)
	}
	e.UID = UID("consult-group", "invite", "", organizer.Email)
	raw, err := Invitation{Event: e, Organizer: organizer, Attendee: guest(), Stamp: stamp}.Request()
	if err != nil {
		t.Fatal(err)
	}
	_, ev := parseOne(t, raw)
	if got := ev.GetProperty(ics.ComponentPropertyRrule).Value; got != "FREQ=MONTHLY;UNTIL=20280101T055959Z;BYDAY=2TH" {
		t.Errorf("RRULE = %q", got)
	}
}

func TestEventInUTCHasNoTimezone(t *testing.T) {
	e, errs := Spec{Title: "Online round table", Start: "2026-12-10 15:00", End: "2026-12-10 16:00",
		Timezone: "UTC", URL: "https://meet.example/abc-defg"}.Event(nil)
	if errs != nil {
		t.Fatal(errs)
	}
	e.UID = "x@y.test"
	raw, _ := Invitation{Event: e, Organizer: organizer, Attendee: guest(), Stamp: stamp}.Request()
	if bytes.Contains(raw, []byte("VTIMEZONE")) || !bytes.Contains(raw, []byte("DTSTART:20261210T150000Z\r\n")) {
		t.Errorf("a UTC event:\n%s", raw)
	}
	if !bytes.Contains(raw, []byte("LOCATION:https://meet.example/abc-defg")) {
		t.Error("an online event's link is its location")
	}
}

func TestRequestRefusesWhatCannotBeSent(t *testing.T) {
	e := meetAndGreet(t)
	cases := map[string]Invitation{
		"no UID":                  {Event: &Event{Title: "x", Start: e.Start, End: e.End, Zone: e.Zone}, Organizer: organizer, Attendee: guest(), Stamp: stamp},
		"an injected attendee":    {Event: e, Organizer: organizer, Attendee: Person{Email: "a@b.test\r\nATTENDEE:mailto:c@d.test"}, Stamp: stamp},
		"an attendee with a name": {Event: e, Organizer: organizer, Attendee: Person{Email: "Lee <lee@b.test>"}, Stamp: stamp},
		"no organizer":            {Event: e, Attendee: guest(), Stamp: stamp},
		"no stamp":                {Event: e, Organizer: organizer, Attendee: guest()},
		"no event":                {Organizer: organizer, Attendee: guest(), Stamp: stamp},
	}
	for story, inv := range cases {
		t.Run(story, func(t *testing.T) {
			if _, err := inv.Request(); !errors.Is(err, ErrInvalid) {
				t.Errorf("err = %v", err)
			}
		})
	}
	t.Run("line breaks in a name never start a new property", func(t *testing.T) {
		raw, err := Invitation{Event: e, Organizer: organizer, Stamp: stamp,
			Attendee: Person{Name: "Lee\r\nATTENDEE:mailto:evil@x.test", Email: "lee@b.test"}}.Request()
		if err != nil {
			t.Fatal(err)
		}
		if _, ev := parseOne(t, raw); len(ev.Attendees()) != 1 {
			t.Errorf("%d attendees", len(ev.Attendees()))
		}
	})
}

// checkFolding asserts RFC 5545 §3.1: CRLF line ends, at most 75 octets a
// line, continuation lines starting with a space, no UTF-8 sequence split.
func checkFolding(t *testing.T, raw []byte) {
	t.Helper()
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		t.Error("does not end with CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n")
	folded := 0
	for i, l := range lines {
		if len(l) > 75 {
			t.Errorf("line %d is %d octets: %q", i+1, len(l), l)
		}
		if strings.ContainsAny(l, "\r\n") {
			t.Errorf("line %d has a bare CR or LF", i+1)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line %d splits a UTF-8 sequence: %q", i+1, l)
		}
		if strings.HasPrefix(l, " ") {
			folded++
		}
	}
	if folded == 0 {
		t.Error("nothing was folded; the test needs a long line")
	}
}

func parseOne(t *testing.T, raw []byte) (*ics.Calendar, *ics.VEvent) {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%v in\n%s", err, raw)
	}
	evs := cal.Events()
	if len(evs) != 1 {
		t.Fatalf("%d events", len(evs))
	}
	return cal, evs[0]
}

func uidOf(t *testing.T, raw []byte) string {
	_, ev := parseOne(t, raw)
	return ev.Id()
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}
