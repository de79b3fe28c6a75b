package mailer

import (
	"bytes"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one personal note to one recipient.
type Message struct {
	From, FromName string
	To, ToName     string
	ReplyTo        string // optional
	EnvelopeFrom   string // optional MAIL FROM; From when empty
	Subject        string
	Text           string // required
	HTML           string // optional alternative to Text
	MessageID      string // required, without <>; see NewMessageID
	InReplyTo      string // optional, without <>
	References     []string
	Date           time.Time // zero means now
	// Headers are extra header fields, e.g. List-Unsubscribe. Fields that
	// Build sets itself and the bulk or auto-reply markers are refused.
	Headers      map[string]string
	Attachments  []Attachment
	Alternatives []Alternative // e.g. text/calendar; method=REQUEST
	// Calendar is an invitation's iCalendar object (invite.Invitation):
	// sent as a text/calendar alternative whose method is the calendar's
	// METHOD, and attached as invite.ics.
	Calendar []byte
}

// Attachment is a file attached to a note.
type Attachment struct {
	Name        string
	ContentType string // e.g. "application/pdf"
	Data        []byte
}

// Alternative is one more representation of the body, next to text and
// HTML in multipart/alternative, such as an iMIP invitation.
type Alternative struct {
	ContentType string // e.g. "text/calendar; method=REQUEST"
	Body        string
}

// Build turns m into a go-mail message: one recipient, the given
// Message-ID and Date, names and subject RFC 2047-encoded, and none of
// User-Agent, X-Mailer, Precedence, Auto-Submitted or
// X-Auto-Response-Suppress, because these are personal notes and the
// out-of-office answers they draw are useful. Any header input with CR, LF
// or NUL is refused with a *HeaderError naming the header.
func Build(m Message) (*gomail.Msg, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := setAddresses(msg, m); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.MessageID)
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	setThreading(msg, m)
	for _, name := range sortedKeys(m.Headers) {
		msg.SetGenHeader(gomail.Header(name), m.Headers[name])
	}
	if err := setBody(msg, m); err != nil {
		return nil, err
	}
	return msg, nil
}

func setAddresses(msg *gomail.Msg, m Message) error {
	msg.FromMailAddress(&mail.Address{Name: m.FromName, Address: m.From})
	msg.ToMailAddress(&mail.Address{Name: m.ToName, Address: m.To})
	if m.ReplyTo != "" {
		msg.ReplyToMailAddress(&mail.Address{Address: m.ReplyTo})
	}
	if m.EnvelopeFrom != "" {
		if err := msg.EnvelopeFrom(m.EnvelopeFrom); err != nil {
			return &HeaderError{Header: "Envelope-From", Problem: err.Error()}
		}
	}
	return nil
}

func setThreading(msg *gomail.Msg, m Message) {
	if m.InReplyTo != "" {
		msg.SetGenHeader(gomail.HeaderInReplyTo, "<"+m.InReplyTo+">")
	}
	if len(m.References) > 0 {
		refs := make([]string, len(m.References))
		for i, r := range m.References {
			refs[i] = "<" + r + ">"
		}
		msg.SetGenHeader(gomail.HeaderReferences, strings.Join(refs, " "))
	}
}

func setBody(msg *gomail.Msg, m Message) error {
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, alt := range m.Alternatives {
		msg.AddAlternativeString(gomail.ContentType(alt.ContentType), alt.Body)
	}
	if len(m.Calendar) > 0 {
		if err := setCalendar(msg, m.Calendar); err != nil {
			return err
		}
	}
	for i, a := range m.Attachments {
		err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		if err != nil {
			return fmt.Errorf("attachment %d %q: %w", i+1, a.Name, err)
		}
	}
	return nil
}

// Render returns the exact bytes the server receives from Send (after it
// undoes dot-stuffing), with CRLF line ends: what goes into the Sent folder
// and into previews. Rendering twice gives the same bytes, multipart
// boundaries included. Do not Render and Send the same message
// concurrently.
func Render(msg *gomail.Msg) ([]byte, error) {
	var b bytes.Buffer
	if _, err := msg.WriteTo(&b); err != nil {
		return nil, fmt.Errorf("render message: %w", err)
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\r\n")) {
		b.WriteString("\r\n") // as SMTP's DATA ends the last line (RFC 5321 §4.1.1.4)
	}
	return b.Bytes(), nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
