package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Delay is how long a step waits after the previous one: calendar days,
// weeks, hours, or business days (Monday to Friday, holidays skipped).
type Delay struct {
	N        int
	Unit     string // "hour", "day", "week", "business day"
	Business bool
}

// ParseDelay reads "10d", "2w", "36h", "10 days", "5 business days".
func ParseDelay(s string) (Delay, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" || t == "0" {
		return Delay{}, nil
	}
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	i := len(num)
	for i > 0 && t[i-1] >= '0' && t[i-1] <= '9' {
		i--
	}
	n, err := strconv.Atoi(t[i:len(num)])
	if err != nil || i != 0 || n < 0 {
		return Delay{}, delayErr(s)
	}
	unit := strings.TrimSpace(t[len(num):])
	switch unit {
	case "h", "hour", "hours":
		return Delay{N: n, Unit: "hour"}, nil
	case "d", "day", "days":
		return Delay{N: n, Unit: "day"}, nil
	case "w", "week", "weeks":
		return Delay{N: n, Unit: "week"}, nil
	case "bd", "business day", "business days", "workday", "workdays", "weekday", "weekdays":
		return Delay{N: n, Unit: "business day", Business: true}, nil
	}
	return Delay{}, delayErr(s)
}

func delayErr(s string) error {
	return fmt.Errorf("%q is not a delay (examples: \"10d\", \"2w\", \"5 business days\")", s)
}

// IsZero reports whether the delay is none at all.
func (d Delay) IsZero() bool { return d.N == 0 }

// String writes the delay for people.
func (d Delay) String() string {
	if d.N == 1 {
		return "1 " + d.Unit
	}
	return fmt.Sprintf("%d %ss", d.N, d.Unit)
}

// After returns t plus the delay, counted in t's location (a day is a
// calendar day, even across a DST change). Business days skip Saturdays,
// Sundays and holidays.
func (d Delay) After(t time.Time, h Holidays) time.Time {
	switch d.Unit {
	case "hour":
		return t.Add(time.Duration(d.N) * time.Hour)
	case "day":
		return t.AddDate(0, 0, d.N)
	case "week":
		return t.AddDate(0, 0, 7*d.N)
	case "business day":
		for n := d.N; n > 0; {
			t = t.AddDate(0, 0, 1)
			if t.Weekday() != time.Saturday && t.Weekday() != time.Sunday && !h.Has(t) {
				n--
			}
		}
	}
	return t
}
