package oauth

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"rapport/internal/oauth/oauthtest"
)

// signedIn logs in and keeps the grant in a token file, as `rapport login`
// does.
func signedIn(t *testing.T, p *Provider, clk *clock) (FileStore, *Grant) {
	t.Helper()
	g, err := login(t, p, clk)
	if err != nil {
		t.Fatal(err)
	}
	fs := FileStore{Path: TokenPath(filepath.Join(t.TempDir(), "rapport.db"))}
	if err := fs.Save(context.Background(), g); err != nil {
		t.Fatal(err)
	}
	return fs, g
}

func TestSourceRenewsAheadOfExpiry(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(fmt.Sprintf("rotating refresh tokens %v", rotate), func(t *testing.T) {
			clk := newClock()
			as := authServer(t, clk, oauthtest.Options{Rotate: rotate})
			p := provider(t, Microsoft, as)
			fs, first := signedIn(t, p, clk)
			var logs bytes.Buffer
			src := &Source{Provider: p, Store: fs, Account: anna, Now: clk.Now,
				Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
			ctx := context.Background()

			tok, err := src.AccessToken(ctx)
			if err != nil || tok != string(first.AccessToken) || as.Refreshes() != 0 {
				t.Fatalf("a fresh token should be used as is: %v, %d refreshes", err, as.Refreshes())
			}
			clk.add(54 * time.Minute) // six minutes left: still more than the leeway
			if tok, _ = src.AccessToken(ctx); as.Refreshes() != 0 {
				t.Fatal("renewed too early")
			}
			clk.add(2 * time.Minute) // four minutes left: renew now, before it runs out mid-login
			tok, err = src.AccessToken(ctx)
			if err != nil || tok == string(first.AccessToken) || as.Refreshes() != 1 {
				t.Fatalf("not renewed ahead of expiry: %v, %d refreshes", err, as.Refreshes())
			}
			clk.add(30 * time.Minute) // past the first token's expiry
			if err := as.Verify(anna, tok); err != nil {
				t.Errorf("the renewed token does not log in: %v", err)
			}
			kept, err := fs.Load(ctx)
			if err != nil || string(kept.AccessToken) != tok || kept.Account != anna || kept.SignedIn != first.SignedIn {
				t.Fatalf("the renewal was not kept: %+v %v", kept, err)
			}
			if rotate == (kept.RefreshToken == first.RefreshToken) {
				t.Errorf("refresh token rotated=%v, but kept %v", rotate, kept.RefreshToken == first.RefreshToken)
			}
			if !strings.Contains(logs.String(), "oauth_refreshed") {
				t.Error("the renewal is not logged")
			}
			noSecrets(t, as, "the log", logs.String())
		})
	}
}

func TestSourceWhenTheSignInIsWithdrawn(t *testing.T) {
	clk := newClock()
	as := authServer(t, clk, oauthtest.Options{})
	p := provider(t, Google, as)
	fs, _ := signedIn(t, p, clk)
	var lost *Error
	src := &Source{Provider: p, Store: fs, Account: anna, Now: clk.Now,
		OnSignInLost: func(_ context.Context, e *Error) { lost = e }}
	ctx := context.Background()
	as.RevokeAll(anna)
	clk.add(2 * time.Hour)

	_, err := src.AccessToken(ctx)
	wantKind(t, err, SignInAgain, "run `rapport login google` again", "invalid_grant")
	noSecrets(t, as, "the error", err.Error())
	if e := err.(*Error); e.Temporary() {
		t.Error("a withdrawn sign-in is not temporary")
	}
	if lost == nil {
		t.Error("OnSignInLost was not told: sending would not pause")
	}
	kept, _ := fs.Load(ctx)
	if !strings.Contains(kept.Problem, "rapport login google") {
		t.Errorf("status cannot tell: problem %q", kept.Problem)
	}
	asked := as.TokenRequests()
	if _, err := src.AccessToken(ctx); err == nil || err.Error() != kept.Problem || as.TokenRequests() != asked {
		t.Errorf("a refused sign-in is asked for again (%d requests): %v", as.TokenRequests()-asked, err)
	}

	t.Run("a new sign-in in another process is taken up", func(t *testing.T) {
		if _, err := signedInTo(t, p, clk, fs); err != nil {
			t.Fatal(err)
		}
		tok, err := src.AccessToken(ctx)
		if err != nil || as.Verify(anna, tok) != nil {
			t.Fatalf("after a new login: %v", err)
		}
	})
}

func signedInTo(t *testing.T, p *Provider, clk *clock, fs FileStore) (*Grant, error) {
	g, err := login(t, p, clk)
	if err != nil {
		return nil, err
	}
	return g, fs.Save(context.Background(), g)
}

func TestSourceRefusesWhatItCannotUse(t *testing.T) {
	clk := newClock()
	as := authServer(t, clk, oauthtest.Options{})
	p := provider(t, Google, as)
	fs, _ := signedIn(t, p, clk)
	ctx := context.Background()
	t.Run("not signed in yet", func(t *testing.T) {
		src := &Source{Provider: p, Store: FileStore{Path: filepath.Join(t.TempDir(), "rapport.oauth.json")}}
		_, err := src.AccessToken(ctx)
		wantKind(t, err, NotSignedIn, "run `rapport login google`")
	})
	t.Run("the config now sends as someone else", func(t *testing.T) {
		src := &Source{Provider: p, Store: fs, Account: "office@leefamilytherapy.example", Now: clk.Now}
		_, err := src.AccessToken(ctx)
		wantKind(t, err, WrongAccount, "signed in to Google as "+anna, "office@leefamilytherapy.example")
	})
	t.Run("the provider changed", func(t *testing.T) {
		src := &Source{Provider: provider(t, Microsoft, as), Store: fs, Now: clk.Now}
		_, err := src.AccessToken(ctx)
		wantKind(t, err, NotSignedIn, "is for Google", "rapport login microsoft")
	})
	t.Run("the provider cannot be reached", func(t *testing.T) {
		ep := oauth2.Endpoint{TokenURL: "http://127.0.0.1:1/token", AuthStyle: oauth2.AuthStyleInParams}
		down, _ := Lookup(Settings{Provider: Google, ClientID: "rapport-test", Endpoint: &ep})
		clk.add(2 * time.Hour)
		_, err := (&Source{Provider: down, Store: fs, Now: clk.Now}).AccessToken(ctx)
		wantKind(t, err, Unreachable, "tries again later")
		if !err.(*Error).Temporary() {
			t.Error("a network failure should be temporary")
		}
	})
}

func TestTokenFileIsPrivate(t *testing.T) {
	clk := newClock()
	as := authServer(t, clk, oauthtest.Options{})
	fs, g := signedIn(t, provider(t, Google, as), clk)
	fi, err := os.Stat(fs.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v, %v", fi.Mode().Perm(), err)
	}
	if filepath.Base(fs.Path) != "rapport.oauth.json" {
		t.Errorf("token file %s is not beside rapport.db", fs.Path)
	}
	// The grant printed or logged by mistake shows no token.
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("oops", "grant", g, "token", g.AccessToken)
	noSecrets(t, as, "fmt", fmt.Sprintf("%v %+v %#v %s", g, g, g, g.RefreshToken))
	noSecrets(t, as, "slog", logs.String())

	os.Chmod(fs.Path, 0o644)
	if _, err := fs.Load(context.Background()); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a readable token file is accepted: %v", err)
	}
}

func TestTokenCommand(t *testing.T) {
	clk := newClock()
	as := authServer(t, clk, oauthtest.Options{})
	g, err := login(t, provider(t, Google, as), clk)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	helper := filepath.Join(dir, "keyring-helper")
	os.WriteFile(helper, []byte("#!/bin/sh\ncase \"$1\" in\nget) cat \""+dir+"/kept\" 2>/dev/null ;;\nstore) umask 077; cat > \""+dir+"/kept\" ;;\n*) echo \"unknown action $1\" >&2; exit 2 ;;\nesac\n"), 0o700)
	cs := CommandStore{Cmd: helper}
	ctx := context.Background()
	if _, err := cs.Load(ctx); err == nil || !strings.Contains(err.Error(), "not signed in") {
		t.Errorf("empty keyring: %v", err)
	}
	if err := cs.Save(ctx, g); err != nil {
		t.Fatal(err)
	}
	back, err := cs.Load(ctx)
	if err != nil || back.RefreshToken != g.RefreshToken || back.Account != anna {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	bad := CommandStore{Cmd: "echo " + string(g.RefreshToken) + "; echo keyring is locked >&2; exit 1"}
	_, err = bad.Load(ctx)
	if err == nil || !strings.Contains(err.Error(), "keyring is locked") {
		t.Errorf("failing helper: %v", err)
	}
	noSecrets(t, as, "the helper's error", err.Error())
}
