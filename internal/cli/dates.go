package cli

import (
	"fmt"
	"strings"
	"time"

	core "rapport/internal/app"
	"rapport/internal/contact"
)

// startOfDay is midnight of t's day in loc.
func startOfDay(t time.Time, loc *time.Location) time.Time { return core.StartOfDay(t, loc) }

// parseDay reads a day as people type it (see core.App.ParseDay).
func (a *app) parseDay(s string) (time.Time, error) { return a.core().ParseDay(s) }

// pastMoment is when something the user did happened (see
// core.App.PastMoment).
func (a *app) pastMoment(s string) (time.Time, error) { return a.core().PastMoment(s) }

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
