package daemon

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rapport/internal/dispatch"
	"rapport/internal/store"
)

// minuteClock fires a minute's wait only when the test says so.
type minuteClock struct{ minute chan time.Time }

func (c minuteClock) Now() time.Time { return time.Now() }
func (c minuteClock) After(d time.Duration) <-chan time.Time {
	if d == time.Minute {
		return c.minute
	}
	return make(chan time.Time)
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestADashboardThatFailsIsStartedAgainAndSendingGoesOn(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	logs := &lockedBuffer{}
	clock := minuteClock{minute: make(chan time.Time)}
	calls := make(chan int, 2)
	n := 0
	serve := func(ctx context.Context) error {
		n++
		calls <- n
		if n == 1 {
			return errors.New("listen tcp 127.0.0.1:8750: address already in use")
		}
		<-ctx.Done()
		return ctx.Err()
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Options{Store: st, LockPath: LockPath(st.Path()), Clock: clock, Serve: serve,
			Log: slog.New(slog.NewJSONHandler(logs, nil)),
			Load: func(context.Context, string) (*Runtime, error) {
				return &Runtime{Dispatcher: dispatch.New(dispatch.Options{Store: st})}, nil
			}})
	}()
	wait := func(what string, ch <-chan int) {
		select {
		case <-ch:
		case <-time.After(5 * time.Second):
			t.Fatal(what)
		}
	}
	wait("the dashboard was never started", calls)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), "dashboard_stopped"); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the failed dashboard was not logged")
		}
	}
	if !strings.Contains(logs.String(), "address already in use") {
		t.Errorf("the log does not say why: %s", logs)
	}
	clock.minute <- time.Now() // a minute later
	wait("the dashboard was not started again a minute later", calls)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the daemon did not stop with its dashboard")
	}
}
