package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/daemon"
	"rapport/internal/inbox"
	"rapport/internal/localmail"
	"rapport/internal/oauth/oauthtest"
	"rapport/internal/store"
)

// signInUser is a Google Workspace user: rapport.toml signs in with
// [oauth], and the mail servers accept only tokens the in-process
// authorization server issued.
type signInUser struct {
	*user
	srv *localmail.Server
	as  *oauthtest.Server
	clk *fakeClock
	out []string // everything rapport printed or logged, to check for tokens
}

func newSignInUser(t *testing.T) *signInUser { return newSignInUserOf(t, "google") }

// newSignInUserOf signs in with provider: google (whose desktop clients
// have a client secret) or microsoft (a public client, with a tenant).
func newSignInUserOf(t *testing.T, provider string) *signInUser {
	t.Helper()
	secret, oauthCfg := "not-so-secret", "client_secret = \"not-so-secret\"\n"
	if provider == "microsoft" {
		secret, oauthCfg = "", "tenant = \"leefamilytherapy.example\"\n"
	}
	chicago, _ := time.LoadLocation("America/Chicago")
	clk := newFakeClock(time.Date(2026, 11, 23, 8, 0, 0, 0, chicago)) // Monday, before the 9:00 tick
	as := oauthtest.Start(oauthtest.Options{ClientID: "rapport-test.apps.googleusercontent.com", ClientSecret: secret,
		Account: demoUser, Now: clk.Now, Rotate: provider == "microsoft"})
	t.Cleanup(as.Close)
	u, srv := mailUserWith(t, localmail.Options{TLS: true, RequireAuth: true, VerifyToken: as.Verify})
	cfgPath := filepath.Join(u.dir, "rapport.toml")
	b, _ := os.ReadFile(cfgPath)
	cfg := strings.ReplaceAll(string(b), `password = "pw"`, `auth = "oauth2"`) +
		"\n[oauth]\nprovider = \"" + provider + "\"\nclient_id = \"rapport-test.apps.googleusercontent.com\"\n" + oauthCfg
	os.WriteFile(cfgPath, []byte(cfg), 0o600)
	su := &signInUser{user: u, srv: srv, as: as, clk: clk}
	ep := as.Endpoint()
	u.env = func(e *Env) {
		e.OAuthEndpoint = &ep
		e.OpenBrowser = func(url string) error { // the user clicks "Allow"
			resp, err := http.Get(url)
			if err == nil {
				resp.Body.Close()
			}
			return err
		}
	}
	return su
}

// run runs a command at the clock's time and keeps its output.
func (u *signInUser) run(args ...string) (string, string, int) {
	u.now = u.clk.Now()
	out, errs, code := u.user.run(args...)
	u.out = append(u.out, out, errs)
	return out, errs, code
}

// noTokens fails if any token the server issued appears in what rapport
// printed or logged.
func (u *signInUser) noTokens(t *testing.T, more ...string) {
	t.Helper()
	issued := u.as.Issued()
	if len(issued) == 0 {
		t.Fatal("no tokens were issued")
	}
	for _, s := range append(u.out, more...) {
		for _, tok := range issued {
			if strings.Contains(s, tok) {
				t.Fatalf("a token appears in rapport's output or logs:\n%s", s)
			}
		}
	}
}

func TestSignInWithGoogle(t *testing.T) {
	u := newSignInUser(t)
	t.Run("check before signing in says to log in", func(t *testing.T) {
		_, errs, code := u.run("check", "--offline")
		if code != exitValidation || !strings.Contains(errs, "run `rapport login google`") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
	t.Run("consent not granted", func(t *testing.T) {
		u.as.SetDeny(true)
		defer u.as.SetDeny(false)
		_, errs, code := u.run("login", "google")
		if code != exitFailure || !strings.Contains(errs, "consent not granted") || !strings.Contains(errs, "rapport login google") {
			t.Fatalf("exit %d: %s", code, errs)
		}
	})
	t.Run("the wrong account signed in", func(t *testing.T) {
		u.as.SetAccount("anna.private@gmail.example")
		defer u.as.SetAccount(demoUser)
		_, errs, code := u.run("login", "google")
		if code != exitFailure || !strings.Contains(errs, "as anna.private@gmail.example, but rapport.toml sends as "+demoUser) {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if _, err := os.Stat(filepath.Join(u.dir, "rapport.oauth.json")); err == nil {
			t.Error("the wrong account's sign-in was kept")
		}
	})
	t.Run("first login", func(t *testing.T) {
		var got loginJSON
		out, errs, code := u.run("--json", "login", "google")
		if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.Account != demoUser || got.Provider != "google" {
			t.Fatalf("exit %d: %s %s", code, out, errs)
		}
		if !strings.Contains(errs, "code_challenge_method=S256") {
			t.Errorf("the sign-in address is not printed: %s", errs)
		}
		fi, err := os.Stat(filepath.Join(u.dir, "rapport.oauth.json"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("token file: %v %v", fi, err)
		}
		if _, errs, code := u.run("-v", "check"); code != 0 {
			t.Fatalf("check after login: %s", errs)
		}
		var st statusJSON
		out, _, _ = u.run("--json", "status")
		if json.Unmarshal([]byte(out), &st) != nil || st.SignIn == nil || st.SignIn.Account != demoUser || st.SignIn.Problem != "" {
			t.Errorf("status: %s", out)
		}
	})
	u.noTokens(t)
}

func TestSignInWithMicrosoftOnAnotherDevice(t *testing.T) {
	u := newSignInUserOf(t, "microsoft")
	hook := u.env
	u.env = func(e *Env) {
		hook(e)
		e.OpenBrowser = func(string) error { t.Error("--device opened a browser"); return nil }
		// The user reads the code on the screen and types it on their phone.
		e.Stderr = io.MultiWriter(e.Stderr, writerFunc(func(p []byte) {
			if _, code, ok := strings.Cut(string(p), "enter the code "); ok {
				code, _, _ = strings.Cut(code, "\n")
				u.as.Approve(code, demoUser, false)
			}
		}))
	}
	out, errs, code := u.run("login", "microsoft", "--device")
	if code != 0 || !strings.Contains(out, "Signed in to Microsoft as "+demoUser) || !strings.Contains(errs, "On any phone or computer, open https://") {
		t.Fatalf("exit %d: %s %s", code, out, errs)
	}
	if _, errs, code := u.run("check"); code != 0 {
		t.Fatalf("check: %s", errs)
	}
	if _, errs, code := u.run("login", "google"); code != exitUsage || !strings.Contains(errs, "rapport login microsoft") {
		t.Errorf("login with the other provider: exit %d %s", code, errs)
	}
	u.noTokens(t)
}

type writerFunc func(p []byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

// TestDaemonKeepsTheSignInFresh is the story of issue 14: the daemon sends
// and watches for weeks on one sign-in, renewing it as it goes; when the
// user withdraws rapport's access, sending pauses with nothing lost or sent
// twice and status says what to do; a new login resumes it.
func TestDaemonKeepsTheSignInFresh(t *testing.T) {
	u := newSignInUser(t)
	if _, errs, code := u.run("login", "google"); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := u.run("campaigns", "start", "intro-physicians"); code != 0 {
		t.Fatal(errs)
	}
	logs := &syncBuffer{}
	env := Env{Stdout: logs, Stderr: logs, Now: u.clk.Now, After: u.clk.After, Getenv: func(string) string { return "" }}
	u.env(&env)
	a := &app{env: env, stdout: logs, stderr: logs, configPath: filepath.Join(u.dir, "rapport.toml"), verbose: true}
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
	waitFor(t, "the watcher to log in with the token", func() bool {
		v, _, _, _ := st.Setting(ctx, daemon.KeyWatcher)
		ws, err := inbox.ParseState(v)
		return err == nil && ws.Phase == inbox.PhaseIdle
	})

	// 9:00: the token from the 8:00 login is due to expire; it is renewed
	// before the intros go out.
	for len(u.srv.Received()) < 3 {
		u.clk.next(t)
	}
	if u.as.Refreshes() != 1 {
		t.Errorf("%d renewals for the first tick", u.as.Refreshes())
	}
	for _, e := range u.srv.Received() {
		if e.Auth != demoUser {
			t.Errorf("a note went out without the sign-in: %+v", e.To)
		}
	}

	// Anna withdraws rapport's access in her Google account; the provider
	// has long closed the idle SMTP connection by the time follow-ups are due.
	u.as.RevokeAll(demoUser)
	u.srv.DropSMTPConnections()
	for _, _, paused, _ := st.SendingPaused(ctx); !paused; _, _, paused, _ = st.SendingPaused(ctx) {
		u.clk.next(t)
	}
	if n := len(u.srv.Received()); n != 3 {
		t.Fatalf("%d notes sent after access was withdrawn", n-3)
	}
	out, _, _ := u.run("status")
	if !strings.Contains(out, "PAUSED") || !strings.Contains(out, "run `rapport login google` again") {
		t.Errorf("status does not say what to do:\n%s", out)
	}
	_, errs, code := u.run("check")
	if code != exitValidation || !strings.Contains(errs, "run `rapport login google` again") {
		t.Errorf("check: exit %d %s", code, errs)
	}
	uncertain, _ := st.Sends(ctx, store.SendFilter{States: []contact.SendState{contact.SendSending, contact.SendUnknown}})
	if len(uncertain) != 0 {
		t.Errorf("%d sends left uncertain by the pause", len(uncertain))
	}

	// A new login resumes sending; the follow-ups go out once each.
	out, errs, code = u.run("login", "google")
	if code != 0 || !strings.Contains(errs, "sending is resumed") {
		t.Fatalf("login again: exit %d %s %s", code, out, errs)
	}
	for received(u.srv, "jokafor@riverside.test") < 2 || received(u.srv, "wzhou@maplepeds.test") < 2 || received(u.srv, "malvarez@elmpeds.test") < 2 {
		u.clk.next(t)
	}
	// The watcher logs in again, with the renewed sign-in. The clock moves
	// only while it waits to reconnect: a leap while it logs in would let
	// the fresh token expire on the way.
	dropped := u.clk.Now()
	u.srv.DropIMAPConnections()
	waitFor(t, "the watcher to log in again", func() bool {
		v, _, _, _ := st.Setting(ctx, daemon.KeyWatcher)
		ws, err := inbox.ParseState(v)
		if err != nil {
			return false
		}
		if ws.Phase == inbox.PhaseReconnecting {
			u.clk.next(t)
		}
		return ws.Phase == inbox.PhaseIdle && !ws.Since.Before(dropped)
	})
	stop()
	if err := <-done; err != nil {
		t.Fatalf("daemon: %v", err)
	}
	for _, to := range []string{"jokafor@riverside.test", "wzhou@maplepeds.test", "malvarez@elmpeds.test"} {
		if n := received(u.srv, to); n != 2 {
			t.Errorf("%s got %d notes, want the intro and one follow-up", to, n)
		}
	}
	if !strings.Contains(logs.String(), "oauth_refreshed") || !strings.Contains(logs.String(), "sending_paused") {
		t.Errorf("the log does not tell the story:\n%s", logs.String())
	}
	u.noTokens(t, logs.String())
}
