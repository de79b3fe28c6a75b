package localmail

import (
	"strings"

	"github.com/emersion/go-smtp"
)

// Fault scripts an SMTP failure. Set one with SetFault.
type Fault struct {
	// At is the SMTP step that fails: "mail", "rcpt", "data" or "auth".
	// The key given to SetFault is matched against the MAIL FROM address
	// for "mail", the recipient for "rcpt" and "data" (any recipient of
	// the transaction), and the username for "auth"; "*" matches anything.
	At string
	// Code and Enhanced are the reply, e.g. 451 and {4, 7, 1}. A zero
	// Enhanced lets go-smtp send the class default (X.0.0). A zero Code is
	// 421 with CloseAfter and 451 otherwise. At "data", a 2xx Code accepts
	// the message normally, which with CloseAfter gives "250, then the
	// connection drops" (the client's RSET fails after a delivered
	// message).
	Code     int
	Enhanced [3]int
	Message  string
	// Times is how many times the fault fires before it clears itself;
	// 0 means every time.
	Times int
	// CloseAfter hangs up right after sending the reply, as a server that
	// answers 421 does.
	CloseAfter bool
	// HangAfterDot reads the whole DATA and then never answers, until the
	// client hangs up or the server closes. The message is not recorded.
	HangAfterDot bool
	// DropAfterDot reads the whole DATA, records and delivers the message
	// as accepted, then closes the connection without a reply: the "lost
	// connection after the final dot" case, where a blind retry duplicates.
	DropAfterDot bool
}

type faultKey struct{ at, key string }

// SetFault arms f for key (an address, or "*"); it replaces any fault for
// the same key and step. HangAfterDot and DropAfterDot always apply at
// "data".
func (s *Server) SetFault(key string, f Fault) {
	if f.HangAfterDot || f.DropAfterDot {
		f.At = "data"
	}
	f.At = strings.ToLower(f.At)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[faultKey{f.At, strings.ToLower(key)}] = &f
}

// ClearFaults disarms every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.faults)
}

// fire returns the fault armed at step for any of keys (or "*"), counting
// it as fired, or false.
func (s *Server) fire(at string, keys ...string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range append(keys, "*") {
		k := faultKey{at, strings.ToLower(key)}
		f := s.faults[k]
		if f == nil {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				delete(s.faults, k)
			}
		}
		return *f, true
	}
	return Fault{}, false
}

// reply is the SMTP error the fault answers with.
func (f Fault) reply() *smtp.SMTPError {
	code := f.Code
	if code == 0 {
		code = 451
		if f.CloseAfter {
			code = 421
		}
	}
	enh := smtp.EnhancedCodeNotSet
	if f.Enhanced != [3]int{} {
		enh = smtp.EnhancedCode(f.Enhanced)
	}
	msg := strings.NewReplacer("\r", " ", "\n", " ").Replace(f.Message)
	if msg == "" {
		msg = "Scripted failure"
	}
	return &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: msg}
}
