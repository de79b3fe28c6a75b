package mailer

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"syscall"
	"testing"
)

var errNet = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}

// The classification table: what each server answer does to the journal.
func TestClassify(t *testing.T) {
	cases := []struct {
		name      string
		a         Attempt
		outcome   Outcome
		retry     bool
		temporary bool
	}{
		{"accepted", Attempt{Delivered: true, Code: 250, Text: "2.0.0 OK queued as 4Xy"}, Sent, false, false},
		{"accepted, then RSET failed (go-mail#463)", Attempt{Delivered: true, Code: 250, Err: errors.New("sending SMTP RESET command: EOF")}, Sent, false, false},

		{"connection lost at NOOP/MAIL", Attempt{Step: StepMail, Err: errNet}, Deferred, true, false},
		{"connection lost at RCPT", Attempt{Step: StepRcpt, Err: errNet}, Deferred, true, false},
		{"connection lost while writing the content", Attempt{Step: StepData, Err: errNet}, Deferred, true, false},
		{"connection lost after the final dot", Attempt{Step: StepData, AfterDot: true, Err: errNet}, Unknown, false, false},
		{"timeout after the final dot", Attempt{Step: StepData, AfterDot: true, Err: context.DeadlineExceeded}, Unknown, false, false},

		{"421 at MAIL", Attempt{Step: StepMail, Code: 421, Enhanced: "4.7.0"}, Paused, true, true},
		{"421 at RCPT", Attempt{Step: StepRcpt, Code: 421, Enhanced: "4.7.0"}, Deferred, true, true},
		{"421 after the dot: refused, no retry", Attempt{Step: StepData, AfterDot: true, Code: 421}, Deferred, false, true},

		{"greylisting 451 4.7.1", Attempt{Step: StepRcpt, Code: 451, Enhanced: "4.7.1"}, Deferred, false, false},
		{"mailbox temporarily full 452 4.2.2", Attempt{Step: StepRcpt, Code: 452, Enhanced: "4.2.2"}, Deferred, false, false},
		{"451 after the dot", Attempt{Step: StepData, AfterDot: true, Code: 451, Enhanced: "4.3.0"}, Deferred, false, false},
		{"rate limit at MAIL 451 4.7.500", Attempt{Step: StepMail, Code: 451, Enhanced: "4.7.500"}, Paused, false, true},

		{"user unknown 550 5.1.1", Attempt{Step: StepRcpt, Code: 550, Enhanced: "5.1.1"}, Failed, false, false},
		{"no such domain 553 5.1.2", Attempt{Step: StepRcpt, Code: 553, Enhanced: "5.1.2"}, Failed, false, false},
		{"null MX 556 5.1.10", Attempt{Step: StepRcpt, Code: 556, Enhanced: "5.1.10"}, Failed, false, false},
		{"mailbox disabled 550 5.2.1", Attempt{Step: StepRcpt, Code: 550, Enhanced: "5.2.1"}, Failed, false, false},
		{"Microsoft 365 550 5.4.1 access denied", Attempt{Step: StepRcpt, Code: 550, Enhanced: "5.4.1"}, Failed, false, false},
		{"bare 550 at RCPT", Attempt{Step: StepRcpt, Code: 550}, Failed, false, false},
		{"user unknown reported after the dot", Attempt{Step: StepData, AfterDot: true, Code: 550, Enhanced: "5.1.1"}, Failed, false, false},

		{"mailbox full 552 5.2.2", Attempt{Step: StepRcpt, Code: 552, Enhanced: "5.2.2"}, Deferred, false, false},
		{"bare 552 at RCPT (RFC 5321: as 452)", Attempt{Step: StepRcpt, Code: 552}, Deferred, false, false},

		{"message too big 552 5.3.4", Attempt{Step: StepData, AfterDot: true, Code: 552, Enhanced: "5.3.4"}, Paused, false, false},
		{"bare 552 at DATA", Attempt{Step: StepData, AfterDot: true, Code: 552}, Paused, false, false},
		{"sending quota 550 5.4.5", Attempt{Step: StepMail, Code: 550, Enhanced: "5.4.5"}, Paused, false, false},
		{"sender quota 552 5.2.x at MAIL", Attempt{Step: StepMail, Code: 552, Enhanced: "5.2.0"}, Paused, false, false},
		{"sender address refused 553 5.1.8", Attempt{Step: StepMail, Code: 553, Enhanced: "5.1.8"}, Paused, false, false},
		{"sender 5.1.7 at RCPT is not the recipient's fault", Attempt{Step: StepRcpt, Code: 550, Enhanced: "5.1.7"}, Paused, false, false},
		{"relaying denied 550 5.7.1", Attempt{Step: StepRcpt, Code: 550, Enhanced: "5.7.1"}, Paused, false, false},
		{"auth required 530 5.7.0", Attempt{Step: StepMail, Code: 530, Enhanced: "5.7.0"}, Paused, false, false},
		{"content rejected 554 5.7.1", Attempt{Step: StepData, AfterDot: true, Code: 554, Enhanced: "5.7.1"}, Paused, false, false},
		{"transaction failed 554", Attempt{Step: StepData, AfterDot: true, Code: 554}, Paused, false, false},
		{"bad sequence 503 5.5.1", Attempt{Step: StepRcpt, Code: 503, Enhanced: "5.5.1"}, Paused, false, false},
		{"go-mail could not read the message", Attempt{Step: StepMessage, Err: errors.New("getting sender address")}, Paused, false, false},

		{"connection refused", Attempt{Err: &stepError{StepConnect, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}}, Paused, false, true},
		{"unknown CA", Attempt{Err: &stepError{StepTLS, x509.UnknownAuthorityError{}}}, Paused, false, false},
		{"no STARTTLS", Attempt{Err: errors.New(`STARTTLS mode set to: "TLSMandatory", but target host does not support STARTTLS`)}, Paused, false, false},
		{"535 5.7.8", Attempt{Err: fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "5.7.8 Username and Password not accepted"})}, Paused, false, false},
		{"534 5.7.9 app password", Attempt{Err: fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 534, Msg: "5.7.9 Application-specific password required"})}, Paused, false, false},
		{"454 4.7.0 at AUTH", Attempt{Err: fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 454, Msg: "4.7.0 Temporary authentication failure"})}, Paused, false, true},
		{"greeting 554", Attempt{Err: &textproto.Error{Code: 554, Msg: "5.7.1 no SMTP service here"}}, Paused, false, false},
		{"greeting 421", Attempt{Err: &textproto.Error{Code: 421, Msg: "4.3.2 too busy"}}, Paused, false, true},
		{"stopped while connecting", Attempt{Err: context.Canceled}, Deferred, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := Classify(tc.a)
			if res.Outcome != tc.outcome || res.retry != tc.retry || res.Temporary != tc.temporary {
				t.Fatalf("got %s retry=%v temporary=%v, want %s retry=%v temporary=%v (%v)",
					res.Outcome, res.retry, res.Temporary, tc.outcome, tc.retry, tc.temporary, res.Err)
			}
			if (res.Outcome == Sent) != (res.Err == nil) {
				t.Errorf("Err = %v for %s", res.Err, res.Outcome)
			}
		})
	}
}

func TestClassifyDialSteps(t *testing.T) {
	cases := map[string]struct {
		err  error
		step string
		want string
	}{
		"refused":     {&stepError{StepConnect, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, StepConnect, "check host, port"},
		"unknown CA":  {&stepError{StepTLS, x509.UnknownAuthorityError{}}, StepTLS, "ca_file"},
		"no STARTTLS": {errors.New("STARTTLS mode set to: \"TLSMandatory\", but target host does not support STARTTLS"), StepTLS, "does not offer STARTTLS"},
		"password":    {fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 535, Msg: "5.7.8 Bad credentials"}), StepAuth, "app password"},
		"no mech":     {errors.New("server does not support SMTP AUTH type: PLAIN"), StepAuth, "login method"},
		"app pw":      {fmt.Errorf("SMTP AUTH failed: %w", &textproto.Error{Code: 534, Msg: "5.7.9 Application-specific password required"}), StepAuth, "create one"},
	}
	for name, tc := range cases {
		res := Classify(Attempt{Err: tc.err})
		var e *Error
		if !errors.As(res.Err, &e) || e.Step != tc.step || res.Step != tc.step {
			t.Errorf("%s: step %q, want %q", name, res.Step, tc.step)
			continue
		}
		if msg := res.Err.Error(); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %q lacks %q", name, msg, tc.want)
		}
	}
}
