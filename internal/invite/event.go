package invite

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Event is one event people are invited to. Start and End are in Zone.
type Event struct {
	// UID names the event in every calendar it reaches; every message
	// about the event carries the same one (see UID).
	UID         string
	Title       string
	Start, End  time.Time
	Zone        *time.Location
	Place       string // "Maple Grove Library, Room B"; may be empty
	Address     string // the street address, for maps; may be empty
	URL         string // an online link; may be empty
	Description string // may hold line breaks
	Capacity    int    // how many may come; 0 is no limit
	Recur       *Recur // nil: it happens once
}

// UID derives an event's UID from what names it in rapport: the campaign,
// the invite step, the campaign's round ("" or a year, so a yearly
// meet-and-greet is a new event each year) and the organizer's address,
// whose domain makes it globally unique (RFC 5545 §3.8.4.7) and whose hash
// keeps two colleagues of one practice apart. It is the same on every
// render, so an update or a cancellation replaces the right entry.
func UID(campaign, step, round, organizer string) string {
	organizer = strings.ToLower(strings.TrimSpace(organizer))
	domain := "rapport.invalid"
	if at := strings.LastIndexByte(organizer, '@'); at >= 0 && at < len(organizer)-1 {
		domain = organizer[at+1:]
	}
	sum := sha256.Sum256([]byte(organizer))
	parts := []string{"rapport", campaign, step}
	if round != "" {
		parts = append(parts, round)
	}
	parts = append(parts, hex.EncodeToString(sum[:4]))
	return strings.Join(parts, ".") + "@" + domain
}

// Where is the event's place and street address on one line, as calendars
// show LOCATION; the online link when it has no place.
func (e *Event) Where() string {
	var parts []string
	for _, p := range []string{e.Place, e.Address} {
		if p = oneLine(p); p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 {
		return e.URL
	}
	return strings.Join(parts, ", ")
}

// Spec is an event as a person writes it in a campaign file.
type Spec struct {
	Title       string
	Start, End  string // local times: "2026-12-03 17:00" (a "T" may stand for the space)
	Timezone    string // IANA name; empty means the default zone
	Location    string // the place's name
	Address     string // its street address; line breaks become ", "
	URL         string
	Description string
	RRule       string
	Capacity    int
}

// FieldError is a problem with one field of a Spec; Field is the key as
// written in the file ("start", "rrule").
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// Event checks the spec and returns the event, with every problem found.
// def is the zone used when Timezone is empty. The UID is left empty: the
// caller knows the campaign and the organizer (see UID).
func (s Spec) Event(def *time.Location) (*Event, []*FieldError) {
	var errs []*FieldError
	bad := func(field, format string, args ...any) {
		errs = append(errs, &FieldError{field, fmt.Sprintf(format, args...)})
	}
	e := &Event{Title: strings.TrimSpace(s.Title), Place: strings.TrimSpace(s.Location),
		Address: oneLine(s.Address), URL: strings.TrimSpace(s.URL),
		Description: strings.TrimSpace(s.Description), Capacity: s.Capacity, Zone: def}
	if e.Zone == nil {
		e.Zone = time.Local
	}
	if e.Title == "" {
		bad("title", "the event needs a title, e.g. title = \"Meet & Greet for local therapists\"")
	}
	if s.Timezone != "" {
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil || s.Timezone == "Local" {
			bad("timezone", "%q is not a time zone (examples: America/Chicago, Europe/Berlin)", s.Timezone)
		} else {
			e.Zone = loc
		}
	}
	var err error
	if e.Start, err = ParseLocal(s.Start, e.Zone); err != nil {
		bad("start", "%v", err)
	}
	if e.End, err = ParseLocal(s.End, e.Zone); err != nil {
		bad("end", "%v", err)
	}
	if !e.Start.IsZero() && !e.End.IsZero() && !e.End.After(e.Start) {
		bad("end", "the event ends (%s) before it starts (%s)", e.End.Format("Mon Jan 2 15:04"), e.Start.Format("Mon Jan 2 15:04"))
	}
	if e.Place == "" && e.Address == "" && e.URL == "" {
		bad("location", "say where the event is: location (the place), address (its street address) or url (an online link)")
	}
	if e.URL != "" && !webURL(e.URL) {
		bad("url", "%q is not a web address starting with https:// or http://", e.URL)
	}
	if e.Capacity < 0 {
		bad("capacity", "%d: give the number of people who can come, or leave it out for no limit", e.Capacity)
	}
	for _, f := range [][2]string{{"title", e.Title}, {"location", e.Place}} {
		if strings.ContainsAny(f[1], "\x00\r\n") {
			bad(f[0], "keep it on one line")
		}
	}
	if strings.TrimSpace(s.RRule) != "" {
		if e.Recur, err = ParseRecur(s.RRule, e.Zone); err != nil {
			bad("rrule", "%v", err)
		} else if !e.Start.IsZero() {
			if err := e.Recur.Check(e.Start); err != nil {
				bad("rrule", "%v", err)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return e, nil
}

// localLayouts are the ways a local time may be written.
var localLayouts = []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"}

// ParseLocal reads a wall-clock time in loc. A time that does not exist
// that day (the hour skipped when clocks move forward) is an error rather
// than silently moved.
func ParseLocal(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, fmt.Errorf("missing; write a local time like \"2026-12-03 17:00\"")
	}
	for _, layout := range localLayouts {
		t, err := time.ParseInLocation(layout, s, loc)
		if err != nil {
			continue
		}
		w, _ := time.Parse(layout, s)
		if t.Hour() != w.Hour() || t.Minute() != w.Minute() || t.Day() != w.Day() {
			return time.Time{}, fmt.Errorf("%q does not exist in %s: the clocks move forward that night", s, loc)
		}
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a local time like \"2026-12-03 17:00\" (the zone goes in timezone)", s)
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && !strings.ContainsAny(s, " \t\r\n\x00")
}

// oneLine folds line breaks into ", " and trims.
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	return strings.Join(lines, ", ")
}
