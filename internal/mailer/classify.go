package mailer

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// reply is a server answer pulled out of an error.
type reply struct {
	code     int
	enhanced string // "5.1.1", "" when none
	text     string // the server's words, enhanced code included
}

// Attempt is what happened to one message, as go-mail reported it; see
// AttemptOf.
type Attempt struct {
	Delivered bool   // msg.IsDelivered(): the server said 250 to the final dot
	Step      string // StepMail, StepRcpt, StepData or StepMessage; "" when connecting failed
	AfterDot  bool   // the failure came after the final dot was sent
	Code      int    // the server's reply code, 0 when it said nothing
	Enhanced  string // e.g. "5.1.1"
	Text      string // the server's words
	Err       error  // what go-mail returned
}

// AttemptOf reads go-mail's report for msg: IsDelivered first, because
// go-mail reports a failed RSET after an accepted message as an error
// (go-mail#463, #551); then the *gomail.SendError, whose fields are
// unexported, through its methods and its message.
func AttemptOf(msg *gomail.Msg, err error) Attempt {
	a := Attempt{Delivered: msg.IsDelivered(), Err: err}
	if a.Delivered {
		a.Code, a.Text = 250, msg.ServerResponse()
		a.Enhanced = enhancedRe.FindString(a.Text)
		return a
	}
	var se *gomail.SendError
	if !errors.As(err, &se) {
		return a
	}
	a.Step, a.AfterDot = stepOf(se.Reason), se.Reason == gomail.ErrSMTPDataClose
	r := replyOf(se)
	a.Code, a.Enhanced, a.Text = r.code, r.enhanced, r.text
	return a
}

// Classify maps an attempt to an outcome. It is pure; the decisions are in
// the comments of each branch and the table in classify_test.go.
func Classify(a Attempt) Result {
	switch {
	case a.Delivered:
		res := Result{Outcome: Sent, Code: a.Code, Enhanced: a.Enhanced, Response: a.Text}
		res.broken = a.Err != nil // the RSET after it failed
		return res
	case a.Err == nil && a.Code == 0:
		return result(Deferred, StepMessage, reply{}, "the message was not sent; rapport will try again later", nil)
	case a.Step == "":
		return classifyDial(a.Err)
	}
	r := reply{code: a.Code, enhanced: a.Enhanced, text: a.Text}
	switch {
	case r.code == 0:
		return noReply(a)
	case r.code == 421:
		return closing(a, r)
	case r.code/100 == 4:
		return temporary(a, r)
	}
	return permanent(a, r)
}

// noReply: the connection failed or timed out, no server answer. Before
// the final dot nothing was handed over, so the Client reconnects and
// sends once more; after it, nobody knows.
func noReply(a Attempt) Result {
	switch {
	case a.AfterDot:
		res := result(Unknown, a.Step, reply{}, "the connection was lost right after the message was handed over, so the server may have accepted it; look in your Sent folder before sending it again", a.Err)
		res.broken = true
		return res
	case a.Step == StepMessage:
		return result(Paused, StepMessage, reply{}, "the message could not be sent as built; this is a bug in rapport, please report it", a.Err)
	}
	res := result(Deferred, a.Step, reply{}, "the connection to the server was lost before the message was handed over; it will be sent again", a.Err)
	res.retry, res.broken = true, true
	return res
}

// closing: 421, the server is closing the connection. Before the final
// dot the Client reconnects and tries once more; if the retry gets 421
// too, a refusal at MAIL FROM (the account) pauses, any other defers.
func closing(a Attempt, r reply) Result {
	o := Deferred
	if a.Step == StepMail {
		o = Paused
	}
	res := result(o, a.Step, r, "the server is busy or limiting this account and closed the connection; rapport will try again later", a.Err)
	res.retry = !a.AfterDot
	res.broken, res.Temporary = true, true
	return res
}

// temporary: any other 4xx. At MAIL FROM it is about the account (rate
// limits, "server busy"): pause, temporarily. At RCPT or DATA it is about
// this message (greylisting, a full mailbox): defer it.
func temporary(a Attempt, r reply) Result {
	if a.Step == StepMail {
		res := result(Paused, a.Step, r, "the server is not taking mail from this account right now; rapport tries again later", a.Err)
		res.Temporary = true
		return res
	}
	return result(Deferred, a.Step, r, "the server asked to try this message again later; rapport will", a.Err)
}

// permanent: 5xx. Only an answer about the recipient's address fails the
// message and bounces the contact; everything else is about the account,
// the server or the message as the campaign builds it, so it pauses all
// sending and changes no contact.
func permanent(a Attempt, r reply) Result {
	e := r.enhanced
	switch {
	case a.Step == StepMail:
		return pauseFor(a, r)
	case badRecipient(a, r):
		return result(Failed, a.Step, r, "the recipient's address does not work; the contact is marked bounced", a.Err)
	case e == "5.2.2" || (e == "" && r.code == 552 && a.Step == StepRcpt):
		// A full mailbox is the recipient's to fix and often temporary
		// (RFC 3463 §3.3); RFC 5321 §4.5.3.1.10 says treat 552 at RCPT as 452.
		return result(Deferred, a.Step, r, "the recipient's mailbox is full; rapport will try again later", a.Err)
	}
	return pauseFor(a, r)
}

// badRecipient: 5.1.x (bad mailbox, domain, syntax, moved, null MX) except
// the sender's own 5.1.7 and 5.1.8, 5.2.1 (mailbox disabled), 5.4.1
// (Microsoft 365's "Recipient address rejected: Access denied" for
// addresses that do not exist), or at RCPT a bare 550/551/553 without an
// enhanced code.
func badRecipient(a Attempt, r reply) bool {
	atRcpt := a.Step == StepRcpt
	if !atRcpt && !a.AfterDot {
		return false
	}
	e := r.enhanced
	switch {
	case strings.HasPrefix(e, "5.1.") && e != "5.1.7" && e != "5.1.8":
		return true
	case e == "5.2.1" || (e == "5.4.1" && atRcpt):
		return true
	}
	bare := e == "" || e == "5.0.0"
	return bare && atRcpt && (r.code == 550 || r.code == 551 || r.code == 553)
}

// pauseFor picks the advice for a permanent refusal that pauses sending.
func pauseFor(a Attempt, r reply) Result {
	e, step := r.enhanced, a.Step
	advice := "the server refused the message; look into it with your provider"
	switch {
	case e == "5.3.4" || e == "5.2.3" || (e == "" && r.code == 552 && step == StepData):
		advice = "the message is larger than the server accepts; make the attachments smaller, then resume sending"
	case e == "5.4.5" || (strings.HasPrefix(e, "5.2.") && step == StepMail):
		advice = "the account's sending limit is reached; it is usually lifted the next day"
	case strings.HasPrefix(e, "5.7."):
		advice = "the server refused this by policy (authentication, relaying or content); check the account with your provider"
	case strings.HasPrefix(e, "5.1.") && step == StepMail:
		advice = "the server refused the sender address; check [identity] email and the SMTP account"
	}
	return result(Paused, step, r, advice, a.Err)
}

func stepOf(reason gomail.SendErrReason) string {
	switch reason {
	case gomail.ErrSMTPMailFrom, gomail.ErrConnCheck:
		return StepMail
	case gomail.ErrSMTPRcptTo:
		return StepRcpt
	case gomail.ErrSMTPData, gomail.ErrWriteContent, gomail.ErrSMTPDataClose, gomail.ErrSMTPReset:
		return StepData
	}
	return StepMessage
}

var enhancedRe = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}\b`)

// replyOf digs the server's answer out of a SendError, whose fields are
// unexported: the code and enhanced code from its methods, the text from
// its message ("<step>: 550 5.1.1 text, affected recipient(s): ...").
func replyOf(se *gomail.SendError) reply {
	r := reply{code: se.ErrorCode(), enhanced: se.EnhancedStatusCode()}
	if r.code == 0 {
		return r
	}
	msg := se.Error()
	if i := strings.Index(msg, ": "+strconv.Itoa(r.code)+" "); i >= 0 {
		msg = msg[i+6:]
	}
	for _, cut := range []string{", affected recipient(s)", ", affected message ID"} {
		msg, _, _ = strings.Cut(msg, cut)
	}
	r.text = strings.TrimSpace(msg)
	if r.enhanced == "" {
		r.enhanced = enhancedRe.FindString(r.text)
	}
	return r
}
