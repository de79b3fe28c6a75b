package cli

import (
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
)

// startOfDay is midnight of t's day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// parseDay reads a day as people type it, in the user's zone: 2026-03-04,
// today, yesterday. It returns the day's first instant.
func (a *app) parseDay(s string) (time.Time, error) {
	loc := a.loc()
	today := startOfDay(a.env.Now(), loc)
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "today":
		return today, nil
	case "yesterday":
		return today.AddDate(0, 0, -1), nil
	}
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a day: write it as 2026-03-04 (or today, yesterday)", s)
	}
	return t, nil
}

// pastMoment is when something the user did happened: now for today (or
// nothing typed), else noon of the day typed, or the time typed with it
// ("2026-03-04 14:30"). The future is refused: rapport records what
// happened, not plans.
func (a *app) pastMoment(s string) (time.Time, error) {
	now := a.env.Now()
	var t time.Time
	var err error
	if s == "" || strings.EqualFold(strings.TrimSpace(s), "today") {
		return now, nil
	}
	if len(strings.TrimSpace(s)) > len("2006-01-02") {
		t, err = time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(s), a.loc())
		if err != nil {
			return t, fmt.Errorf("%q is not a day: write it as 2026-03-04, or 2026-03-04 14:30", s)
		}
	} else {
		if t, err = a.parseDay(s); err != nil {
			return t, err
		}
		t = t.Add(12 * time.Hour)
	}
	if t.After(now) {
		if startOfDay(t, a.loc()).After(now) {
			return t, fmt.Errorf("%s is in the future: rapport records what has happened", s)
		}
		t = now // later today: as of now
	}
	return t, nil
}

// periodStart reads --since: a day, "this-month", "this-quarter",
// "this-year", or a length of time back from today ("90 days", "3 months").
func (a *app) periodStart(s string) (time.Time, error) {
	loc := a.loc()
	today := startOfDay(a.env.Now(), loc)
	y, m, _ := today.Date()
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "this-month", "month":
		return time.Date(y, m, 1, 0, 0, 0, 0, loc), nil
	case "this-quarter", "quarter":
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, loc), nil
	case "this-year", "year":
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc), nil
	}
	if iv, err := contact.ParseInterval(s); err == nil {
		return iv.Before(today), nil
	}
	t, err := a.parseDay(s)
	if err != nil {
		return t, fmt.Errorf("%q is not a day or a period: write 2026-01-01, this-quarter, this-year, or \"90 days\"", s)
	}
	return t, nil
}

// period reads --since and --until: since is the first instant of the
// period, until the first instant after it (the day after the --until
// day); zero when not given.
func (a *app) period(since, until string) (from, to time.Time, err error) {
	if since != "" {
		if from, err = a.periodStart(since); err != nil {
			return from, to, usagef("--since: %v", err)
		}
	}
	if until != "" {
		d, err := a.parseDay(until)
		if err != nil {
			return from, to, usagef("--until: %v", err)
		}
		to = d.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		return from, to, usagef("--until %s is before --since %s", until, since)
	}
	return from, to, nil
}
