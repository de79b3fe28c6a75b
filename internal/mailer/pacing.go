package mailer

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// Limits are the pace of sending, across all campaigns. Zero values mean
// no limit.
type Limits struct {
	PerHour int           // at most this many sends in any 60 minutes
	PerDay  int           // at most this many sends in any 24 hours
	MinGap  time.Duration // at least this long between two sends
	Jitter  time.Duration // plus a random [0, Jitter) on top of MinGap
}

// NextSlot says when the next message may go: now (Reason "") or later,
// with the limit that binds. recent are the send times of the last 24
// hours across all campaigns, in any order, as the store has them; the
// windows roll (the last 60 minutes, the last 24 hours), so a restart
// changes nothing. The jitter comes from rnd (nil: none), so a batch never
// goes out like a blast; draw the slot once per send and wait for it.
func NextSlot(now time.Time, recent []time.Time, lim Limits, rnd *rand.Rand) Slot {
	times := slices.Clone(recent)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	best := Slot{At: now}
	candidates := []Slot{
		capSlot(now, times, lim.PerDay, 24*time.Hour, "per_day"),
		capSlot(now, times, lim.PerHour, time.Hour, "per_hour"),
		gapSlot(times, lim, rnd),
	}
	for _, c := range candidates {
		if c.At.After(best.At) {
			best = c
		}
	}
	return best
}

// Slot is when the next message may go, and the limit that decides it.
type Slot struct {
	At     time.Time
	Reason string // e.g. "per_hour cap of 20 reached", "min_gap 45s"; "" when nothing holds it back
	// Cap is true when a per-hour or per-day cap binds (a wait that may be
	// long), false for the gap between two notes.
	Cap bool
}

// slot is the old name, kept short for the helpers below.
type slot = Slot

// capSlot is when fewer than max sends remain in the rolling window ending
// at the slot: the window must have let go of the oldest len-max+1 sends
// it holds. times is sorted.
func capSlot(now time.Time, times []time.Time, max int, window time.Duration, name string) slot {
	if max <= 0 {
		return slot{}
	}
	in := times[countBefore(times, now.Add(-window)):] // sends in (now-window, ...]
	if len(in) < max {
		return slot{}
	}
	return slot{At: in[len(in)-max].Add(window), Reason: fmt.Sprintf("%s cap of %d reached", name, max), Cap: true}
}

// countBefore is how many of the sorted times are at or before t.
func countBefore(times []time.Time, t time.Time) int {
	n, _ := slices.BinarySearchFunc(times, t, func(a, b time.Time) int {
		if a.After(b) {
			return 1
		}
		return -1
	})
	return n
}

// gapSlot is MinGap plus jitter after the last send.
func gapSlot(times []time.Time, lim Limits, rnd *rand.Rand) slot {
	if len(times) == 0 || (lim.MinGap <= 0 && lim.Jitter <= 0) {
		return slot{}
	}
	gap := lim.MinGap
	if lim.Jitter > 0 && rnd != nil {
		gap += time.Duration(rnd.Int64N(int64(lim.Jitter)))
	}
	reason := "min_gap " + shortDuration(lim.MinGap)
	if lim.MinGap <= 0 {
		reason = "jitter after the last send"
	}
	return slot{At: times[len(times)-1].Add(gap), Reason: reason}
}

// shortDuration prints 45s, 2m, 1h30m rather than 2m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
