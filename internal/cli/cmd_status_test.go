package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/daemon"
)

func TestStatusSaysTheWatcherIsReconnectingWhileTheMailServerIsDown(t *testing.T) {
	u, srv := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	clk := newFakeClock(time.Date(2026, 11, 23, 8, 0, 0, 0, chicago))
	u.now = clk.Now()
	logs := &syncBuffer{}
	a := &app{env: Env{Stdout: logs, Stderr: logs, Now: clk.Now, After: clk.After, Getenv: func(string) string { return "" }},
		stdout: logs, stderr: logs, configPath: filepath.Join(u.dir, "rapport.toml")}
	a.setupLog(true)
	defer a.close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, a.daemonOptions(st, make(chan struct{}))) }()
	status := func() string { out, _, _ := u.run("status"); return out }

	waitFor(t, "the watcher to wait for mail", func() bool {
		return strings.Contains(status(), "watcher:   idle, waiting for new mail (IMAP IDLE, connected since 2026-11-23 08:00)")
	})
	clk.set(time.Date(2026, 11, 23, 8, 42, 0, 0, chicago))
	srv.Close()
	waitFor(t, "status to say the watcher is reconnecting", func() bool {
		return strings.Contains(status(), "watcher:   RECONNECTING since 2026-11-23 08:42")
	})
	// The watcher keeps trying (on real timers): the time the trouble
	// began stays, whatever the last error is by now.
	if out := status(); strings.Contains(out, "idle") || !strings.Contains(out, "since 2026-11-23 08:42 (next try at 08:42): ") {
		t.Errorf("status while the mail server is down:\n%s", out)
	}
	var s struct {
		Watcher      string `json:"watcher"`
		WatcherState struct {
			Phase     string    `json:"phase"`
			Since     time.Time `json:"since"`
			LastError string    `json:"last_error"`
		} `json:"watcher_state"`
	}
	u.json(&s, "status")
	if s.WatcherState.Phase != "reconnecting" || s.WatcherState.LastError == "" || !s.WatcherState.Since.Equal(clk.Now()) {
		t.Errorf("status --json: %+v", s)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// set moves the clock without firing anything: time passing quietly.
func (c *fakeClock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }
