package mailer

import (
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"rapport/internal/localmail"
)

const (
	therapist = "lee@drlee.test"
	password  = "app-password-1234"
)

func mailServer(t testing.TB, opts localmail.Options) *localmail.Server {
	t.Helper()
	srv, err := localmail.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.AddUser(therapist, password)
	return srv
}

// smtpOptions points at srv's submission port the way a user's config
// would: STARTTLS and AUTH when the server has TLS, else plain loopback.
func smtpOptions(t testing.TB, srv *localmail.Server) Options {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.SMTPAddr())
	p, _ := strconv.Atoi(port)
	o := Options{Host: host, Port: p, Security: None, Username: therapist, Password: password, HelloName: "client.drlee.test", Timeout: 5 * time.Second}
	if ca := srv.RootCAs(); ca != nil {
		o.Security, o.RootCAs = STARTTLS, ca
	}
	return o
}

func newClient(t testing.TB, o Options) *Client {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// note builds a note to to with a fresh Message-ID.
func note(t testing.TB, to string) *gomail.Msg {
	t.Helper()
	m := sampleMessage()
	m.To, m.MessageID = to, NewMessageID("drlee.test", time.Now())
	msg, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func messageID(msg *gomail.Msg) string {
	id := msg.GetMessageID()
	return id[1 : len(id)-1]
}

// received counts the copies of a Message-ID the server accepted.
func received(srv *localmail.Server, id string) int {
	n := 0
	for _, env := range srv.Received() {
		if env.MessageID == id {
			n++
		}
	}
	return n
}

func mustRender(t testing.TB, msg *gomail.Msg) []byte {
	t.Helper()
	raw, err := Render(msg)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func send(t testing.TB, c *Client, msg *gomail.Msg) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.Send(ctx, msg)
}

func port(t testing.TB, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(p)
	return n
}
