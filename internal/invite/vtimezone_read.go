package invite

import (
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"
)

// onsetRule is one STANDARD or DAYLIGHT observance of a VTIMEZONE.
type onsetRule struct {
	start    time.Time // DTSTART, a wall time (kept in UTC as a plain date and clock)
	to       int       // TZOFFSETTO, seconds
	month    int       // the yearly rule's BYMONTH; 0 when it has no simple rule
	day      WeekdayNum
	until    time.Time // the rule's UNTIL, zero if none
	repeated bool
}

// readZone turns a calendar's VTIMEZONE for tzid into a location, so a
// time written with a Windows zone name ("Central Standard Time", as
// Outlook writes) is still read right. It knows the yearly rules every
// calendar program writes (BYMONTH with one BYDAY such as 2SU or -1SU).
func readZone(cal *ics.Calendar, tzid string) (func(wall time.Time) time.Time, bool) {
	for _, tz := range cal.Timezones() {
		p := tz.GetProperty(ics.ComponentPropertyTzid)
		if p == nil || !strings.EqualFold(strings.TrimSpace(p.Value), tzid) {
			continue
		}
		var rules []onsetRule
		for _, sub := range tz.SubComponents() {
			if r, ok := readOnset(sub); ok {
				rules = append(rules, r)
			}
		}
		if len(rules) == 0 {
			return nil, false
		}
		return func(wall time.Time) time.Time {
			return wall.Add(-time.Duration(offsetAt(rules, wall)) * time.Second)
		}, true
	}
	return nil, false
}

func readOnset(c ics.Component) (onsetRule, bool) {
	var cb *ics.ComponentBase
	switch o := c.(type) {
	case *ics.Standard:
		cb = &o.ComponentBase
	case *ics.Daylight:
		cb = &o.ComponentBase
	default:
		return onsetRule{}, false
	}
	var r onsetRule
	var err error
	start, to := cb.GetProperty(ics.ComponentPropertyDtStart), cb.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto))
	if start == nil || to == nil {
		return r, false
	}
	if r.start, err = time.Parse("20060102T150405", strings.TrimSpace(start.Value)); err != nil {
		return r, false
	}
	if r.to, err = parseOffset(to.Value); err != nil {
		return r, false
	}
	if rr := cb.GetProperty(ics.ComponentPropertyRrule); rr != nil {
		if rec, err := ParseRecur(rr.Value, time.UTC); err == nil && rec.Freq == "YEARLY" && len(rec.ByMonth) == 1 && len(rec.ByDay) == 1 {
			r.month, r.day, r.until, r.repeated = rec.ByMonth[0], rec.ByDay[0], rec.Until, true
		}
	}
	return r, true
}

// offsetAt is the offset in force at a wall time: that of the observance
// whose latest onset at or before it is the latest of all.
func offsetAt(rules []onsetRule, wall time.Time) int {
	var best time.Time
	off := rules[0].to
	for _, r := range rules {
		if on, ok := r.lastOnset(wall); ok && on.After(best) {
			best, off = on, r.to
		}
	}
	return off
}

func (r onsetRule) lastOnset(wall time.Time) (time.Time, bool) {
	if !r.repeated {
		return r.start, !r.start.After(wall)
	}
	for y := wall.Year(); y >= wall.Year()-1; y-- {
		on, ok := nthWeekday(y, time.Month(r.month), r.day)
		if !ok {
			continue
		}
		on = on.Add(time.Duration(r.start.Hour())*time.Hour + time.Duration(r.start.Minute())*time.Minute)
		if !on.After(wall) && !on.Before(r.start) && (r.until.IsZero() || !on.After(r.until)) {
			return on, true
		}
	}
	return r.start, !r.start.After(wall)
}

// nthWeekday is the date of the n-th (from the end when negative) weekday
// of a month.
func nthWeekday(year int, month time.Month, d WeekdayNum) (time.Time, bool) {
	first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	if d.N > 0 {
		t := first.AddDate(0, 0, int((d.Day-first.Weekday()+7)%7)+7*(d.N-1))
		return t, t.Month() == month
	}
	last := first.AddDate(0, 1, -1)
	t := last.AddDate(0, 0, -int((last.Weekday()-d.Day+7)%7)+7*(d.N+1))
	return t, t.Month() == month
}

// parseOffset reads a UTC-OFFSET: "-0500", "+0530", "+013045".
func parseOffset(v string) (int, error) {
	v = strings.TrimSpace(v)
	if len(v) != 5 && len(v) != 7 || (v[0] != '+' && v[0] != '-') {
		return 0, strconv.ErrSyntax
	}
	n := 0
	for i, unit := range []int{3600, 60, 1} {
		if 1+2*i+2 > len(v) {
			break
		}
		x, err := strconv.Atoi(v[1+2*i : 3+2*i])
		if err != nil {
			return 0, err
		}
		n += x * unit
	}
	if v[0] == '-' {
		n = -n
	}
	return n, nil
}
