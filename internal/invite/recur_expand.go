package invite

import (
	"fmt"
	"slices"
	"time"
)

// maxYears bounds the search for a rule's dates, so that a rule that never
// matches (BYMONTH=2;BYMONTHDAY=30) ends.
const maxYears = 100

// Check reports a rule that does not fit the event's start. The start must
// be one of the dates the rule gives: RFC 5545 §3.8.5.3 leaves the set
// undefined otherwise, and calendars disagree on it, so a start on a
// Wednesday under BYDAY=2TH would put the group on different days for
// different people.
func (r *Recur) Check(start time.Time) error {
	if !r.Until.IsZero() && r.Until.Before(start) {
		return fmt.Errorf("UNTIL (%s) is before the first meeting (%s)", r.Until.In(start.Location()).Format("Jan 2, 2006"), start.Format("Jan 2, 2006"))
	}
	var first time.Time
	r.each(start, func(t time.Time) bool { first = t; return false })
	switch {
	case first.IsZero():
		return fmt.Errorf("the rule never gives a date after %s", start.Format("Jan 2, 2006"))
	case !first.Equal(start):
		return fmt.Errorf("the start, %s, is not one of the rule's dates; the first is %s: move start there or change the rule",
			start.Format("Mon Jan 2, 2006"), first.Format("Mon Jan 2, 2006"))
	}
	return nil
}

// Next is the first meeting that starts after t: the start itself, or for
// a repeating event the next date its rule gives. ok is false when the
// event is over.
func (e *Event) Next(t time.Time) (start time.Time, ok bool) {
	if e.Recur == nil {
		return e.Start, e.Start.After(t)
	}
	e.Recur.each(e.Start, func(s time.Time) bool {
		if s.After(t) {
			start, ok = s, true
			return false
		}
		return true
	})
	return start, ok
}

// lastStart is the last meeting's start, or the start of the meeting
// about limit years on for a rule without end.
func (e *Event) lastStart(limit int) time.Time {
	last := e.Start
	if e.Recur != nil {
		stop := e.Start.AddDate(limit, 0, 0)
		e.Recur.each(e.Start, func(s time.Time) bool {
			last = s
			return s.Before(stop)
		})
	}
	return last
}

// each calls f with every start the rule gives from first on, in order,
// until f returns false or the rule ends. Each start has first's time of
// day in first's zone, so a 7 pm group stays at 7 pm across DST changes.
func (r *Recur) each(first time.Time, f func(time.Time) bool) {
	loc := first.Location()
	hh, mm, ss := first.Clock()
	d0 := dateOf(first)
	limit := d0.AddDate(maxYears, 0, 0)
	e := r.withDefaults(d0)
	n := 0
	for p := e.periodStart(d0); !p.After(limit); p = e.nextPeriod(p) {
		for _, d := range e.daysIn(p) {
			if d.Before(d0) {
				continue
			}
			t := time.Date(d.Year(), d.Month(), d.Day(), hh, mm, ss, 0, loc)
			if !r.Until.IsZero() && t.After(r.Until) {
				return
			}
			n++
			if !f(t) || (r.Count > 0 && n >= r.Count) {
				return
			}
		}
	}
}

// withDefaults fills what the rule leaves to the start (RFC 5545
// §3.3.10: "derived from the Start Time"): a weekly rule meets on the
// start's weekday, a monthly one on its day of the month, a yearly one on
// its date.
func (r *Recur) withDefaults(d0 time.Time) Recur {
	e := *r
	dayLevel := len(r.ByDay)+len(r.ByMonthDay)+len(r.ByYearDay) > 0
	switch {
	case r.Freq == "WEEKLY" && len(r.ByDay) == 0:
		e.ByDay = []WeekdayNum{{Day: d0.Weekday()}}
	case r.Freq == "MONTHLY" && !dayLevel:
		e.ByMonthDay = []int{d0.Day()}
	case r.Freq == "YEARLY" && !dayLevel && len(r.ByWeekNo) > 0:
		e.ByDay = []WeekdayNum{{Day: d0.Weekday()}}
	case r.Freq == "YEARLY" && !dayLevel:
		e.ByMonthDay = []int{d0.Day()}
		if len(r.ByMonth) == 0 {
			e.ByMonth = []int{int(d0.Month())}
		}
	}
	return e
}

func (r *Recur) periodStart(d time.Time) time.Time {
	switch r.Freq {
	case "WEEKLY":
		return d.AddDate(0, 0, -int((d.Weekday()-r.WeekStart+7)%7))
	case "MONTHLY":
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "YEARLY":
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

func (r *Recur) nextPeriod(p time.Time) time.Time { return r.advance(p, r.Interval) }

func (r *Recur) advance(p time.Time, n int) time.Time {
	switch r.Freq {
	case "WEEKLY":
		return p.AddDate(0, 0, 7*n)
	case "MONTHLY":
		return p.AddDate(0, n, 0)
	case "YEARLY":
		return p.AddDate(n, 0, 0)
	}
	return p.AddDate(0, 0, n)
}

// daysIn lists the period's matching days in order, BYSETPOS applied.
func (r *Recur) daysIn(p time.Time) []time.Time {
	end := r.advance(p, 1)
	var days []time.Time
	for d := p; d.Before(end); d = d.AddDate(0, 0, 1) {
		if r.match(d) {
			days = append(days, d)
		}
	}
	if len(r.BySetPos) == 0 {
		return days
	}
	var out []time.Time
	for i, d := range days {
		if containsPos(r.BySetPos, i+1, len(days)) {
			out = append(out, d)
		}
	}
	return out
}

func (r *Recur) match(d time.Time) bool {
	if len(r.ByWeekNo) > 0 {
		if w, weeks := weekNo(d, r.WeekStart); !containsPos(r.ByWeekNo, w, weeks) {
			return false
		}
	}
	switch {
	case len(r.ByMonth) > 0 && !slices.Contains(r.ByMonth, int(d.Month())):
		return false
	case len(r.ByYearDay) > 0 && !containsPos(r.ByYearDay, d.YearDay(), daysInYear(d.Year())):
		return false
	case len(r.ByMonthDay) > 0 && !containsPos(r.ByMonthDay, d.Day(), daysInMonth(d)):
		return false
	}
	return len(r.ByDay) == 0 || slices.ContainsFunc(r.ByDay, func(w WeekdayNum) bool { return r.dayMatches(w, d) })
}

// dayMatches applies one BYDAY entry: a numbered weekday counts within
// the month for monthly rules and yearly rules with BYMONTH, else within
// the year.
func (r *Recur) dayMatches(w WeekdayNum, d time.Time) bool {
	if d.Weekday() != w.Day {
		return false
	}
	if w.N == 0 {
		return true
	}
	pos, total := d.Day(), daysInMonth(d)
	if r.Freq == "YEARLY" && len(r.ByMonth) == 0 {
		pos, total = d.YearDay(), daysInYear(d.Year())
	}
	if w.N > 0 {
		return (pos-1)/7+1 == w.N
	}
	return (total-pos)/7+1 == -w.N
}

// containsPos reports whether position n of total is in list, where a
// negative entry counts from the end (-1 is the last).
func containsPos(list []int, n, total int) bool {
	for _, v := range list {
		if v == n || (v < 0 && total+v+1 == n) {
			return true
		}
	}
	return false
}

// weekNo is d's week of its year, week 1 being the first with at least
// four days of the year (RFC 5545 §3.3.10, ISO 8601), and the number of
// weeks in that year.
func weekNo(d time.Time, wkst time.Weekday) (int, int) {
	y := d.Year()
	start := week1(y, wkst)
	switch {
	case d.Before(start):
		y--
		start = week1(y, wkst)
	case !d.Before(week1(y+1, wkst)):
		y++
		start = week1(y, wkst)
	}
	weeks := int(week1(y+1, wkst).Sub(start).Hours()/24) / 7
	return int(d.Sub(start).Hours()/24)/7 + 1, weeks
}

func week1(year int, wkst time.Weekday) time.Time {
	jan4 := time.Date(year, 1, 4, 0, 0, 0, 0, time.UTC)
	return jan4.AddDate(0, 0, -int((jan4.Weekday()-wkst+7)%7))
}

func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func daysInMonth(d time.Time) int {
	return time.Date(d.Year(), d.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func daysInYear(y int) int {
	return time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC).YearDay()
}
