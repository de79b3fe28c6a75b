package schedule

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Cron is a cron schedule read in a time zone, computed on the wall clock so
// that a job at a local time runs exactly once on both daylight-saving change
// days. robfig/cron alone skips a 02:30 job on spring-forward day and runs a
// 01:30 job twice on fall-back day (LIBRARIES.md §5); here the schedule is
// evaluated in a zone without DST (the wall clock written as UTC) and mapped
// back: a wall time that does not exist moves forward to the first instant
// after the gap, and an hour that happens twice fires once.
type Cron struct {
	spec  string
	sched cron.Schedule
	loc   *time.Location
}

var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseCron parses a five-field cron expression (or a descriptor such as
// @daily) to be read in loc. A CRON_TZ= or TZ= prefix is refused: the zone
// comes from the campaign or [sending].timezone.
func ParseCron(spec string, loc *time.Location) (*Cron, error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "CRON_TZ=") || strings.HasPrefix(spec, "TZ=") {
		return nil, fmt.Errorf("schedule %q: set the zone with timezone = \"...\" instead of a TZ= prefix", spec)
	}
	if strings.HasPrefix(spec, "@every") {
		return nil, fmt.Errorf("schedule %q: @every is not supported; use a time of day, e.g. \"0 9 * * MON-FRI\"", spec)
	}
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %v (example: \"0 9 * * MON-FRI\" = weekdays at 9:00)", spec, err)
	}
	if loc == nil {
		loc = time.Local
	}
	return &Cron{spec: spec, sched: s, loc: loc}, nil
}

// String is the expression as written.
func (c *Cron) String() string { return c.spec }

// Location is the zone the schedule is read in.
func (c *Cron) Location() *time.Location { return c.loc }

// Next returns the first activation strictly after t.
func (c *Cron) Next(t time.Time) time.Time {
	from := wall(t.In(c.loc))
	for i := 0; i < 1000; i++ {
		w := c.sched.Next(from)
		if w.IsZero() {
			return time.Time{}
		}
		at := unwall(w, c.loc)
		if at.After(t) {
			return at
		}
		// The wall time maps to an instant not after t: the repeated hour
		// of a fall-back day, already run. Look past it.
		from = w
	}
	return time.Time{}
}

// Prev returns the last activation at or before t, looking back at most a
// year; zero if none. It tells the daemon what it missed while it was down.
func (c *Cron) Prev(t time.Time) time.Time {
	lo := t.AddDate(-1, 0, 0)
	var last time.Time
	// Walk forward from a day back, widening until something is found.
	for back := 24 * time.Hour; ; back *= 4 {
		start := t.Add(-back)
		if start.Before(lo) {
			start = lo
		}
		for n := c.Next(start.Add(-time.Nanosecond)); !n.IsZero() && !n.After(t); n = c.Next(n) {
			last = n
		}
		if !last.IsZero() || !start.After(lo) {
			return last
		}
	}
}

// wall writes t's local wall-clock reading as a UTC time.
func wall(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
}

// unwall reads a wall-clock time (written as UTC) in loc. An ambiguous
// fall-back time maps to its first occurrence. A time inside a
// spring-forward gap does not exist; it is read with the offset in force
// before the gap, which lands as far past the gap as it was into it (02:30
// becomes 03:30), as a person would expect.
func unwall(w time.Time, loc *time.Location) time.Time {
	at := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	if wall(at).Equal(w) {
		return at
	}
	_, before := at.Add(-12 * time.Hour).Zone()
	return w.Add(-time.Duration(before) * time.Second).In(loc)
}
