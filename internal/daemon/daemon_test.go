package daemon

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"rapport/internal/dispatch"
	"rapport/internal/store"
)

func TestAStopEndsTheDaemonEvenAfterTheWatcherGaveUp(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(context.Background(), filepath.Join(dir, "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	watcherFailed := make(chan struct{})
	// The watcher gives up at once, as one whose password was changed does.
	go func() {
		done <- Run(ctx, Options{Store: st, LockPath: LockPath(st.Path()),
			Load: func(context.Context, string) (*Runtime, error) {
				return &Runtime{Dispatcher: dispatch.New(dispatch.Options{Store: st}), Watcher: watcherFunc(func(context.Context) error {
					defer close(watcherFailed)
					return errors.New("login refused")
				})}, nil
			}})
	}()
	select {
	case <-watcherFailed:
	case <-time.After(5 * time.Second):
		t.Fatal("the watcher never ran")
	}
	cancel() // SIGTERM
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("daemon: %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("the daemon did not stop within 3 s of SIGTERM after its watcher failed")
	}
}

type watcherFunc func(context.Context) error

func (f watcherFunc) Run(ctx context.Context) error { return f(ctx) }

func TestARetiredRuntimeClosesOnlyWhenItsLastUserIsDone(t *testing.T) {
	var closed atomic.Bool
	rt := &Runtime{Close: func() { closed.Store(true) }}
	done := rt.use() // a tick in progress
	rt.retire()      // SIGHUP: a new runtime takes over
	time.Sleep(20 * time.Millisecond)
	if closed.Load() {
		t.Fatal("the old connections were closed under a running tick")
	}
	done()
	deadline := time.Now().Add(2 * time.Second)
	for !closed.Load() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if !closed.Load() {
		t.Fatal("the old runtime was never closed")
	}
}
