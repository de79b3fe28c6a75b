package mailer

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"rapport/internal/localmail"
)

func TestSendOverSTARTTLSWithAuthAndDSN(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	o := smtpOptions(t, srv)
	o.DSN = true
	c := newClient(t, o)
	msg := note(t, "frontdesk@pediatrics.test")
	res := send(t, c, msg)
	if res.Outcome != Sent || res.Err != nil || res.Code != 250 || !strings.Contains(res.Response, "queued") {
		t.Fatalf("result %+v", res)
	}
	got := srv.Received()
	if len(got) != 1 || got[0].Auth != therapist || got[0].From != therapist {
		t.Fatalf("received %+v", got)
	}
	if !bytes.Equal(got[0].Data, mustRender(t, msg)) {
		t.Error("the server received other bytes than Render gives")
	}
	if got[0].Ret != "HDRS" || !slices.Equal(got[0].Notify, []string{"FAILURE", "DELAY"}) {
		t.Errorf("DSN RET=%q NOTIFY=%v", got[0].Ret, got[0].Notify)
	}
}

func TestSendEachSecurityAndAuth(t *testing.T) {
	tlsSrv := mailServer(t, localmail.Options{TLS: true, ImplicitTLS: true, RequireAuth: true})
	plain := mailServer(t, localmail.Options{RequireAuth: true})
	implicit := smtpOptions(t, tlsSrv)
	implicit.Security, implicit.Port = TLS, port(t, tlsSrv.SMTPTLSAddr())
	cases := map[string]Options{
		"starttls":         smtpOptions(t, tlsSrv),
		"implicit tls":     implicit,
		"none on loopback": smtpOptions(t, plain),
	}
	for name, o := range cases {
		for _, auth := range []string{"", AuthPlain, AuthLogin, AuthXOAuth2} {
			t.Run(name+" auth="+auth, func(t *testing.T) {
				o.Auth = auth
				c := newClient(t, o)
				if err := c.Check(context.Background()); err != nil {
					t.Fatalf("Check: %v", err)
				}
				if res := send(t, c, note(t, "pastor@church.test")); res.Outcome != Sent {
					t.Fatalf("%v", res)
				}
			})
		}
	}
}

func TestNewRefusesClearTextToAnotherHost(t *testing.T) {
	for _, host := range []string{"smtp.fastmail.com", "192.168.1.20", "mail.local"} {
		_, err := New(Options{Host: host, Security: None, Username: therapist, Password: password})
		if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), "clear text") {
			t.Errorf("%s: err = %v", host, err)
		}
	}
	for _, o := range []Options{{Security: STARTTLS}, {Host: "smtp.x.test", Security: "ssl"}, {Host: "smtp.x.test", Security: TLS, Username: "u"}} {
		if _, err := New(o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
}

func TestUnverifiedCertificatePauses(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	o := smtpOptions(t, srv)
	o.RootCAs = nil // the system's roots do not know localmail's CA
	c := newClient(t, o)
	res := send(t, c, note(t, "frontdesk@pediatrics.test"))
	if res.Outcome != Paused || res.Step != StepTLS || res.Temporary {
		t.Fatalf("result %+v", res)
	}
	if !strings.Contains(res.Err.Error(), "certificate could not be verified") {
		t.Errorf("message %q", res.Err)
	}
	var e *Error
	if err := c.Check(context.Background()); !errors.As(err, &e) || e.Step != StepTLS {
		t.Errorf("Check: %v", err)
	}
	if len(srv.Received()) != 0 {
		t.Error("a message went out over an unverified connection")
	}
}

func TestServerWithoutSTARTTLSPauses(t *testing.T) {
	srv := mailServer(t, localmail.Options{})
	o := smtpOptions(t, srv)
	o.Security = STARTTLS
	res := send(t, newClient(t, o), note(t, "a@x.test"))
	if res.Outcome != Paused || res.Step != StepTLS || !strings.Contains(res.Err.Error(), "STARTTLS") {
		t.Fatalf("result %+v", res)
	}
}

func TestConnectionRefusedPausesTemporarily(t *testing.T) {
	srv := mailServer(t, localmail.Options{})
	o := smtpOptions(t, srv)
	srv.Close()
	res := send(t, newClient(t, o), note(t, "a@x.test"))
	if res.Outcome != Paused || res.Step != StepConnect || !res.Temporary {
		t.Fatalf("result %+v", res)
	}
}

func TestHundredMessagesOverOneConnection(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	c := newClient(t, smtpOptions(t, srv))
	for i := range 100 {
		if res := send(t, c, note(t, "doctor@clinic.test")); res.Outcome != Sent {
			t.Fatalf("message %d: %v", i, res)
		}
	}
	if n := srv.SMTPConnections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
	if n := len(srv.Received()); n != 100 {
		t.Errorf("%d received", n)
	}
}

func TestSendFaults(t *testing.T) {
	cases := []struct {
		name    string
		fault   localmail.Fault
		outcome Outcome
		step    string
		code    int
		enh     string
	}{
		{"greylisting", localmail.Fault{At: "rcpt", Code: 451, Enhanced: [3]int{4, 7, 1}, Message: "Greylisted, try again in 5 minutes"}, Deferred, StepRcpt, 451, "4.7.1"},
		{"user unknown", localmail.Fault{At: "rcpt", Code: 550, Enhanced: [3]int{5, 1, 1}, Message: "User unknown"}, Failed, StepRcpt, 550, "5.1.1"},
		{"mailbox full", localmail.Fault{At: "rcpt", Code: 552, Enhanced: [3]int{5, 2, 2}, Message: "Mailbox full"}, Deferred, StepRcpt, 552, "5.2.2"},
		{"message too big", localmail.Fault{At: "data", Code: 552, Enhanced: [3]int{5, 3, 4}, Message: "Message size exceeds fixed limit"}, Paused, StepData, 552, "5.3.4"},
		{"policy at rcpt", localmail.Fault{At: "rcpt", Code: 550, Enhanced: [3]int{5, 7, 1}, Message: "Relaying denied"}, Paused, StepRcpt, 550, "5.7.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
			srv.SetFault("frontdesk@pediatrics.test", tc.fault)
			c := newClient(t, smtpOptions(t, srv))
			res := send(t, c, note(t, "frontdesk@pediatrics.test"))
			if res.Outcome != tc.outcome || res.Step != tc.step || res.Code != tc.code || res.Enhanced != tc.enh {
				t.Fatalf("result %+v", res)
			}
			if res.Err == nil || !strings.Contains(res.Err.Error(), tc.fault.Message) {
				t.Errorf("error %v does not quote the server", res.Err)
			}
			if next := send(t, c, note(t, "pastor@church.test")); next.Outcome != Sent {
				t.Errorf("the next message on the connection: %v", next)
			}
			if n := srv.SMTPConnections(); n != 1 {
				t.Errorf("%d connections, want 1", n)
			}
		})
	}
}

func TestAccountLevelRefusalsPause(t *testing.T) {
	cases := []struct {
		name      string
		key       string
		fault     localmail.Fault
		step      string
		temporary bool
	}{
		{"wrong password", "*", localmail.Fault{At: "auth", Code: 535, Enhanced: [3]int{5, 7, 8}, Message: "Username and Password not accepted"}, StepAuth, false},
		{"login unavailable", "*", localmail.Fault{At: "auth", Code: 454, Enhanced: [3]int{4, 7, 0}, Message: "Temporary authentication failure"}, StepAuth, true},
		{"daily quota", therapist, localmail.Fault{At: "mail", Code: 550, Enhanced: [3]int{5, 4, 5}, Message: "Daily user sending limit exceeded"}, StepMail, false},
		{"rate limited", therapist, localmail.Fault{At: "mail", Code: 451, Enhanced: [3]int{4, 7, 500}, Message: "Server busy"}, StepMail, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
			srv.SetFault(tc.key, tc.fault)
			res := send(t, newClient(t, smtpOptions(t, srv)), note(t, "frontdesk@pediatrics.test"))
			if res.Outcome != Paused || res.Step != tc.step || res.Temporary != tc.temporary {
				t.Fatalf("result %+v", res)
			}
			if strings.Contains(res.Err.Error(), password) {
				t.Error("the password leaked into the error")
			}
		})
	}
}

func TestReconnectsAfter421BeforeData(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	c := newClient(t, smtpOptions(t, srv))
	if res := send(t, c, note(t, "pastor@church.test")); res.Outcome != Sent {
		t.Fatal(res)
	}
	srv.SetFault("*", localmail.Fault{At: "rcpt", CloseAfter: true, Enhanced: [3]int{4, 7, 0}, Message: "Try again later, closing connection", Times: 1})
	msg := note(t, "frontdesk@pediatrics.test")
	if res := send(t, c, msg); res.Outcome != Sent {
		t.Fatalf("result %+v", res)
	}
	if n := received(srv, messageID(msg)); n != 1 {
		t.Errorf("delivered %d times, want exactly once", n)
	}
	if n := srv.SMTPConnections(); n != 2 {
		t.Errorf("%d connections, want 2 (one reconnect)", n)
	}
}

func TestRetriesOnlyOnceOn421(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	srv.SetFault("*", localmail.Fault{At: "rcpt", CloseAfter: true, Enhanced: [3]int{4, 7, 0}})
	res := send(t, newClient(t, smtpOptions(t, srv)), note(t, "frontdesk@pediatrics.test"))
	if res.Outcome != Deferred || res.Code != 421 {
		t.Fatalf("result %+v", res)
	}
	if n := srv.SMTPConnections(); n != 2 {
		t.Errorf("%d connections, want 2", n)
	}
}

func TestReconnectsWhenTheServerDroppedTheIdleConnection(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	c := newClient(t, smtpOptions(t, srv))
	if res := send(t, c, note(t, "a@x.test")); res.Outcome != Sent {
		t.Fatal(res)
	}
	srv.DropConnections()
	msg := note(t, "b@x.test")
	if res := send(t, c, msg); res.Outcome != Sent || received(srv, messageID(msg)) != 1 {
		t.Fatalf("result %+v", res)
	}
}

func TestHangAfterDotIsUnknown(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	o := smtpOptions(t, srv)
	o.Timeout = 300 * time.Millisecond // the protocol timeout is what is under test
	c := newClient(t, o)
	srv.SetFault("frontdesk@pediatrics.test", localmail.Fault{HangAfterDot: true})
	res := send(t, c, note(t, "frontdesk@pediatrics.test"))
	if res.Outcome != Unknown || res.Step != StepData {
		t.Fatalf("result %+v", res)
	}
	if n := srv.SMTPConnections(); n != 1 {
		t.Errorf("%d connections: Send retried after the dot", n)
	}
	if next := send(t, c, note(t, "pastor@church.test")); next.Outcome != Sent {
		t.Errorf("the next message: %v", next)
	}
}

func TestDropAfterDotIsUnknownAndNeverRetried(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	c := newClient(t, smtpOptions(t, srv))
	srv.SetFault("frontdesk@pediatrics.test", localmail.Fault{DropAfterDot: true, Times: 1})
	msg := note(t, "frontdesk@pediatrics.test")
	res := send(t, c, msg)
	if res.Outcome != Unknown {
		t.Fatalf("result %+v", res)
	}
	if n := received(srv, messageID(msg)); n != 1 {
		t.Errorf("the server has %d copies; a blind retry would have made it 2", n)
	}
	if n := srv.SMTPConnections(); n != 1 {
		t.Errorf("%d connections: Send retried after the dot", n)
	}
	if !strings.Contains(res.Err.Error(), "Sent folder") {
		t.Errorf("advice %q", res.Err)
	}
}

func TestFailedRSETAfterAcceptedDataIsSent(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	c := newClient(t, smtpOptions(t, srv))
	srv.SetFault("*", localmail.Fault{At: "data", Code: 250, CloseAfter: true, Times: 1})
	msg := note(t, "frontdesk@pediatrics.test")
	if res := send(t, c, msg); res.Outcome != Sent {
		t.Fatalf("result %+v", res)
	}
	next := note(t, "pastor@church.test")
	if res := send(t, c, next); res.Outcome != Sent {
		t.Fatalf("next: %+v", res)
	}
	if received(srv, messageID(msg)) != 1 || received(srv, messageID(next)) != 1 {
		t.Errorf("received %+v", srv.Received())
	}
}

func TestCancelledContextSendsNothing(t *testing.T) {
	srv := mailServer(t, localmail.Options{})
	c := newClient(t, smtpOptions(t, srv))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res := c.Send(ctx, note(t, "a@x.test")); res.Outcome != Deferred {
		t.Fatalf("result %+v", res)
	}
	if len(srv.Received()) != 0 {
		t.Error("sent anyway")
	}
}

func TestDebugLogHasNoSecrets(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	for _, auth := range []string{AuthPlain, AuthLogin, AuthXOAuth2} {
		var log bytes.Buffer
		o := smtpOptions(t, srv)
		o.Auth, o.Debug = auth, &log
		if res := send(t, newClient(t, o), note(t, "a@x.test")); res.Outcome != Sent {
			t.Fatal(res)
		}
		if strings.Contains(log.String(), password) || !strings.Contains(log.String(), "C: MAIL FROM:<"+therapist+">") {
			t.Errorf("auth %s, log:\n%s", auth, log.String())
		}
	}
}

func TestNeverSendsADeliveredMessageAgain(t *testing.T) {
	srv := mailServer(t, localmail.Options{})
	c := newClient(t, smtpOptions(t, srv))
	msg := note(t, "a@x.test")
	if res := send(t, c, msg); res.Outcome != Sent {
		t.Fatal(res)
	}
	if res := send(t, c, msg); res.Outcome != Paused || res.Step != StepMessage {
		t.Fatalf("second Send of the same message: %+v", res)
	}
	if n := received(srv, messageID(msg)); n != 1 {
		t.Errorf("received %d copies", n)
	}
}

func TestTheLastCheckComesAfterTheConnectionIsUp(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true, RequireAuth: true})
	c := newClient(t, smtpOptions(t, srv))
	ctx := context.Background()
	t.Run("a reply synced while the server greeted withholds the note", func(t *testing.T) {
		msg := note(t, "office@elmpeds.test")
		checked := false
		res := c.SendChecked(ctx, msg, func() error {
			checked = true
			if c.dialer.conn() == nil {
				t.Error("the check ran before the connection was up")
			}
			return errors.New("now replied")
		})
		if !checked || res.Outcome != Withheld || res.Err == nil || res.Err.Error() != "now replied" {
			t.Fatalf("result %v (checked %v)", res, checked)
		}
		if n := received(srv, messageID(msg)); n != 0 {
			t.Fatalf("a withheld note reached the server %d times", n)
		}
	})
	t.Run("the connection stays usable after a withheld note", func(t *testing.T) {
		msg := note(t, "office@elmpeds.test")
		if res := c.SendChecked(ctx, msg, func() error { return nil }); res.Outcome != Sent {
			t.Fatalf("result %v", res)
		}
		if n := received(srv, messageID(msg)); n != 1 {
			t.Fatalf("received %d times", n)
		}
	})
}
