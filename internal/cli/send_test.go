package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"rapport/internal/daemon"
)

// autoClock is a clock that moves on by itself whenever someone waits on
// it: a `rapport send` that waits 45 s between notes takes no real time.
type autoClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *autoClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *autoClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(max(d, 0))
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

// runClock runs rapport with clk as its clock.
func (u *user) runClock(clk *autoClock, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: clk.Now, After: clk.After,
		Getenv: func(k string) string {
			if k == "RAPPORT_CONFIG" {
				return filepath.Join(u.dir, "rapport.toml")
			}
			return ""
		}}
	code = RunEnv(context.Background(), env, args)
	return out.String(), errb.String(), code
}

// setSending rewrites keys of [sending] in the user's rapport.toml.
func (u *user) setSending(t *testing.T, kv map[string]string) {
	t.Helper()
	p := filepath.Join(u.dir, "rapport.toml")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for k, v := range kv {
		s = regexp.MustCompile(`(?m)^`+k+` = .*$`).ReplaceAllString(s, k+" = "+v)
	}
	os.WriteFile(p, []byte(s), 0o600)
}

func TestSendRefusesACampaignThatIsNotStarted(t *testing.T) {
	u, srv := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	u.now = time.Date(2026, 11, 23, 10, 0, 0, 0, chicago)
	_, errs, code := u.run("send", "intro-physicians")
	if code != exitValidation || !strings.Contains(errs, "campaigns start intro-physicians") || len(srv.Received()) != 0 {
		t.Fatalf("send of a draft: exit %d, %d sent: %s", code, len(srv.Received()), errs)
	}
	u.run("campaigns", "start", "intro-physicians")
	u.run("campaigns", "pause", "intro-physicians")
	_, errs, code = u.run("send", "intro-physicians")
	if code != exitValidation || !strings.Contains(errs, "is paused") || len(srv.Received()) != 0 {
		t.Fatalf("send of a paused campaign: exit %d: %s", code, errs)
	}
	if out, _, code := u.run("send", "intro-physicians", "--dry-run"); code != 0 || !strings.Contains(out, "would send") {
		t.Errorf("a dry run shows what would go, whatever the state: %d %s", code, out)
	}
}

func TestSendSaysWhenTheRestGoesAndWaitsOnlyIfAsked(t *testing.T) {
	u, srv := mailUser(t)
	u.setSending(t, map[string]string{"per_hour": "2"})
	chicago, _ := time.LoadLocation("America/Chicago")
	clk := &autoClock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, chicago)}
	if _, errs, code := u.runClock(clk, "campaigns", "start", "intro-physicians"); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := u.runClock(clk, "send", "intro-physicians")
	if code != 0 || len(srv.Received()) != 2 {
		t.Fatalf("send: exit %d, %d sent\n%s%s", code, len(srv.Received()), out, errs)
	}
	if !strings.Contains(out, "1 due note not sent yet: the hourly cap (2 an hour) is reached; the next note can go at 11:0") ||
		!strings.Contains(out, "rapport run") {
		t.Errorf("send must say why and when the rest goes:\n%s", out)
	}
	if elapsed := clk.Now().Sub(time.Date(2026, 11, 23, 10, 0, 0, 0, chicago)); elapsed > 5*time.Minute {
		t.Errorf("send without --wait stayed %s", elapsed)
	}
	out, errs, code = u.runClock(clk, "send", "intro-physicians", "--wait")
	if code != 0 || len(srv.Received()) != 3 {
		t.Fatalf("send --wait: exit %d, %d sent\n%s%s", code, len(srv.Received()), out, errs)
	}
}

func TestOneSenderPerStore(t *testing.T) {
	u, srv := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	u.now = time.Date(2026, 11, 23, 10, 0, 0, 0, chicago)
	u.setSending(t, map[string]string{"min_gap": `"0s"`, "jitter": `"0s"`})
	u.run("campaigns", "start", "intro-physicians")
	db := filepath.Join(u.dir, "rapport.db")

	t.Run("beside the daemon, send refuses and says what to do", func(t *testing.T) {
		lock, err := daemon.Acquire(daemon.LockPath(db), daemon.RoleDaemon, u.now)
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Release()
		_, errs, code := u.run("send", "intro-physicians")
		if code != exitFailure || !strings.Contains(errs, "rapport run") || !strings.Contains(errs, "rapport status") {
			t.Errorf("send beside the daemon: exit %d: %s", code, errs)
		}
		if len(srv.Received()) != 0 {
			t.Errorf("%d notes sent beside the daemon", len(srv.Received()))
		}
	})
	t.Run("two sends take turns", func(t *testing.T) {
		lock, err := daemon.Acquire(daemon.LockPath(db), daemon.RoleSend, u.now)
		if err != nil {
			t.Fatal(err)
		}
		type result struct {
			errs string
			code int
		}
		done := make(chan result, 1)
		go func() {
			_, errs, code := u.run("send", "intro-physicians")
			done <- result{errs, code}
		}()
		select {
		case r := <-done:
			t.Fatalf("the second send did not wait its turn: exit %d: %s", r.code, r.errs)
		case <-time.After(400 * time.Millisecond):
		}
		if len(srv.Received()) != 0 {
			t.Fatal("a note went out while another send held the store")
		}
		lock.Release()
		r := <-done
		if r.code != 0 || !strings.Contains(r.errs, "waiting for it to finish") || len(srv.Received()) != 3 {
			t.Errorf("after its turn: exit %d, %d sent: %s", r.code, len(srv.Received()), r.errs)
		}
	})
}
