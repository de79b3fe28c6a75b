package imapconn

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/localmail"
)

const (
	user = "lee@drlee.test"
	pass = "s3cret-Horse"
)

func mailServer(t *testing.T, opts localmail.Options) *localmail.Server {
	t.Helper()
	srv, err := localmail.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.AddUser(user, pass)
	return srv
}

func options(t *testing.T, addr, security string) Options {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(port)
	return Options{Host: host, Port: p, Security: security, Username: user, Password: pass, Timeout: 5 * time.Second}
}

func TestDialEachSecurity(t *testing.T) {
	tlsSrv := mailServer(t, localmail.Options{TLS: true, ImplicitTLS: true})
	plain := mailServer(t, localmail.Options{})
	cases := []struct {
		name string
		o    Options
	}{
		{"starttls", options(t, tlsSrv.IMAPAddr(), STARTTLS)},
		{"implicit tls", options(t, tlsSrv.IMAPTLSAddr(), TLS)},
		{"none on loopback", options(t, plain.IMAPAddr(), None)},
	}
	for _, auth := range []string{"", AuthLogin, AuthPlain, AuthXOAuth2} {
		for _, tc := range cases {
			t.Run(tc.name+" auth="+auth, func(t *testing.T) {
				o := tc.o
				o.RootCAs, o.Auth = tlsSrv.RootCAs(), auth
				c, err := Dial(context.Background(), o)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := c.Select("INBOX", nil).Wait(); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestDialRefusesAServerWithoutSTARTTLS(t *testing.T) {
	srv := mailServer(t, localmail.Options{})
	_, err := Dial(context.Background(), options(t, srv.IMAPAddr(), STARTTLS))
	if !errors.Is(err, ErrNoSTARTTLS) {
		t.Fatalf("err = %v, want ErrNoSTARTTLS", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Step != StepTLS {
		t.Errorf("step = %+v", e)
	}
	if !strings.Contains(err.Error(), "does not offer STARTTLS") {
		t.Errorf("message %q does not say so", err)
	}
}

func TestDialErrorsNameTheStep(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true})
	refused := closedPort(t)
	wrong := options(t, srv.IMAPAddr(), STARTTLS)
	wrong.RootCAs, wrong.Password = srv.RootCAs(), "not-the-password"
	cases := []struct {
		name string
		o    Options
		step string
		want string
	}{
		{"connection refused", options(t, refused, TLS), StepConnect, "refused"},
		{"certificate from an unknown CA", options(t, srv.IMAPAddr(), STARTTLS), StepTLS, "could not be verified"},
		{"wrong password", wrong, StepLogin, "refused the username or password"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Dial(context.Background(), tc.o)
			var e *Error
			if !errors.As(err, &e) || e.Step != tc.step {
				t.Fatalf("err = %v, want step %s", err, tc.step)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%q does not contain %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tc.o.Password) {
				t.Errorf("the password leaked: %q", err)
			}
		})
	}
}

func TestDialTimesOutOnASilentServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // accept, then never greet
		}
	}()
	o := options(t, ln.Addr().String(), None)
	o.Timeout = 200 * time.Millisecond // the protocol timeout under test
	_, err = Dial(context.Background(), o)
	var e *Error
	if !errors.As(err, &e) || e.Step != StepConnect || !e.Temporary() {
		t.Fatalf("err = %v, want a temporary connect error", err)
	}
}

func TestDebugLogNeverContainsThePassword(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true})
	for _, password := range []string{pass, `quo"te\back`, "pässwörd with spaces", "{5}"} {
		srv.AddUser(user, password)
		for _, auth := range []string{"", AuthPlain, AuthXOAuth2} {
			var log bytes.Buffer
			o := options(t, srv.IMAPAddr(), STARTTLS)
			o.RootCAs, o.Auth, o.Password, o.Debug = srv.RootCAs(), auth, password, &log
			c, err := Dial(context.Background(), o)
			if err != nil {
				t.Fatalf("password %q auth %q: %v", password, auth, err)
			}
			c.Logout().Wait()
			c.Close()
			if strings.Contains(log.String(), password) || !strings.Contains(log.String(), "<redacted>") {
				t.Errorf("password %q auth %q: log:\n%s", password, auth, log.String())
			}
			if !strings.Contains(log.String(), "C: RSTLS STARTTLS") || !strings.Contains(log.String(), "LOGOUT") {
				t.Errorf("log misses the protocol:\n%s", log.String())
			}
		}
	}
}

func TestFindSpecialUse(t *testing.T) {
	srv := mailServer(t, localmail.Options{})
	c, err := Dial(context.Background(), options(t, srv.IMAPAddr(), None))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for attr, want := range map[imap.MailboxAttr]string{imap.MailboxAttrSent: "Sent", imap.MailboxAttrJunk: "Junk"} {
		if got, err := FindSpecialUse(c, attr); err != nil || got != want {
			t.Errorf("FindSpecialUse(%s) = %q, %v", attr, got, err)
		}
	}
	if err := c.Create("Old Archives", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if got, err := FindSpecialUse(c, imap.MailboxAttrArchive, "Archive", "old archives"); err != nil || got != "Old Archives" {
		t.Errorf("fallback by name = %q, %v", got, err)
	}
	if _, err := FindSpecialUse(c, imap.MailboxAttrFlagged); !errors.Is(err, ErrNoMailbox) {
		t.Errorf("err = %v, want ErrNoMailbox", err)
	}
}

func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
