package inbox

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"

	"rapport/internal/invite"
)

// Kind is what a message is, before it is matched to a contact or a send.
type Kind string

// The kinds of incoming mail, in the order they are checked (see the package
// documentation for why the order matters).
const (
	KindPersonal  Kind = "personal"   // a human-written message: a candidate reply
	KindBounce    Kind = "bounce"     // a delivery failure report (see Bounce.Hard/Delayed)
	KindAutoReply Kind = "auto-reply" // out-of-office, vacation, autoresponders, ticket systems
	KindList      Kind = "list"       // mailing lists, newsletters, bulk mail: never a reply
	KindRSVP      Kind = "rsvp"       // an iMIP text/calendar METHOD:REPLY
	KindOptOut    Kind = "opt-out"    // a human asking to be removed, or mail to our opt-out address
)

// Analysis is everything the classifier read from one message. String fields
// never contain CR, LF or NUL, so they can go to logs and the store as is.
type Analysis struct {
	Kind        Kind
	Reason      string    // short human explanation, e.g. "DSN Action: failed, Status 5.1.1"
	MessageID   string    // without <>
	InReplyTo   []string  // without <>
	References  []string  // without <>
	From        string    // address, lower-cased domain (local part kept), no display name
	FromName    string    // display name, RFC 2047-decoded
	Sender      string    // Sender: header address if present
	ReplyTo     string    // first Reply-To address if present
	To          []string  // addresses in To, Cc, Delivered-To, X-Original-To (for opt-out tokens)
	Subject     string    // RFC 2047-decoded, any charset
	Date        time.Time // Date:, or the newest Received: date when Date: is missing or broken
	Bounce      *Bounce   // when Kind == KindBounce
	ReturnDate  time.Time // auto-replies: the day the person is back (midnight, sender's zone), zero if unknown
	RSVP        *RSVP     // when Kind == KindRSVP
	OptOutToken string    // from a recipient address like "name+optout-TOKEN@domain"
	Complaint   *Complaint
	// Answer is a clear yes or no to an invitation read from a personal
	// message's new text ("Count me in!"); nil when it says neither, or
	// hedges. Whether it answers an invitation is for the caller to say.
	Answer   *invite.TextAnswer
	NeedBody bool // set by AnalyzeHeader: the body is needed to finish classification
}

// Bounce describes a delivery status notification. Hard and Delayed are never
// both true; when both are false the failure is soft (try again later).
type Bounce struct {
	Hard              bool     // permanent failure (5.x.x, Action: failed), mailbox-full excepted
	Delayed           bool     // "Action: delayed" / delivery-delay notices: NOT a failure
	Action            string   // RFC 3464 Action of the reported recipient, when the DSN says
	Status            string   // e.g. "5.1.1"
	Recipients        []string // Final-Recipient / Original-Recipient / X-Failed-Recipients, normalized
	OriginalMessageID string   // Message-ID of the message that bounced, without <>
	Diagnostic        string
}

// RSVP is an attendee's answer to one of our invitations (RFC 5546 REPLY).
type RSVP struct {
	Attendee   string // email
	PartStat   string // ACCEPTED, DECLINED, TENTATIVE
	UID        string
	Sequence   int
	Stamp      time.Time // DTSTAMP: when the answer was made
	Occurrence time.Time // RECURRENCE-ID: one meeting of a series; zero for the whole event
	Comment    string    // what they wrote with the answer
}

// Complaint is what an RFC 5965 feedback report (a recipient pressed "this is
// spam") says about the message complained about; Kind is then KindOptOut.
type Complaint struct {
	FeedbackType      string   // "abuse", usually
	OriginalMessageID string   // without <>
	Recipients        []string // Original-Rcpt-To, or the To of the returned headers
}

// errNotMessage is returned for input with no header fields at all.
var errNotMessage = errors.New("inbox: not a mail message: no header fields")

// AnalyzeHeader classifies from the header block alone (what an IMAP watcher
// fetches first, BODY.PEEK[HEADER]). It sets NeedBody when the body is
// required to finish: a multipart/report, a MAILER-DAEMON/postmaster sender,
// a multipart that may carry text/calendar, an auto-reply (to read a return
// date), and a personal message (to check for opt-out wording).
func AnalyzeHeader(header []byte) (Analysis, error) {
	h, err := parseHeader(header)
	if err != nil {
		return Analysis{}, err
	}
	m := &msg{h: h}
	return m.analyze(), nil
}

// Analyze classifies a whole RFC 5322 message. It never panics on any input
// and never returns an Analysis whose string fields contain CR, LF or NUL.
func Analyze(raw []byte) (Analysis, error) {
	head, body := splitMessage(raw)
	h, err := parseHeader(head)
	if err != nil {
		return Analysis{}, err
	}
	m := &msg{h: h, full: true, parts: readParts(h, body)}
	return m.analyze(), nil
}

// step is one rule of the classification order: it returns true when it
// decided a.Kind. In header-only mode (m.full false) a step that cannot be
// sure sets a.NeedBody and, when it has a best guess, decides anyway.
type step func(a *Analysis, m *msg) bool

// steps is the classification order of DESIGN.md. The opt-out address comes
// right after bounces: mail to it is only ever someone's "unsubscribe"
// (sometimes machine-written by their mail client on their behalf), and
// losing it to the auto-reply rule would keep writing to a person who asked
// us to stop.
var steps = []step{
	bounceStep,
	optOutTokenStep,
	autoReplyStep,
	listStep,
	rsvpStep,
	autoReplyTextStep,
	optOutTextStep,
}

func (m *msg) analyze() Analysis {
	a := headerFields(m.h)
	for _, s := range steps {
		if s(&a, m) {
			break
		}
	}
	if a.Kind == "" {
		a.Kind = KindPersonal
		a.Reason = "no sign of automated or bulk mail: written by a person"
		a.NeedBody = !m.full
		a.Answer = textAnswer(m)
	}
	sanitize(&a)
	return a
}

// msg is one message being analysed.
type msg struct {
	h     mail.Header
	full  bool   // the body was given (Analyze), not only the header
	parts []part // MIME leaves and containers, in document order

	text     string // cached bodyText
	haveText bool
	stripped *string // cached stripQuotes(bodyText)
}

// sanitize enforces the promise on string fields: no CR, LF, NUL or other
// control characters, valid UTF-8, no surrounding space.
func sanitize(a *Analysis) {
	for _, p := range []*string{&a.Reason, &a.MessageID, &a.From, &a.FromName,
		&a.Sender, &a.ReplyTo, &a.Subject, &a.OptOutToken} {
		*p = clean(*p)
	}
	for _, l := range [][]string{a.InReplyTo, a.References, a.To} {
		cleanAll(l)
	}
	if b := a.Bounce; b != nil {
		b.Action, b.Status, b.Diagnostic = clean(b.Action), clean(b.Status), clean(b.Diagnostic)
		b.OriginalMessageID = clean(b.OriginalMessageID)
		cleanAll(b.Recipients)
	}
	if r := a.RSVP; r != nil {
		r.Attendee, r.PartStat, r.UID, r.Comment = clean(r.Attendee), clean(r.PartStat), clean(r.UID), clean(r.Comment)
	}
	if c := a.Complaint; c != nil {
		c.FeedbackType, c.OriginalMessageID = clean(c.FeedbackType), clean(c.OriginalMessageID)
		cleanAll(c.Recipients)
	}
}

func cleanAll(l []string) {
	for i := range l {
		l[i] = clean(l[i])
	}
}

// clean replaces control characters with spaces and invalid UTF-8 with U+FFFD.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, isControl) < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, s))
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029'
}

// truncate cuts s to at most n bytes on a rune boundary, for diagnostics that
// come from remote servers and may be arbitrarily long.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
