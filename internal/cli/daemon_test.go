package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/daemon"
	"rapport/internal/localmail"
	"rapport/internal/store"
)

// fakeClock is the daemon's clock in tests: time moves only when the test
// says, and the test can wait until the daemon is waiting.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	changed chan struct{}
}

type fakeWaiter struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(t time.Time) *fakeClock { return &fakeClock{now: t, changed: make(chan struct{}, 1)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch
	}
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), ch: ch})
	select {
	case c.changed <- struct{}{}:
	default:
	}
	return ch
}

// next moves the clock to the earliest waiter's time and fires it; it
// waits (real time, bounded) for the daemon to start waiting first.
func (c *fakeClock) next(t *testing.T) time.Time {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		if len(c.waiters) > 0 {
			i := 0
			for j, w := range c.waiters {
				if w.at.Before(c.waiters[i].at) {
					i = j
				}
			}
			w := c.waiters[i]
			c.waiters = append(c.waiters[:i], c.waiters[i+1:]...)
			if w.at.After(c.now) {
				c.now = w.at
			}
			now := c.now
			c.mu.Unlock()
			w.ch <- now
			return now
		}
		c.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal("the daemon never waited")
		}
		select {
		case <-c.changed:
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// syncBuffer is a log sink the daemon writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// mailUser is a user whose rapport.toml points at in-process mail servers.
func mailUser(t *testing.T) (*user, *localmail.Server) {
	t.Helper()
	return mailUserWith(t, localmail.Options{TLS: true, RequireAuth: true})
}

// mailUserWith is mailUser with the mail servers' options.
func mailUserWith(t *testing.T, opts localmail.Options) (*user, *localmail.Server) {
	t.Helper()
	srv, err := localmail.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.AddUser(demoUser, "pw")
	u := newUser(t)
	d := &demo{dir: u.dir, srv: srv}
	cfg := strings.ReplaceAll(d.config(), "demo-app-password", "pw")
	cfg = strings.Replace(cfg, `window = "Mon-Sun 00:00-24:00"`, `window = "Mon-Fri 09:00-17:00"`, 1)
	cfg = strings.Replace(cfg, `min_gap = "150ms"`, `min_gap = "45s"`, 1)
	os.WriteFile(filepath.Join(u.dir, "ca.pem"), srv.CAPEM(), 0o644)
	os.WriteFile(filepath.Join(u.dir, "rapport.toml"), []byte(cfg), 0o600)
	csv := "Title,First,Last,Practice,Type,Email\n" +
		"Dr.,Maria,Alvarez,Elm Pediatrics,physician,malvarez@elmpeds.test\n" +
		"Dr.,James,Okafor,Riverside,physician,jokafor@riverside.test\n" +
		"Dr.,Wen,Zhou,Maple Peds,physician,wzhou@maplepeds.test\n"
	os.WriteFile(filepath.Join(u.dir, "contacts.csv"), []byte(csv), 0o644)
	if _, errs, code := u.run("import", filepath.Join(u.dir, "contacts.csv")); code != 0 {
		t.Fatal(errs)
	}
	return u, srv
}

func received(srv *localmail.Server, to string) int {
	n := 0
	for _, e := range srv.Received() {
		if e.To[0] == to {
			n++
		}
	}
	return n
}

func TestDaemonRunsCampaignsOnScheduleReloadsAndStopsCleanly(t *testing.T) {
	u, srv := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	clk := newFakeClock(time.Date(2026, 11, 23, 8, 0, 0, 0, chicago)) // Monday, before the 9:00 tick
	u.now = clk.Now()
	if out, errs, code := u.run("campaigns", "start", "intro-physicians"); code != 0 {
		t.Fatal(out, errs)
	}
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
	reload := make(chan struct{}, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, a.daemonOptions(st, reload)) }()

	// 9:00: the tick sends the three intros, 45 s or more apart.
	for len(srv.Received()) < 3 {
		clk.next(t)
	}
	if got := clk.Now().In(chicago); got.Hour() != 9 || got.Minute() < 1 {
		t.Errorf("the intros went out by %s", got)
	}
	// A second daemon on the same store is refused.
	if _, errs, code := u.run("run"); code != 1 || !strings.Contains(errs, "already running") {
		t.Errorf("second run: exit %d %s", code, errs)
	}
	// Dr. Alvarez's front desk answers; the watcher (real IMAP IDLE) sees it.
	intro := srv.Received()[0]
	srv.Deliver(demoUser, []byte(fmt.Sprintf("From: frontdesk@elmpeds.test\r\nTo: %s\r\nSubject: Re: hello\r\nIn-Reply-To: <%s>\r\n"+
		"Message-ID: <r1@elmpeds.test>\r\nDate: %s\r\n\r\nYes please, come by!\r\n", demoUser, intro.MessageID, clk.Now().Format(time.RFC1123Z))))
	waitFor(t, "the reply to move the contact", func() bool { return stageOf(t, st, "malvarez@elmpeds.test") == contact.StageReplied })

	// A broken campaign file: the reload is refused, the daemon keeps going.
	bad := filepath.Join(u.dir, "campaigns", "broken.toml")
	os.WriteFile(bad, []byte("name = \"broken\"\nschedule = \"every day\"\n"), 0o644)
	reload <- struct{}{}
	waitFor(t, "the refused reload to be logged", func() bool { return strings.Contains(logs.String(), "reload_refused") })
	os.Remove(bad)
	reload <- struct{}{}
	waitFor(t, "the reload", func() bool { return strings.Contains(logs.String(), `"msg":"reloaded"`) })

	// Three weeks on, the follow-up goes to the two who have not answered;
	// a stop arrives after the first: it finishes that note and stops.
	for received(srv, "jokafor@riverside.test") < 2 {
		clk.next(t)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("daemon: %v", err)
	}
	if n := received(srv, "malvarez@elmpeds.test"); n != 1 {
		t.Errorf("the front desk that answered got %d notes", n)
	}
	if n := received(srv, "wzhou@maplepeds.test"); n != 1 {
		t.Errorf("a note was sent after the stop: wzhou got %d", n)
	}
	rows, _ := st.Sends(context.Background(), store.SendFilter{States: []contact.SendState{contact.SendSending, contact.SendUnknown}})
	if len(rows) != 0 {
		t.Errorf("after a clean stop %d sends are uncertain", len(rows))
	}
	if !strings.Contains(logs.String(), "daemon_stopped") {
		t.Error("no stop logged")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func stageOf(t *testing.T, st *store.Store, email string) contact.Stage {
	c, err := st.ContactByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return c.Stage
}

// startDaemon runs the daemon in-process on clk, as the user's `rapport
// run` would, and returns its log and a stop function that waits for it.
func startDaemon(t *testing.T, u *user, clk *fakeClock) (*app, *syncBuffer, chan<- struct{}, func() error) {
	t.Helper()
	logs := &syncBuffer{}
	a := &app{env: Env{Stdout: logs, Stderr: logs, Now: clk.Now, After: clk.After, Getenv: func(string) string { return "" }},
		stdout: logs, stderr: logs, configPath: filepath.Join(u.dir, "rapport.toml")}
	a.setupLog(true)
	ctx, cancel := context.WithCancel(context.Background())
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	reload := make(chan struct{}, 1)
	o := a.daemonOptions(st, reload)
	o.StoreEvery = 20 * time.Millisecond
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, o) }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			a.close()
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("the daemon did not stop within 5 s of SIGTERM")
			return nil
		}
	}
	t.Cleanup(func() { stop() })
	return a, logs, reload, stop
}

func TestReloadsDuringATickKeepFilingSentCopies(t *testing.T) {
	u, srv := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	clk := newFakeClock(time.Date(2026, 11, 23, 8, 59, 0, 0, chicago))
	u.now = clk.Now()
	u.run("campaigns", "start", "intro-physicians")
	_, logs, reload, stop := startDaemon(t, u, clk)
	for len(srv.Received()) < 3 {
		clk.next(t)
		if n := len(srv.Received()); n == 1 || n == 2 {
			reload <- struct{}{} // SIGHUP between two notes of the tick
			waitFor(t, "the reload", func() bool { return strings.Count(logs.String(), `"msg":"reloaded"`) >= n })
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if copies := srv.Messages(demoUser, "Sent"); len(copies) != 3 {
		t.Errorf("%d of 3 notes have a copy in Sent after two reloads mid-tick\n%s", len(copies), logs.String())
	}
	if strings.Contains(logs.String(), "sent_copy_failed") {
		t.Errorf("a copy failed:\n%s", logs.String())
	}
}

func TestTheDaemonNoticesACampaignStartedBesideIt(t *testing.T) {
	u, srv := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	clk := newFakeClock(time.Date(2026, 11, 23, 8, 59, 30, 0, chicago)) // half a minute before the 9:00 tick
	u.now = clk.Now()
	_, logs, _, _ := startDaemon(t, u, clk)
	waitFor(t, "the daemon to wait", func() bool { clk.mu.Lock(); defer clk.mu.Unlock(); return len(clk.waiters) > 0 })
	if _, errs, code := u.run("campaigns", "start", "intro-physicians"); code != 0 {
		t.Fatal(errs)
	}
	// The daemon wakes on the store's change and waits for 9:00, not for
	// its next routine wake five minutes on.
	waitFor(t, "the daemon to notice", func() bool {
		clk.mu.Lock()
		defer clk.mu.Unlock()
		for _, w := range clk.waiters {
			if w.at.Equal(time.Date(2026, 11, 23, 9, 0, 0, 0, chicago)) {
				return true
			}
		}
		return false
	})
	if at := clk.next(t).In(chicago); at.Hour() != 9 || at.Minute() != 0 {
		t.Fatalf("the daemon's next wake was %s, want 9:00", at.Format("15:04:05"))
	}
	waitFor(t, "the first note", func() bool { return len(srv.Received()) > 0 })
	if at := clk.Now().In(chicago); at.Hour() != 9 || at.Minute() != 0 {
		t.Errorf("the first note went at %s, want 9:00\n%s", at.Format("15:04:05"), logs.String())
	}
}
