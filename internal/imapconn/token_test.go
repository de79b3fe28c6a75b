package imapconn

import (
	"context"
	"errors"
	"strings"
	"testing"

	"rapport/internal/localmail"
)

// tokenSource hands out one token, or fails.
type tokenSource struct {
	token string
	err   error
	calls int
}

func (s *tokenSource) AccessToken(context.Context) (string, error) {
	s.calls++
	return s.token, s.err
}

type signInError struct{ temporary bool }

func (e signInError) Error() string {
	return "the sign-in with Google no longer works: run `rapport login google` again"
}
func (e signInError) Temporary() bool { return e.temporary }

func TestDialWithATokenSource(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, VerifyToken: func(u, tok string) error {
		if u == user && tok == "fresh-token" {
			return nil
		}
		return errors.New("invalid")
	}})
	dial := func(ts *tokenSource) error { return dialAt(t, srv, srv.IMAPAddr(), ts) }
	t.Run("a fresh token logs in", func(t *testing.T) {
		ts := &tokenSource{token: "fresh-token"}
		if err := dial(ts); err != nil || ts.calls != 1 {
			t.Fatalf("err %v, %d calls", err, ts.calls)
		}
	})
	t.Run("a refused token says to sign in again", func(t *testing.T) {
		err := dial(&tokenSource{token: "revoked-token"})
		var e *Error
		if !errors.As(err, &e) || e.Step != StepLogin || e.Temporary() || !strings.Contains(err.Error(), "refused the sign-in token: run `rapport login google` again") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "revoked-token") {
			t.Errorf("the token is in the error: %v", err)
		}
	})
	for _, temporary := range []bool{false, true} {
		t.Run("the token source fails", func(t *testing.T) {
			// Nothing listens there: a dial would fail at "connect".
			err := dialAt(t, srv, "127.0.0.1:1", &tokenSource{err: signInError{temporary}})
			var e *Error
			if !errors.As(err, &e) || e.Step != StepLogin || e.Temporary() != temporary || !strings.Contains(err.Error(), "rapport login google") {
				t.Fatalf("err = %v", err)
			}
		})
	}
	t.Run("a password and a token source together", func(t *testing.T) {
		o := options(t, srv.IMAPAddr(), STARTTLS)
		o.Auth, o.Tokens = AuthXOAuth2, &tokenSource{}
		if err := o.Validate(); err == nil {
			t.Error("accepted")
		}
	})
}

func dialAt(t *testing.T, srv *localmail.Server, addr string, ts *tokenSource) error {
	o := options(t, addr, STARTTLS)
	o.RootCAs, o.Auth, o.Password, o.Tokens = srv.RootCAs(), AuthXOAuth2, "", ts
	o.TokenHint = "run `rapport login google` again"
	c, err := Dial(context.Background(), o)
	if err == nil {
		c.Close()
	}
	return err
}
