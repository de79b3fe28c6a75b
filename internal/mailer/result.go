package mailer

import (
	"fmt"
	"strconv"
)

// Outcome is what a send came to, in the journal's terms.
type Outcome string

// The outcomes.
const (
	// Sent: the server answered 250 to the final dot (even if the RSET
	// after it failed). The message is the server's responsibility.
	Sent Outcome = "sent"
	// Deferred: the server said "not now" for this message (4xx, a
	// mailbox over quota, a connection lost before the data was handed
	// over): try it again later. No contact changes.
	Deferred Outcome = "deferred"
	// Failed: the recipient's address is permanently bad (550 5.1.1 and
	// kin): the contact bounced. Never retried.
	Failed Outcome = "failed"
	// Paused: a problem with the account, the server or the message as
	// the campaign builds it (login, certificate, connection, sending
	// quota, policy, size): stop ALL sending, change no contact, tell the
	// user. Result.Temporary says whether waiting may fix it.
	Paused Outcome = "paused"
	// Unknown: the connection was lost or timed out after the final dot;
	// the server may have accepted the message. Never resent blindly: look
	// in the Sent folder, or ask the user.
	Unknown Outcome = "unknown"
	// Withheld: the caller's last check, made once the connection was up
	// and right before MAIL FROM, said not to send (the contact answered a
	// second ago). Nothing was handed over; Err is the check's error.
	Withheld Outcome = "withheld"
)

// Steps of an SMTP send, as Result.Step and Error.Step name them.
const (
	StepConnect = "connect" // TCP, greeting, EHLO
	StepTLS     = "tls"     // STARTTLS or the implicit-TLS handshake, certificates
	StepAuth    = "auth"
	StepMail    = "mail" // MAIL FROM (and the NOOP that checks the connection)
	StepRcpt    = "rcpt"
	StepData    = "data" // DATA, the content, the final dot
	StepMessage = "message"
)

// Result is the outcome of one Send.
type Result struct {
	Outcome  Outcome
	Code     int    // the server's reply code, 0 when none
	Enhanced string // e.g. "5.1.1", "" when the server gave none
	Response string // the server's text: for Sent its queue id, else its reason
	Err      error  // nil when Sent; else an *Error for the user
	// Step is where it failed, "" when Sent.
	Step string
	// Temporary reports, for Paused, whether the same send may work later
	// without the user doing anything (network trouble, rate limits, 4xx),
	// as opposed to a refused password, an untrusted certificate or a
	// policy block.
	Temporary bool

	retry  bool // nothing was handed over: safe to send again at once
	broken bool // the connection cannot be used again
}

// Error explains a failed send to a non-engineer: what happened, the
// server's own words, and what to do. It never contains a password.
type Error struct {
	Outcome  Outcome
	Step     string
	Code     int
	Enhanced string
	Reply    string // the server's text, "" when it said nothing
	Advice   string
	Cause    error
}

func (e *Error) Error() string {
	msg := e.Advice
	if reply := e.reply(); reply != "" {
		msg += " (server said: " + reply + ")"
	} else if e.Cause != nil && e.Cause.Error() != e.Advice {
		msg += " (" + e.Cause.Error() + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Cause }

func (e *Error) reply() string {
	if e.Code == 0 {
		return ""
	}
	s := strconv.Itoa(e.Code)
	if e.Enhanced != "" && !startsWith(e.Reply, e.Enhanced) {
		s += " " + e.Enhanced
	}
	if e.Reply != "" {
		s += " " + e.Reply
	}
	return s
}

func startsWith(s, prefix string) bool { return len(s) >= len(prefix) && s[:len(prefix)] == prefix }

// result builds a Result and its *Error.
func result(o Outcome, step string, r reply, advice string, cause error) Result {
	res := Result{Outcome: o, Code: r.code, Enhanced: r.enhanced, Response: r.text, Step: step}
	res.Err = &Error{Outcome: o, Step: step, Code: r.code, Enhanced: r.enhanced, Reply: r.text, Advice: advice, Cause: cause}
	return res
}

func (r Result) String() string {
	if r.Err == nil {
		return fmt.Sprintf("%s %s", r.Outcome, r.Response)
	}
	return fmt.Sprintf("%s at %s: %v", r.Outcome, r.Step, r.Err)
}
