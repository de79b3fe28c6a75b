package oauth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rapport/internal/oauth/oauthtest"
)

func TestLoginThroughTheBrowser(t *testing.T) {
	clk := newClock()
	t.Run("first sign-in keeps a refresh token and who signed in", func(t *testing.T) {
		as := authServer(t, clk, oauthtest.Options{})
		g, err := login(t, provider(t, Google, as), clk)
		if err != nil {
			t.Fatal(err)
		}
		if g.Account != anna || g.RefreshToken == "" || g.AccessToken == "" || !g.Expiry.Equal(clk.Now().Add(time.Hour)) {
			t.Errorf("grant = %+v", g)
		}
		if err := as.Verify(anna, string(g.AccessToken)); err != nil {
			t.Errorf("the mail server refuses the new token: %v", err)
		}
	})
	t.Run("consent not granted", func(t *testing.T) {
		as := authServer(t, clk, oauthtest.Options{})
		as.SetDeny(true)
		_, err := login(t, provider(t, Google, as), clk)
		wantKind(t, err, Consent, "consent not granted", "rapport login google")
	})
	t.Run("mail access left unticked", func(t *testing.T) {
		as := authServer(t, clk, oauthtest.Options{Scopes: []string{"openid", "email"}})
		_, err := login(t, provider(t, Google, as), clk)
		wantKind(t, err, Consent, "mail access was not ticked")
	})
	t.Run("the wrong account signed in", func(t *testing.T) {
		as := authServer(t, clk, oauthtest.Options{Account: "anna.lee.private@gmail.example"})
		_, err := login(t, provider(t, Google, as), clk)
		wantKind(t, err, WrongAccount, "anna.lee.private@gmail.example", anna)
	})
	t.Run("nobody answers", func(t *testing.T) {
		as := authServer(t, clk, oauthtest.Options{})
		fire := make(chan time.Time, 1)
		fire <- clk.Now()
		_, err := provider(t, Microsoft, as).Login(context.Background(), LoginOptions{After: func(time.Duration) <-chan time.Time { return fire }})
		wantKind(t, err, Cancelled, "no answer from the browser", "nothing was changed")
	})
}

func TestDeviceLogin(t *testing.T) {
	clk := newClock()
	for _, tc := range []struct {
		name    string
		decline bool
	}{{"signed in on another device", false}, {"declined on the other device", true}} {
		t.Run(tc.name, func(t *testing.T) {
			as := authServer(t, clk, oauthtest.Options{})
			p := provider(t, Microsoft, as)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var url string
			g, err := p.DeviceLogin(ctx, LoginOptions{Account: anna, Now: clk.Now, Show: func(u, code string) {
				url = u
				if !as.Approve(code, anna, tc.decline) {
					t.Errorf("code %q unknown to the server", code)
				}
			}})
			if url == "" {
				t.Error("no address shown")
			}
			if tc.decline {
				wantKind(t, err, Consent, "consent not granted", "Microsoft 365 administrator")
				return
			}
			if err != nil || g.Account != anna || g.RefreshToken == "" {
				t.Fatalf("grant %+v, err %v", g, err)
			}
		})
	}
	t.Run("google does not allow it for mail", func(t *testing.T) {
		as := authServer(t, clk, oauthtest.Options{})
		_, err := provider(t, Google, as).DeviceLogin(context.Background(), LoginOptions{})
		wantKind(t, err, Cancelled, "without --device")
	})
}

func wantKind(t *testing.T, err error, k Kind, words ...string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != k {
		t.Fatalf("err = %v (%#v), want kind %d", err, err, k)
	}
	for _, w := range words {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message lacks %q: %v", w, err)
		}
	}
}
