package mailer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"rapport/internal/localmail"
)

// tokens hands out the current token, or fails.
type tokens struct {
	token string
	err   error
	calls int
}

func (s *tokens) AccessToken(context.Context) (string, error) {
	s.calls++
	return s.token, s.err
}

type lostSignIn struct{ temporary bool }

func (e lostSignIn) Error() string {
	return "the sign-in with Microsoft no longer works: run `rapport login microsoft` again"
}
func (e lostSignIn) Temporary() bool { return e.temporary }

func oauthServer(t *testing.T) *localmail.Server {
	return mailServer(t, localmail.Options{TLS: true, RequireAuth: true, VerifyToken: func(u, tok string) error {
		if u == therapist && tok == "token-2" {
			return nil
		}
		return errors.New("invalid token")
	}})
}

func oauthClient(t *testing.T, srv *localmail.Server, ts *tokens) *Client {
	o := smtpOptions(t, srv)
	o.Password, o.Auth, o.Tokens, o.TokenHint = "", AuthXOAuth2, ts, "run `rapport login microsoft` again"
	return newClient(t, o)
}

func TestSendingWithASignIn(t *testing.T) {
	t.Run("each login takes the current token", func(t *testing.T) {
		srv := oauthServer(t)
		ts := &tokens{token: "token-2"}
		c := oauthClient(t, srv, ts)
		if res := send(t, c, note(t, "frontdesk@pediatrics.test")); res.Outcome != Sent {
			t.Fatalf("first note: %v", res)
		}
		srv.DropConnections() // the provider closes idle connections
		if res := send(t, c, note(t, "pastor@church.test")); res.Outcome != Sent || ts.calls != 2 {
			t.Fatalf("after reconnecting: %v, %d token calls", res, ts.calls)
		}
		if err := c.Check(context.Background()); err != nil {
			t.Errorf("check: %v", err)
		}
	})
	t.Run("a lost sign-in pauses sending before anything is sent", func(t *testing.T) {
		for _, temporary := range []bool{false, true} {
			srv := oauthServer(t)
			msg := note(t, "frontdesk@pediatrics.test")
			res := send(t, oauthClient(t, srv, &tokens{err: lostSignIn{temporary}}), msg)
			if res.Outcome != Paused || res.Temporary != temporary || res.Step != StepAuth {
				t.Fatalf("result %+v", res)
			}
			if got := res.Err.Error(); got != (lostSignIn{}).Error() {
				t.Errorf("the user reads %q", got)
			}
			if len(srv.Received()) != 0 || srv.SMTPConnections() != 0 {
				t.Error("something was sent or dialled without a token")
			}
		}
	})
	t.Run("a refused token says to sign in again", func(t *testing.T) {
		srv := oauthServer(t)
		res := send(t, oauthClient(t, srv, &tokens{token: "token-1"}), note(t, "frontdesk@pediatrics.test"))
		if res.Outcome != Paused || res.Temporary || !strings.Contains(res.Err.Error(), "refused the sign-in token for "+therapist+": run `rapport login microsoft` again") {
			t.Fatalf("result %v", res)
		}
		if strings.Contains(res.Err.Error(), "token-1") {
			t.Error("the token is in the message")
		}
	})
}

func TestMicrosoftAndGoogleRefusals(t *testing.T) {
	cases := []struct {
		name  string
		fault localmail.Fault
		want  []string
	}{
		{"SMTP AUTH turned off for the tenant", localmail.Fault{At: "auth", Code: 535, Enhanced: [3]int{5, 7, 139},
			Message: "Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information."},
			[]string{"administrator must turn it on", "Authenticated SMTP", "Manage email apps", "5.7.139"}},
		{"basic authentication turned off", localmail.Fault{At: "auth", Code: 535, Enhanced: [3]int{5, 7, 139},
			Message: "Authentication unsuccessful, basic authentication is disabled."},
			[]string{"rapport login microsoft", `auth = "oauth2"`}},
		{"an app password is required", localmail.Fault{At: "auth", Code: 534, Enhanced: [3]int{5, 7, 9},
			Message: "Application-specific password required. Learn more at https://support.google.com/mail/?p=InvalidSecondFactor"},
			[]string{"app password", "myaccount.google.com/apppasswords", "rapport login google"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
			srv.SetFault("*", tc.fault)
			res := send(t, newClient(t, smtpOptions(t, srv)), note(t, "frontdesk@pediatrics.test"))
			if res.Outcome != Paused || res.Temporary {
				t.Fatalf("result %v", res)
			}
			for _, w := range tc.want {
				if !strings.Contains(res.Err.Error(), w) {
					t.Errorf("advice lacks %q: %v", w, res.Err)
				}
			}
		})
	}
}
