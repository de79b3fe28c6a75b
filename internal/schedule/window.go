package schedule

import (
	"fmt"
	"strings"
	"time"
)

// Window is when notes may go out, in local time: one or more spans of days
// and hours, e.g. "Mon-Fri 09:00-17:00" or "Mon-Thu 09:00-17:00, Fri 09:00-12:00".
// The zero Window is always open.
type Window struct {
	spans []span
	text  string
}

type span struct {
	days     [7]bool // indexed by time.Weekday
	from, to int     // minutes after midnight; to > from
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWindow parses a window. An empty string is the always-open window.
func ParseWindow(s string) (Window, error) {
	w := Window{text: strings.TrimSpace(s)}
	if w.text == "" {
		return w, nil
	}
	for part := range strings.SplitSeq(w.text, ",") {
		sp, err := parseSpan(strings.TrimSpace(part))
		if err != nil {
			return Window{}, fmt.Errorf("window %q: %w (example: \"Mon-Fri 09:00-17:00\")", s, err)
		}
		w.spans = append(w.spans, sp)
	}
	return w, nil
}

func parseSpan(s string) (span, error) {
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return span{}, fmt.Errorf("%q needs days and hours", s)
	}
	var sp span
	if err := parseDays(fields[0], &sp.days); err != nil {
		return span{}, err
	}
	from, to, ok := strings.Cut(fields[1], "-")
	if !ok {
		return span{}, fmt.Errorf("hours %q need a start and an end", fields[1])
	}
	var err error
	if sp.from, err = parseClock(from); err != nil {
		return span{}, err
	}
	if sp.to, err = parseClock(to); err != nil {
		return span{}, err
	}
	if sp.to <= sp.from {
		return span{}, fmt.Errorf("hours %q end before they start", fields[1])
	}
	return sp, nil
}

func parseDays(s string, days *[7]bool) error {
	for part := range strings.SplitSeq(strings.ToLower(s), "/") {
		a, b, isRange := strings.Cut(part, "-")
		da, ok := dayNames[trimDay(a)]
		if !ok {
			return fmt.Errorf("unknown day %q", a)
		}
		db := da
		if isRange {
			if db, ok = dayNames[trimDay(b)]; !ok {
				return fmt.Errorf("unknown day %q", b)
			}
		}
		for d := da; ; d = (d + 1) % 7 {
			days[d] = true
			if d == db {
				break
			}
		}
	}
	return nil
}

func trimDay(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 3 {
		s = s[:3]
	}
	return s
}

func parseClock(s string) (int, error) {
	var h, m int
	if _, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || h < 0 || h > 24 || m < 0 || m > 59 || (h == 24 && m != 0) {
		return 0, fmt.Errorf("%q is not a time of day like 09:00", s)
	}
	return h*60 + m, nil
}

// String is the window as written.
func (w Window) String() string {
	if w.text == "" {
		return "any time"
	}
	return w.text
}

// IsZero reports whether the window is always open.
func (w Window) IsZero() bool { return len(w.spans) == 0 }

// Contains reports whether t, read in its own location, is inside the window.
func (w Window) Contains(t time.Time) bool {
	if w.IsZero() {
		return true
	}
	min := t.Hour()*60 + t.Minute()
	for _, sp := range w.spans {
		if sp.days[t.Weekday()] && min >= sp.from && min < sp.to {
			return true
		}
	}
	return false
}

// Next returns the earliest time at or after t, in t's location, that is
// inside the window and not on a holiday. It returns the zero time when
// there is none within the next 400 days (a window that never opens).
func (w Window) Next(t time.Time, h Holidays) time.Time {
	for day := 0; day < 400; day++ {
		d := time.Date(t.Year(), t.Month(), t.Day()+day, 0, 0, 0, 0, t.Location())
		if h.Has(d) {
			continue
		}
		if at, ok := w.firstOn(d, t); ok {
			return at
		}
	}
	return time.Time{}
}

// firstOn is the first open minute on day d that is not before t.
func (w Window) firstOn(d, t time.Time) (time.Time, bool) {
	if w.IsZero() {
		if d.Before(t) {
			return t, true
		}
		return d, true
	}
	var best time.Time
	for _, sp := range w.spans {
		if !sp.days[d.Weekday()] {
			continue
		}
		start := time.Date(d.Year(), d.Month(), d.Day(), 0, sp.from, 0, 0, d.Location())
		end := time.Date(d.Year(), d.Month(), d.Day(), 0, sp.to, 0, 0, d.Location())
		if !end.After(t) {
			continue
		}
		if start.Before(t) {
			start = t
		}
		if best.IsZero() || start.Before(best) {
			best = start
		}
	}
	return best, !best.IsZero()
}

// Holidays are whole days on which nothing is sent, as "2006-01-02" dates.
type Holidays map[string]bool

// ParseHolidays parses dates written YYYY-MM-DD.
func ParseHolidays(dates []string) (Holidays, error) {
	h := Holidays{}
	for _, d := range dates {
		t, err := time.Parse("2006-01-02", strings.TrimSpace(d))
		if err != nil {
			return nil, fmt.Errorf("holiday %q is not a date like 2026-12-25", d)
		}
		h[t.Format("2006-01-02")] = true
	}
	return h, nil
}

// Has reports whether t's local date is a holiday.
func (h Holidays) Has(t time.Time) bool { return h[t.Format("2006-01-02")] }
