package mailer

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func TestNextSlot(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ago := func(d ...time.Duration) []time.Time {
		out := make([]time.Time, len(d))
		for i, x := range d {
			out[i] = now.Add(-x)
		}
		return out
	}
	every := func(n int, step time.Duration) []time.Time {
		out := make([]time.Time, n)
		for i := range out {
			out[i] = now.Add(-time.Duration(i+1) * step)
		}
		return out
	}
	cases := []struct {
		name   string
		recent []time.Time
		lim    Limits
		wait   time.Duration
		reason string
	}{
		{"nothing sent yet", nil, Limits{PerHour: 20, PerDay: 200, MinGap: 45 * time.Second}, 0, ""},
		{"no limits", every(500, time.Second), Limits{}, 0, ""},
		{"min_gap not yet over", ago(10 * time.Second), Limits{MinGap: 45 * time.Second}, 35 * time.Second, "min_gap 45s"},
		{"min_gap over", ago(2 * time.Minute), Limits{MinGap: 45 * time.Second}, 0, ""},
		{"min_gap in minutes", ago(time.Minute), Limits{MinGap: 2 * time.Minute}, time.Minute, "min_gap 2m"},
		{"the latest send counts, in any order", ago(50*time.Second, 5*time.Second, 30*time.Second), Limits{MinGap: 45 * time.Second}, 40 * time.Second, "min_gap 45s"},
		{"per_hour below the cap", every(19, 2*time.Minute), Limits{PerHour: 20}, 0, ""},
		{"per_hour cap reached: wait for the oldest to leave the hour", every(20, 2*time.Minute), Limits{PerHour: 20}, 20 * time.Minute, "per_hour cap of 20 reached"},
		{"per_hour counts only the last 60 minutes", ago(61*time.Minute, 62*time.Minute, 5*time.Minute), Limits{PerHour: 2}, 0, ""},
		{"a send exactly an hour ago has left the window", ago(60*time.Minute, 5*time.Minute), Limits{PerHour: 2}, 0, ""},
		{"per_day cap reached", every(200, 6*time.Minute), Limits{PerDay: 200, PerHour: 100}, 4 * time.Hour, "per_day cap of 200 reached"},
		{"per_day cap survives a restart: times come from the store", ago(23*time.Hour, 22*time.Hour, time.Hour), Limits{PerDay: 3}, time.Hour, "per_day cap of 3 reached"},
		{"the binding limit wins", every(20, time.Minute), Limits{PerHour: 20, MinGap: 45 * time.Second}, 40 * time.Minute, "per_hour cap of 20 reached"},
		{"future times from a skewed clock still count", []time.Time{now.Add(time.Minute)}, Limits{MinGap: 45 * time.Second}, 105 * time.Second, "min_gap 45s"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sl := NextSlot(now, tc.recent, tc.lim, nil)
			if got := sl.At.Sub(now); got != tc.wait || sl.Reason != tc.reason {
				t.Fatalf("wait %v %q, want %v %q", got, sl.Reason, tc.wait, tc.reason)
			}
			if isCap := strings.Contains(tc.reason, "cap"); sl.Cap != isCap {
				t.Errorf("Cap = %v for %q", sl.Cap, sl.Reason)
			}
		})
	}
}

func TestNextSlotJitter(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	lim := Limits{MinGap: 45 * time.Second, Jitter: 30 * time.Second}
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[time.Duration]bool{}
	for range 200 {
		sl := NextSlot(now, []time.Time{now}, lim, rnd)
		at, reason := sl.At, sl.Reason
		wait := at.Sub(now)
		if wait < 45*time.Second || wait >= 75*time.Second || reason != "min_gap 45s" {
			t.Fatalf("wait %v %q, want [45s, 75s)", wait, reason)
		}
		seen[wait.Round(time.Second)] = true
	}
	if len(seen) < 10 {
		t.Errorf("only %d distinct waits: the jitter does not spread sends", len(seen))
	}
	if sl := NextSlot(now, []time.Time{now.Add(-time.Hour)}, lim, rnd); !sl.At.Equal(now) || sl.Reason != "" {
		t.Errorf("long after the last send: %v %q", sl.At, sl.Reason)
	}
}
