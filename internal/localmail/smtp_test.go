package localmail

import (
	"bytes"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

func TestSMTPDeliversToLocalUserAndRecordsOutsiders(t *testing.T) {
	srv := start(t, Options{TLS: true, RequireAuth: true})
	c := smtpClient(t, srv, true)
	toSelf := note(therapist, therapist, "copy to myself")
	if err := send(c, therapist, therapist, toSelf); err != nil {
		t.Fatal(err)
	}
	outside := note(therapist, "frontdesk@pediatrics.test", "intro")
	if err := send(c, therapist, "frontdesk@pediatrics.test", outside); err != nil {
		t.Fatal(err)
	}
	inbox := srv.Messages(therapist, "INBOX")
	if len(inbox) != 1 || !bytes.Equal(inbox[0], toSelf) {
		t.Fatalf("INBOX = %q, want the one message to self", inbox)
	}
	got := srv.Received()
	if len(got) != 2 || got[1].To[0] != "frontdesk@pediatrics.test" || got[1].Auth != therapist {
		t.Fatalf("Received = %+v", got)
	}
	if got[1].MessageID == "" || !bytes.Contains(outside, []byte("<"+got[1].MessageID+">")) {
		t.Errorf("MessageID = %q", got[1].MessageID)
	}
	if srv.SMTPConnections() != 1 {
		t.Errorf("SMTPConnections = %d, want 1", srv.SMTPConnections())
	}
}

func TestSMTPRequiresAuthAfterSTARTTLS(t *testing.T) {
	srv := start(t, Options{TLS: true, RequireAuth: true})
	plain, err := smtp.Dial(srv.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := plain.Extension("AUTH"); ok {
		t.Error("AUTH offered before STARTTLS")
	}
	c := smtpClient(t, srv, false)
	err = c.Mail(therapist, nil)
	if code, enh := smtpCode(t, err); code != 530 || enh != [3]int{5, 7, 0} {
		t.Errorf("MAIL without AUTH: %d %v, want 530 5.7.0", code, enh)
	}
}

func TestSMTPFaults(t *testing.T) {
	rcpt := "frontdesk@pediatrics.test"
	cases := []struct {
		name string
		key  string
		f    Fault
		code int
		enh  [3]int
	}{
		{"greylisting on RCPT", rcpt, Fault{At: "rcpt", Code: 451, Enhanced: [3]int{4, 7, 1}, Message: "Greylisted"}, 451, [3]int{4, 7, 1}},
		{"user unknown on RCPT", rcpt, Fault{At: "rcpt", Code: 550, Enhanced: [3]int{5, 1, 1}, Message: "User unknown"}, 550, [3]int{5, 1, 1}},
		{"message too big on DATA", "*", Fault{At: "data", Code: 552, Enhanced: [3]int{5, 3, 4}}, 552, [3]int{5, 3, 4}},
		{"sending quota on MAIL", therapist, Fault{At: "mail", Code: 550, Enhanced: [3]int{5, 4, 5}, Message: "Daily sending quota exceeded"}, 550, [3]int{5, 4, 5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := start(t, Options{})
			srv.SetFault(tc.key, tc.f)
			c := smtpClient(t, srv, false)
			code, enh := smtpCode(t, send(c, therapist, rcpt, note(therapist, rcpt, "intro")))
			if code != tc.code || enh != tc.enh {
				t.Errorf("got %d %v, want %d %v", code, enh, tc.code, tc.enh)
			}
			if len(srv.Received()) != 0 {
				t.Error("a refused message was recorded")
			}
			c.Reset()
			if err := send(c, therapist, "other@church.test", note(therapist, "other@church.test", "next")); tc.key != "*" && err != nil && tc.f.At != "mail" {
				t.Errorf("the next message on the connection: %v", err)
			}
		})
	}
}

func TestSMTPFaultTimes(t *testing.T) {
	srv := start(t, Options{})
	srv.SetFault("*", Fault{At: "rcpt", Code: 451, Enhanced: [3]int{4, 7, 1}, Times: 1})
	c := smtpClient(t, srv, false)
	if err := send(c, therapist, "a@x.test", note(therapist, "a@x.test", "1")); err == nil {
		t.Fatal("first attempt was not greylisted")
	}
	c.Reset()
	if err := send(c, therapist, "a@x.test", note(therapist, "a@x.test", "1")); err != nil {
		t.Fatalf("second attempt: %v", err)
	}
}

func TestSMTPAuthFault(t *testing.T) {
	srv := start(t, Options{RequireAuth: true})
	srv.SetFault(therapist, Fault{At: "auth", Code: 535, Enhanced: [3]int{5, 7, 8}, Message: "Username and Password not accepted"})
	c, err := smtp.Dial(srv.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	code, enh := smtpCode(t, c.Auth(plainAuth()))
	if code != 535 || enh != [3]int{5, 7, 8} {
		t.Errorf("got %d %v, want 535 5.7.8", code, enh)
	}
}

func TestSMTPWrongPassword(t *testing.T) {
	srv := start(t, Options{RequireAuth: true})
	c, err := smtp.Dial(srv.SMTPAddr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if code, _ := smtpCode(t, c.Auth(wrongAuth())); code != 535 {
		t.Errorf("got %d, want 535", code)
	}
}

func TestSMTP421ThenClose(t *testing.T) {
	srv := start(t, Options{})
	srv.SetFault("*", Fault{At: "rcpt", CloseAfter: true, Enhanced: [3]int{4, 7, 0}, Message: "Try again later, closing connection"})
	c := smtpClient(t, srv, false)
	code, enh := smtpCode(t, send(c, therapist, "a@x.test", note(therapist, "a@x.test", "1")))
	if code != 421 || enh != [3]int{4, 7, 0} {
		t.Errorf("got %d %v, want 421 4.7.0", code, enh)
	}
	if err := c.Noop(); err == nil {
		t.Error("the connection is still open after 421")
	}
}

func TestSMTPDropAfterDot(t *testing.T) {
	srv := start(t, Options{})
	srv.SetFault("a@x.test", Fault{DropAfterDot: true})
	c := smtpClient(t, srv, false)
	err := send(c, therapist, "a@x.test", note(therapist, "a@x.test", "1"))
	var se *smtp.SMTPError
	if err == nil || errors.As(err, &se) {
		t.Fatalf("want a connection error, got %v", err)
	}
	if len(srv.Received()) != 1 {
		t.Errorf("Received = %d messages, want the dropped one recorded", len(srv.Received()))
	}
}

func TestSMTPHangAfterDot(t *testing.T) {
	srv := start(t, Options{})
	srv.SetFault("*", Fault{HangAfterDot: true})
	c := smtpClient(t, srv, false)
	// A protocol timeout is the behaviour under test.
	c.SubmissionTimeout = 300 * time.Millisecond
	err := send(c, therapist, "a@x.test", note(therapist, "a@x.test", "1"))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("want a timeout after the dot, got %v", err)
	}
	if len(srv.Received()) != 0 {
		t.Error("a message the server never answered was recorded")
	}
}

func TestSMTPAcceptThenClose(t *testing.T) {
	srv := start(t, Options{})
	srv.SetFault("*", Fault{At: "data", Code: 250, CloseAfter: true})
	c := smtpClient(t, srv, false)
	if err := send(c, therapist, "a@x.test", note(therapist, "a@x.test", "1")); err != nil {
		t.Fatalf("DATA: %v", err)
	}
	if err := c.Reset(); err == nil {
		t.Error("RSET after the drop succeeded")
	}
	if len(srv.Received()) != 1 {
		t.Error("the accepted message was not recorded")
	}
}

func TestSMTPMaxMessageBytes(t *testing.T) {
	srv := start(t, Options{MaxMessageBytes: 1000})
	c := smtpClient(t, srv, false)
	big := append(note(therapist, "a@x.test", "brochure"), bytes.Repeat([]byte("brochure line\r\n"), 200)...)
	if code, enh := smtpCode(t, send(c, therapist, "a@x.test", big)); code != 552 || enh != [3]int{5, 3, 4} {
		t.Errorf("got %d %v, want 552 5.3.4", code, enh)
	}
}
