package oauth

import (
	"context"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// LoginTimeout is how long Login waits for the browser by default.
const LoginTimeout = 10 * time.Minute

// LoginOptions configure a sign-in.
type LoginOptions struct {
	// Account is the address rapport sends as: the provider is asked to
	// offer it (login_hint), and a sign-in with another account is refused.
	// "" accepts any.
	Account string
	// Show prints where to sign in: the address to open (Login) or the
	// address and the code to type (DeviceLogin). Always called, so the
	// user can sign in even when no browser opens.
	Show func(url, code string)
	// Open opens url in the user's browser; nil opens nothing (see
	// OpenBrowser).
	Open func(url string) error
	Now  func() time.Time
	// After is the clock Login times out on; nil means time.After.
	After   func(time.Duration) <-chan time.Time
	Timeout time.Duration // 0 means LoginTimeout
}

// callback is what the browser brought back to the loopback listener.
type callback struct {
	code, err, desc string
}

// Login signs in through the browser with the loopback redirect and PKCE
// (RFC 8252 §7.3, RFC 7636 S256): it listens on 127.0.0.1 on a port the
// kernel picks, shows (and opens) the provider's sign-in page, waits for
// the redirect, and exchanges the code. The grant is returned, not kept:
// the caller saves it.
func (p *Provider) Login(ctx context.Context, o LoginOptions) (*Grant, error) {
	lns, port, err := listenLoopback(p.RedirectHost)
	if err != nil {
		return nil, err
	}
	cfg := p.oauthConfig("http://" + net.JoinHostPort(p.RedirectHost, strconv.Itoa(port)) + "/")
	state, verifier := oauth2.GenerateVerifier(), oauth2.GenerateVerifier()
	opts := append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}, p.authParams...)
	if o.Account != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", o.Account))
	}
	results := make(chan callback, 1)
	srv := &http.Server{Handler: p.callbackHandler(state, results), ReadHeaderTimeout: 10 * time.Second}
	for _, ln := range lns {
		go srv.Serve(ln)
	}
	defer srv.Close()
	url := cfg.AuthCodeURL(state, opts...)
	if o.Show != nil {
		o.Show(url, "")
	}
	if o.Open != nil {
		_ = o.Open(url) // the address is shown anyway
	}
	cb, err := p.await(ctx, o, results)
	if err != nil {
		return nil, err
	}
	t, err := cfg.Exchange(p.ctx(ctx), cb.code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, exchangeError(p, err)
	}
	return p.accept(grantOf(p, t, now(o.Now)), o.Account, now(o.Now))
}

// listenLoopback listens on 127.0.0.1, and for "localhost" also on ::1 at
// the same port, since a browser may try either.
func listenLoopback(host string) ([]net.Listener, int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, fmt.Errorf("listen for the sign-in's answer on 127.0.0.1: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	lns := []net.Listener{ln}
	if host == "localhost" {
		if ln6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(port))); err == nil {
			lns = append(lns, ln6)
		}
	}
	return lns, port, nil
}

func (p *Provider) await(ctx context.Context, o LoginOptions, results <-chan callback) (callback, error) {
	after, timeout := o.After, o.Timeout
	if after == nil {
		after = time.After
	}
	if timeout <= 0 {
		timeout = LoginTimeout
	}
	select {
	case cb := <-results:
		if cb.err != "" {
			if cb.err == "access_denied" || cb.err == "consent_required" || cb.err == "interaction_required" {
				return cb, consentError(p, cb.err, " ("+p.Title+" said: "+clean(cb.err+" "+cb.desc, nil)+")")
			}
			return cb, newError(Cancelled, p, cb.err, "the sign-in with "+p.Title+" did not complete ("+p.Title+" said: "+clean(cb.err+" "+cb.desc, nil)+"); run `rapport login "+p.Name+"` again", nil)
		}
		return cb, nil
	case <-ctx.Done():
		return callback{}, newError(Cancelled, p, "", "the sign-in with "+p.Title+" was interrupted; nothing was changed", ctx.Err())
	case <-after(timeout):
		return callback{}, newError(Cancelled, p, "", fmt.Sprintf("no answer from the browser in %s; nothing was changed: run `rapport login %s` again", timeout, p.Name), nil)
	}
}

// callbackHandler answers the browser's redirect and passes its result on
// once. A request without the right state is not from this sign-in (RFC
// 6749 §10.12) and is turned away.
func (p *Provider) callbackHandler(state string, results chan<- callback) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/" || q.Get("state") != state {
			http.Error(w, "This page is not part of the current rapport sign-in.", http.StatusBadRequest)
			return
		}
		cb := callback{code: q.Get("code"), err: q.Get("error"), desc: q.Get("error_description")}
		if cb.code == "" && cb.err == "" {
			cb.err = "no_code"
		}
		page(w, cb, p.Title)
		select {
		case results <- cb:
		default: // a second answer (a reload): the first one counts
		}
	})
}

func page(w http.ResponseWriter, cb callback, title string) {
	msg := "You are signed in to " + title + ". You can close this tab and go back to rapport."
	if cb.err != "" {
		msg = "The sign-in did not complete: " + cb.err + ". Go back to rapport to see what to do."
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	fmt.Fprintf(w, "<!doctype html><meta charset=utf-8><title>rapport</title><p style=\"font:1.2em sans-serif;margin:3em\">%s</p>\n", html.EscapeString(msg))
}

// exchangeError explains a failed code exchange: a refused code means the
// sign-in must start over, not that an old sign-in expired.
func exchangeError(p *Provider, err error) error {
	e := classify(p, err)
	if e.Kind == SignInAgain {
		e.Kind = Cancelled
		e.Msg = "the sign-in with " + p.Title + " could not be completed (" + e.Code + "); run `rapport login " + p.Name + "` again"
	}
	return e
}

// accept checks a fresh grant: mail access granted, a refresh token given,
// the right account.
func (p *Provider) accept(g *Grant, account string, at time.Time) (*Grant, error) {
	if !granted(g.Scope, p.MailScopes) {
		return nil, consentError(p, "", " (mail access was not ticked)")
	}
	if g.RefreshToken == "" {
		return nil, newError(SignInAgain, p, "", p.Title+" gave no refresh token, so the sign-in would stop working within the hour: run `rapport login "+p.Name+"` again", nil)
	}
	if account != "" && g.Account != "" && !strings.EqualFold(g.Account, account) {
		return nil, wrongAccount(p, g.Account, account)
	}
	g.SignedIn = at
	return g, nil
}

func now(f func() time.Time) time.Time {
	if f != nil {
		return f()
	}
	return time.Now()
}
