package localmail

import (
	"crypto/tls"
	"errors"
	"testing"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// tokens is a stand-in for an authorization server's verifier.
func tokens(user, token string) error {
	if user == therapist && token == "good-token" {
		return nil
	}
	return errors.New("invalid token")
}

func TestOAuthLoginsCheckTheTokenNotThePassword(t *testing.T) {
	srv := start(t, Options{TLS: true, RequireAuth: true, VerifyToken: tokens})
	mechs := map[string]func(token string) sasl.Client{
		"XOAUTH2": func(tok string) sasl.Client { return xoauth2{therapist, tok} },
		"OAUTHBEARER": func(tok string) sasl.Client {
			return sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: therapist, Token: tok})
		},
	}
	for name, client := range mechs {
		t.Run("SMTP "+name, func(t *testing.T) {
			if err := smtpClient(t, srv, false).Auth(client("good-token")); err != nil {
				t.Errorf("a valid token is refused: %v", err)
			}
			for _, bad := range []string{password, "stale-token"} {
				err := smtpClient(t, srv, false).Auth(client(bad))
				// XOAUTH2 ends in 535; go-sasl's OAUTHBEARER client stops
				// at the server's JSON status itself.
				var se *smtp.SMTPError
				var be *sasl.OAuthBearerError
				if !(errors.As(err, &se) && se.Code == 535) && !errors.As(err, &be) {
					t.Errorf("token %q: %v", bad, err)
				}
			}
		})
		t.Run("IMAP "+name, func(t *testing.T) {
			for tok, ok := range map[string]bool{"good-token": true, password: false, "stale-token": false} {
				c, err := imapclient.DialStartTLS(srv.IMAPAddr(), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: srv.RootCAs(), ServerName: "localhost"}})
				if err != nil {
					t.Fatal(err)
				}
				err = c.Authenticate(client(tok))
				if (err == nil) != ok {
					t.Errorf("token %q: %v", tok, err)
				}
				if ok {
					if _, err := c.Select("INBOX", nil).Wait(); err != nil {
						t.Error(err)
					}
				}
				c.Close()
			}
		})
	}
}
