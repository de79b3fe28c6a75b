package localmail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

const (
	therapist = "lee@drlee.test"
	password  = "correct horse"
)

// start runs a Server for the test, with the therapist as a user.
func start(t *testing.T, opts Options) *Server {
	t.Helper()
	srv, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.AddUser(therapist, password)
	return srv
}

func note(from, to, subject string) []byte {
	id := fmt.Sprintf("%d.%s@drlee.test", time.Now().UnixNano(), strings.ReplaceAll(subject, " ", "-"))
	return []byte("From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + id + ">\r\nDate: Mon, 23 Nov 2026 10:15:00 +0000\r\n\r\nHello.\r\n")
}

// smtpClient connects to srv's plain port (with STARTTLS when the server
// has TLS) and logs in as the therapist when auth is set.
func smtpClient(t *testing.T, srv *Server, auth bool) *smtp.Client {
	t.Helper()
	var c *smtp.Client
	var err error
	if srv.opts.TLS {
		c, err = smtp.DialStartTLS(srv.SMTPAddr(), &tls.Config{RootCAs: srv.RootCAs(), ServerName: "localhost"})
	} else {
		c, err = smtp.Dial(srv.SMTPAddr())
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if auth {
		if err := c.Auth(sasl.NewPlainClient("", therapist, password)); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// send runs one SMTP transaction and returns the first error.
func send(c *smtp.Client, from, to string, msg []byte) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	if err := c.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	return w.Close()
}

func smtpCode(t *testing.T, err error) (int, [3]int) {
	t.Helper()
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		t.Fatalf("want an SMTP error, got %v", err)
	}
	return se.Code, [3]int(se.EnhancedCode)
}

func imapLogin(t *testing.T, srv *Server, opts *imapclient.Options) *imapclient.Client {
	t.Helper()
	if opts == nil {
		opts = &imapclient.Options{}
	}
	var c *imapclient.Client
	var err error
	if srv.opts.TLS {
		opts.TLSConfig = &tls.Config{RootCAs: srv.RootCAs()}
		c, err = imapclient.DialStartTLS(srv.IMAPAddr(), opts)
	} else {
		c, err = imapclient.DialInsecure(srv.IMAPAddr(), opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(therapist, password).Wait(); err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func plainAuth() sasl.Client { return sasl.NewPlainClient("", therapist, password) }
func wrongAuth() sasl.Client { return sasl.NewPlainClient("", therapist, "wrong") }
