package invite

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"
)

// transition is one change of a zone's UTC offset or name.
type transition struct {
	at       time.Time // the instant it happens
	from, to int       // UTC offsets before and after, in seconds
	name     string    // the abbreviation after ("EDT")
	dst      bool      // daylight saving time after
}

// wall is the transition's local time in the offset before it, as
// DTSTART of a STANDARD or DAYLIGHT observance is written (RFC 5545
// §3.6.5): "20261101T020000".
func (t transition) wall() time.Time { return t.at.Add(time.Duration(t.from) * time.Second).UTC() }

// vtimezone describes loc from the year before first to the year after
// last, from the zone rules Go ships (the IANA database). When the
// daylight and standard changes of every year in that span follow one
// yearly rule ("the second Sunday of March at 2:00"), they are written as
// that RRULE, the form Outlook and Google Calendar write and read best;
// otherwise each change is written with its own date, which is exact for
// every date the event can have.
func vtimezone(loc *time.Location, first, last time.Time) *ics.VTimezone {
	y0, y1 := first.In(loc).Year()-1, last.In(loc).Year()+1
	from := time.Date(y0, 1, 1, 0, 0, 0, 0, loc)
	until := time.Date(y1+1, 1, 1, 0, 0, 0, 0, loc)
	ts := transitions(from, until)
	tz := ics.NewTimezone(loc.String())
	tz.AddProperty(ics.ComponentProperty("X-LIC-LOCATION"), loc.String())
	if len(ts) == 0 {
		name, off := from.Zone()
		tz.Components = append(tz.Components, observance(transition{at: time.Unix(int64(-off), 0), from: off, to: off, name: name}, ""))
		return tz
	}
	daylight, standard := split(ts)
	dr, dok := yearlyRule(daylight, y0, y1)
	sr, sok := yearlyRule(standard, y0, y1)
	if dok && sok {
		tz.Components = append(tz.Components, observance(daylight[0], dr), observance(standard[0], sr))
		return tz
	}
	for _, t := range ts {
		tz.Components = append(tz.Components, observance(t, ""))
	}
	return tz
}

// transitions lists the zone's changes in [from, until).
func transitions(from, until time.Time) []transition {
	var out []transition
	t := from
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(until) {
			return out
		}
		_, off := t.Zone()
		name, to := end.Zone()
		if off != to || t.IsDST() != end.IsDST() {
			out = append(out, transition{at: end, from: off, to: to, name: name, dst: end.IsDST()})
		}
		t = end
	}
}

func split(ts []transition) (daylight, standard []transition) {
	for _, t := range ts {
		if t.dst {
			daylight = append(daylight, t)
		} else {
			standard = append(standard, t)
		}
	}
	return daylight, standard
}

// yearlyRule finds the one RRULE that gives exactly these changes, one in
// each year from y0 to y1, at the same local time with the same offsets.
func yearlyRule(ts []transition, y0, y1 int) (string, bool) {
	if len(ts) != y1-y0+1 {
		return "", false
	}
	first := ts[0]
	nth, last := true, true
	for i, t := range ts {
		w, f := t.wall(), first.wall()
		if w.Year() != y0+i || w.Month() != f.Month() || w.Weekday() != f.Weekday() ||
			w.Hour() != f.Hour() || w.Minute() != f.Minute() || t.from != first.from || t.to != first.to || t.name != first.name {
			return "", false
		}
		nth = nth && (w.Day()-1)/7 == (f.Day()-1)/7
		last = last && w.Day()+7 > daysInMonth(w)
	}
	w := first.wall()
	n := (w.Day()-1)/7 + 1
	switch {
	case last:
		n = -1
	case !nth:
		return "", false
	}
	return fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s", int(w.Month()), n, dayNames[w.Weekday()]), true
}

// observance is a STANDARD or DAYLIGHT sub-component.
func observance(t transition, rrule string) ics.Component {
	var cb ics.ComponentBase
	cb.AddProperty(ics.ComponentPropertyDtStart, t.wall().Format("20060102T150405"))
	cb.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(t.from))
	cb.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(t.to))
	cb.AddProperty(ics.ComponentProperty(ics.PropertyTzname), t.name)
	if rrule != "" {
		cb.AddProperty(ics.ComponentPropertyRrule, rrule)
	}
	if t.dst {
		return &ics.Daylight{ComponentBase: cb}
	}
	return &ics.Standard{ComponentBase: cb}
}

// utcOffset writes an offset as RFC 5545 §3.3.14 does: "-0500", "+0530",
// seconds only when there are any.
func utcOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}
