package inbox

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// testClock is the watcher's clock in tests: time moves only when the test
// says so, and each timer is fired by the test, picked by its duration.
type testClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []testTimer
}

type testTimer struct {
	d  time.Duration
	at time.Time
	ch chan time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *testClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, testTimer{d: d, at: c.now.Add(d), ch: ch})
	return ch
}

// set moves the clock without firing anything (time passing quietly).
func (c *testClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

// fire waits (real time, bounded) until the watcher waits on a timer of
// duration d, moves the clock to its end and fires it.
func (c *testClock) fire(t *testing.T, d time.Duration) time.Time {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		for i, w := range c.waiters {
			if w.d == d {
				c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
				c.now = w.at
				now := c.now
				c.mu.Unlock()
				w.ch <- now
				return now
			}
		}
		c.mu.Unlock()
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("the watcher never waited %v", d)
	return time.Time{}
}

// states records what the watcher says about itself.
type states chan State

// until returns the first state that ok accepts, skipping others; the
// bound is for a broken watcher, a working one answers in milliseconds.
func (s states) until(t *testing.T, what string, ok func(State) bool) State {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case st := <-s:
			if ok(st) {
				return st
			}
		case <-deadline:
			t.Fatalf("the watcher never said it was %s", what)
			return State{}
		}
	}
}

func TestWatcherStateTellsTheTruthWhenTheServerGoesAway(t *testing.T) {
	f := newFixture(t, "lee@clinic.test")
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	clk := &testClock{now: start}
	seen := make(states, 1000)
	const backoff, poll = 30 * time.Second, time.Hour
	w := f.watcher(Options{Now: clk.Now, After: clk.After, MinBackoff: backoff, Poll: poll,
		OnState: func(s State) { seen <- s }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stop := sync.OnceFunc(func() { cancel(); <-done })
	defer stop()

	t.Run("it connects, catches up, then waits in IDLE", func(t *testing.T) {
		first := seen.until(t, "connecting", func(s State) bool { return true })
		if first.Phase != PhaseConnecting || !first.Since.Equal(start) {
			t.Errorf("first state %+v, want connecting since %v", first, start)
		}
		seen.until(t, "catching up", func(s State) bool { return s.Phase == PhaseCatchingUp })
		idle := seen.until(t, "idle", func(s State) bool { return s.Phase == PhaseIdle })
		if !idle.Connected.Equal(start) {
			t.Errorf("idle %+v, want connected since %v", idle, start)
		}
	})

	outage := start.Add(2 * time.Hour)
	t.Run("the server stops: reconnecting since then, with the error and the next try", func(t *testing.T) {
		clk.set(outage)
		f.srv.Close()
		s := seen.until(t, "reconnecting", func(s State) bool { return s.Phase == PhaseReconnecting })
		if !s.Since.Equal(outage) || !s.NextTry.Equal(outage.Add(backoff)) || s.LastError == "" {
			t.Errorf("%+v, want reconnecting since %v, next try at %v, with the error", s, outage, outage.Add(backoff))
		}
	})

	t.Run("a failed retry keeps the time the trouble began and says why", func(t *testing.T) {
		tried := clk.fire(t, backoff)
		s := seen.until(t, "still reconnecting", func(s State) bool { return s.Phase == PhaseReconnecting })
		if !s.Since.Equal(outage) {
			t.Errorf("since %v, want %v: the outage began then", s.Since, outage)
		}
		if !s.NextTry.Equal(tried.Add(2*backoff)) || !strings.Contains(s.LastError, "connect") {
			t.Errorf("%+v, want the connect error and a next try at %v", s, tried.Add(2*backoff))
		}
	})

	t.Run("the server is back: idle again, and a reply is noticed", func(t *testing.T) {
		f.replaceServer()
		back := clk.fire(t, 2*backoff)
		idle := seen.until(t, "idle again", func(s State) bool { return s.Phase == PhaseIdle })
		if !idle.Connected.Equal(back) {
			t.Errorf("idle %+v, want connected since %v", idle, back)
		}
		f.deliver(reply("lee@clinic.test", f.sent["lee@clinic.test"], "Re: Hello from Anna"))
		if r := f.next(); r.Class != ClassReply || r.Contact != "lee@clinic.test" {
			t.Errorf("after the outage: %+v", r)
		}
	})

	t.Run("a new outage starts a new since", func(t *testing.T) {
		later := clk.Now().Add(3 * time.Hour)
		clk.set(later)
		f.mu.Lock()
		srv := f.srv
		f.mu.Unlock()
		srv.Close()
		s := seen.until(t, "reconnecting", func(s State) bool { return s.Phase == PhaseReconnecting })
		if !s.Since.Equal(later) || !s.NextTry.Equal(later.Add(backoff)) {
			t.Errorf("%+v, want since %v and the backoff back at %v", s, later, backoff)
		}
	})

	stop()
	if s := seen.until(t, "stopped", func(s State) bool { return s.Phase == PhaseStopped }); s.Phase != PhaseStopped {
		t.Errorf("after the end: %+v", s)
	}
}

func TestStateSurvivesTheStore(t *testing.T) {
	in := State{Phase: PhaseReconnecting, Since: time.Date(2026, 11, 23, 14, 2, 0, 0, time.UTC),
		LastError: "imap connect mail.example:993: connection refused", NextTry: time.Date(2026, 11, 23, 14, 7, 0, 0, time.UTC)}
	out, err := ParseState(in.Encode())
	if err != nil || out.Phase != in.Phase || !out.Since.Equal(in.Since) || out.LastError != in.LastError || !out.NextTry.Equal(in.NextTry) {
		t.Errorf("round trip: %+v %v", out, err)
	}
	for _, old := range []string{"", "idle since 2026-11-23T09:00:00Z", "stopped: the server said BYE", "{}"} {
		if _, err := ParseState(old); err == nil {
			t.Errorf("ParseState(%q) took free text for a state", old)
		}
	}
}
