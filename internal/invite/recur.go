package invite

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Recur is a recurrence rule (RFC 5545 §3.3.10) for an event that repeats,
// such as the consultation group's FREQ=MONTHLY;BYDAY=2TH. Rules that
// repeat more than daily, or set the time of day (BYHOUR, BYMINUTE,
// BYSECOND), are refused: an event's time of day is its start.
type Recur struct {
	Freq                                               string    // DAILY, WEEKLY, MONTHLY or YEARLY
	Interval                                           int       // every Interval periods; at least 1
	Count                                              int       // how many meetings in all, counting the first; 0 is no limit
	Until                                              time.Time // the last possible start; zero is no limit
	ByDay                                              []WeekdayNum
	ByMonth, ByMonthDay, ByYearDay, ByWeekNo, BySetPos []int
	WeekStart                                          time.Weekday // WKST, Monday unless given
	wkst                                               bool         // WKST was written
}

// WeekdayNum is one BYDAY entry: a weekday, and for N other than 0 the
// N-th (from the end when negative) of the month or year.
type WeekdayNum struct {
	N   int
	Day time.Weekday
}

var dayNames = []string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// recurPart describes one rule part: its range and where it may appear.
type recurPart struct {
	min, max int
	signed   bool
	freqs    []string // the frequencies it may be used with; nil is any
}

var recurParts = map[string]recurPart{
	"BYMONTH":    {1, 12, false, nil},
	"BYMONTHDAY": {1, 31, true, []string{"DAILY", "MONTHLY", "YEARLY"}},
	"BYYEARDAY":  {1, 366, true, []string{"YEARLY"}},
	"BYWEEKNO":   {1, 53, true, []string{"YEARLY"}},
	"BYSETPOS":   {1, 366, true, nil},
}

// ParseRecur reads an RRULE value (an "RRULE:" prefix is allowed). An
// UNTIL written as a date means the end of that day in loc; one written
// without "Z" is a time in loc.
func ParseRecur(s string, loc *time.Location) (*Recur, error) {
	s = strings.TrimSpace(s)
	if len(s) >= 6 && strings.EqualFold(s[:6], "RRULE:") {
		s = s[6:]
	}
	r := &Recur{Interval: 1, WeekStart: time.Monday}
	seen := map[string]bool{}
	for _, part := range strings.Split(s, ";") {
		name, value, ok := strings.Cut(part, "=")
		name, value = strings.ToUpper(strings.TrimSpace(name)), strings.ToUpper(strings.TrimSpace(value))
		if !ok || name == "" || value == "" {
			return nil, fmt.Errorf("%q is not NAME=VALUE (rules look like \"FREQ=MONTHLY;BYDAY=2TH\")", part)
		}
		if seen[name] {
			return nil, fmt.Errorf("%s is given twice", name)
		}
		seen[name] = true
		if err := r.set(name, value, loc); err != nil {
			return nil, err
		}
	}
	return r, r.consistent(seen)
}

func (r *Recur) set(name, value string, loc *time.Location) error {
	var err error
	switch name {
	case "FREQ":
		r.Freq = value
	case "INTERVAL":
		r.Interval, err = positive(name, value)
	case "COUNT":
		r.Count, err = positive(name, value)
	case "UNTIL":
		r.Until, err = parseUntil(value, loc)
	case "BYDAY":
		r.ByDay, err = parseByDay(value)
	case "WKST":
		r.wkst = true
		r.WeekStart, err = weekday(value)
	case "BYSECOND", "BYMINUTE", "BYHOUR":
		return fmt.Errorf("%s: the time of day comes from start; leave %s out", name, name)
	default:
		p, ok := recurParts[name]
		if !ok {
			return fmt.Errorf("%s is not a part of a recurrence rule", name)
		}
		var list []int
		if list, err = intList(name, value, p); err == nil {
			*r.list(name) = list
		}
	}
	return err
}

func (r *Recur) list(name string) *[]int {
	switch name {
	case "BYMONTH":
		return &r.ByMonth
	case "BYMONTHDAY":
		return &r.ByMonthDay
	case "BYYEARDAY":
		return &r.ByYearDay
	case "BYWEEKNO":
		return &r.ByWeekNo
	}
	return &r.BySetPos
}

// consistent checks the rules that tie parts together (RFC 5545 §3.3.10).
func (r *Recur) consistent(seen map[string]bool) error {
	switch r.Freq {
	case "DAILY", "WEEKLY", "MONTHLY", "YEARLY":
	case "":
		return fmt.Errorf("FREQ is missing (DAILY, WEEKLY, MONTHLY or YEARLY)")
	case "SECONDLY", "MINUTELY", "HOURLY":
		return fmt.Errorf("FREQ=%s: an event repeats at most daily", r.Freq)
	default:
		return fmt.Errorf("FREQ=%s is not a frequency (DAILY, WEEKLY, MONTHLY or YEARLY)", r.Freq)
	}
	if seen["UNTIL"] && seen["COUNT"] {
		return fmt.Errorf("give UNTIL or COUNT, not both")
	}
	for name, p := range recurParts {
		if seen[name] && p.freqs != nil && !slices.Contains(p.freqs, r.Freq) {
			return fmt.Errorf("%s cannot be used with FREQ=%s", name, r.Freq)
		}
	}
	if seen["BYSETPOS"] && !seen["BYDAY"] && !seen["BYMONTH"] && !seen["BYMONTHDAY"] && !seen["BYYEARDAY"] && !seen["BYWEEKNO"] {
		return fmt.Errorf("BYSETPOS needs another BY part to choose from (e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)")
	}
	return r.checkByDay()
}

func (r *Recur) checkByDay() error {
	for _, d := range r.ByDay {
		if d.N == 0 {
			continue
		}
		switch {
		case r.Freq != "MONTHLY" && r.Freq != "YEARLY":
			return fmt.Errorf("BYDAY=%s: a numbered weekday needs FREQ=MONTHLY or YEARLY", d)
		case r.Freq == "YEARLY" && len(r.ByWeekNo) > 0:
			return fmt.Errorf("BYDAY=%s: a numbered weekday cannot be used with BYWEEKNO", d)
		case (r.Freq == "MONTHLY" || len(r.ByMonth) > 0) && abs(d.N) > 5:
			return fmt.Errorf("BYDAY=%s: a month has at most five of each weekday", d)
		}
	}
	return nil
}

func positive(name, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || strings.ContainsAny(v, "+-") {
		return 0, fmt.Errorf("%s=%s: give a whole number of 1 or more", name, v)
	}
	return n, nil
}

func parseUntil(v string, loc *time.Location) (time.Time, error) {
	switch {
	case len(v) == 8:
		if d, err := time.ParseInLocation("20060102", v, loc); err == nil {
			return d.AddDate(0, 0, 1).Add(-time.Second), nil
		}
	case len(v) == 16 && v[15] == 'Z':
		if t, err := time.Parse("20060102T150405Z", v); err == nil {
			return t, nil
		}
	case len(v) == 15:
		if t, err := time.ParseInLocation("20060102T150405", v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("UNTIL=%s: write a date like 20270630 or a UTC time like 20270630T230000Z", v)
}

func parseByDay(v string) ([]WeekdayNum, error) {
	var out []WeekdayNum
	for _, item := range strings.Split(v, ",") {
		if len(item) < 2 {
			return nil, byDayErr(item)
		}
		day, err := weekday(item[len(item)-2:])
		if err != nil {
			return nil, byDayErr(item)
		}
		wn := WeekdayNum{Day: day}
		if num := item[:len(item)-2]; num != "" {
			wn.N, err = signedInt(num)
			if err != nil || wn.N == 0 || abs(wn.N) > 53 {
				return nil, byDayErr(item)
			}
		}
		out = append(out, wn)
	}
	return out, nil
}

func byDayErr(item string) error {
	return fmt.Errorf("BYDAY: %q is not a weekday (SU, MO, TU, WE, TH, FR, SA), optionally numbered like 2TH or -1FR", item)
}

func weekday(v string) (time.Weekday, error) {
	if i := slices.Index(dayNames, v); i >= 0 {
		return time.Weekday(i), nil
	}
	return 0, fmt.Errorf("%q is not a weekday (SU, MO, TU, WE, TH, FR, SA)", v)
}

func intList(name, v string, p recurPart) ([]int, error) {
	var out []int
	for _, item := range strings.Split(v, ",") {
		n, err := signedInt(item)
		if err != nil || abs(n) < p.min || abs(n) > p.max || (!p.signed && n < 0) {
			sign := ""
			if p.signed {
				sign = " (or -1 to -" + strconv.Itoa(p.max) + " counting from the end)"
			}
			return nil, fmt.Errorf("%s: %q is not a number from %d to %d%s", name, item, p.min, p.max, sign)
		}
		out = append(out, n)
	}
	return out, nil
}

// signedInt reads [+|-]1*DIGIT, nothing else.
func signedInt(s string) (int, error) {
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return strconv.Atoi(s)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func (d WeekdayNum) String() string {
	if d.N == 0 {
		return dayNames[d.Day]
	}
	return strconv.Itoa(d.N) + dayNames[d.Day]
}

// String writes the rule as an RRULE value, parts in a fixed order, UNTIL
// in UTC as RFC 5545 requires when DTSTART has a time zone.
func (r *Recur) String() string {
	parts := []string{"FREQ=" + r.Freq}
	if !r.Until.IsZero() {
		parts = append(parts, "UNTIL="+r.Until.UTC().Format("20060102T150405Z"))
	}
	if r.Count > 0 {
		parts = append(parts, "COUNT="+strconv.Itoa(r.Count))
	}
	if r.Interval > 1 {
		parts = append(parts, "INTERVAL="+strconv.Itoa(r.Interval))
	}
	for _, l := range []struct {
		name string
		v    []int
	}{{"BYMONTH", r.ByMonth}, {"BYWEEKNO", r.ByWeekNo}, {"BYYEARDAY", r.ByYearDay}, {"BYMONTHDAY", r.ByMonthDay}} {
		if len(l.v) > 0 {
			parts = append(parts, l.name+"="+joinInts(l.v))
		}
	}
	if len(r.ByDay) > 0 {
		days := make([]string, len(r.ByDay))
		for i, d := range r.ByDay {
			days[i] = d.String()
		}
		parts = append(parts, "BYDAY="+strings.Join(days, ","))
	}
	if len(r.BySetPos) > 0 {
		parts = append(parts, "BYSETPOS="+joinInts(r.BySetPos))
	}
	if r.wkst {
		parts = append(parts, "WKST="+dayNames[r.WeekStart])
	}
	return strings.Join(parts, ";")
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
