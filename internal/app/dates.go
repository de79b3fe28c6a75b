package app

import (
	"fmt"
	"strings"
	"time"
)

// loc is the user's zone ([sending] timezone), or the machine's.
func (a *App) loc() *time.Location {
	if c := a.Config(); c != nil && c.Location != nil {
		return c.Location
	}
	return time.Local
}

// StartOfDay is midnight of t's day in loc.
func StartOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// ParseDay reads a day as people type it, in the user's zone: 2026-03-04,
// today, yesterday. It returns the day's first instant.
func (a *App) ParseDay(s string) (time.Time, error) {
	loc := a.loc()
	today := StartOfDay(a.now(), loc)
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

// PastMoment is when something the user did happened: now for today (or
// nothing typed), else noon of the day typed, or the time typed with it
// ("2026-03-04 14:30"). The future is refused: rapport records what
// happened, not plans.
func (a *App) PastMoment(s string) (time.Time, error) {
	now := a.now()
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
		if t, err = a.ParseDay(s); err != nil {
			return t, err
		}
		t = t.Add(12 * time.Hour)
	}
	if t.After(now) {
		if StartOfDay(t, a.loc()).After(now) {
			return t, fmt.Errorf("%s is in the future: rapport records what has happened", s)
		}
		t = now // later today: as of now
	}
	return t, nil
}
