package mailer

import (
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// ErrInvalidMessage is wrapped by every Build refusal.
var ErrInvalidMessage = errors.New("invalid message")

// HeaderError is a message field Build refuses, named as the header it
// would have become ("Subject", "To", "Attachment-Name", "X-Campaign").
type HeaderError struct {
	Header  string
	Problem string
}

func (e *HeaderError) Error() string { return "header " + e.Header + ": " + e.Problem }

func (e *HeaderError) Unwrap() error { return ErrInvalidMessage }

// maxWord is the longest run without white space a header value may have:
// go-mail folds only at spaces, and a line may not exceed 998 octets
// (RFC 5322 §2.1.1).
const maxWord = 900

// reserved are the fields Build sets itself; forbidden are the ones a
// personal note must never carry.
var (
	reserved = []string{"From", "To", "Cc", "Bcc", "Reply-To", "Sender", "Subject", "Date",
		"Message-Id", "In-Reply-To", "References", "Mime-Version", "Return-Path", "Received"}
	forbidden = map[string]string{
		"Precedence":               "marks the note as bulk mail",
		"Auto-Submitted":           "marks the note as automatic, so out-of-office answers are suppressed",
		"X-Auto-Response-Suppress": "suppresses the out-of-office answers rapport relies on",
		"User-Agent":               "advertises a mailer on a personal note",
		"X-Mailer":                 "advertises a mailer on a personal note",
	}
)

func (m Message) validate() error {
	checks := []error{
		checkAddr("From", m.From, true),
		checkValue("From", m.FromName),
		checkAddr("To", m.To, true),
		checkValue("To", m.ToName),
		checkAddr("Reply-To", m.ReplyTo, false),
		checkAddr("Envelope-From", m.EnvelopeFrom, false),
		checkValue("Subject", m.Subject),
		checkID("Message-ID", m.MessageID, true),
		checkID("In-Reply-To", m.InReplyTo, false),
	}
	for _, ref := range m.References {
		checks = append(checks, checkID("References", ref, true))
	}
	if m.Text == "" {
		checks = append(checks, fmt.Errorf("%w: the text part is empty", ErrInvalidMessage))
	}
	checks = append(checks, m.checkHeaders(), m.checkParts())
	return first(checks)
}

// first returns the first error, so the message names one header.
func first(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// checkText refuses what would break a header line.
func checkText(header, v string) error {
	switch {
	case strings.ContainsAny(v, "\r\n"):
		return &HeaderError{header, "contains a line break (CR or LF)"}
	case strings.ContainsRune(v, 0):
		return &HeaderError{header, "contains a NUL byte"}
	case !utf8.ValidString(v):
		return &HeaderError{header, "is not valid UTF-8"}
	}
	return nil
}

// checkValue is checkText plus the folding limit for unencoded values.
func checkValue(header, v string) error {
	if err := checkText(header, v); err != nil {
		return err
	}
	for _, word := range strings.Fields(v) {
		if len(word) > maxWord && isASCII(word) {
			return &HeaderError{header, fmt.Sprintf("has a word of %d characters without a space; the limit is %d", len(word), maxWord)}
		}
	}
	return nil
}

func checkAddr(header, addr string, required bool) error {
	if addr == "" {
		if required {
			return &HeaderError{header, "the address is missing"}
		}
		return nil
	}
	if err := checkText(header, addr); err != nil {
		return err
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr || !strings.Contains(addr, "@") {
		return &HeaderError{header, fmt.Sprintf("%q is not a plain address like name@example.com", addr)}
	}
	return nil
}

// checkID accepts a msg-id without its angle brackets: printable ASCII,
// no white space, one "@" with something on both sides (RFC 5322 §3.6.4).
func checkID(header, id string, required bool) error {
	if id == "" {
		if required {
			return &HeaderError{header, "the message id is missing"}
		}
		return nil
	}
	if err := checkText(header, id); err != nil {
		return err
	}
	local, domain, ok := strings.Cut(id, "@")
	switch {
	case !ok || local == "" || domain == "" || strings.Contains(domain, "@"):
		return &HeaderError{header, fmt.Sprintf("%q is not of the form left@right", id)}
	case len(id) > 250:
		return &HeaderError{header, "the message id is longer than 250 characters"}
	case strings.ContainsFunc(id, func(r rune) bool { return r <= ' ' || r >= 0x7f || strings.ContainsRune("<>()[]\\,;:\"", r) }):
		return &HeaderError{header, fmt.Sprintf("%q has a character not allowed in a message id", id)}
	}
	return nil
}

func (m Message) checkHeaders() error {
	var errs []error
	for _, name := range sortedKeys(m.Headers) {
		errs = append(errs, checkHeader(name, m.Headers[name]))
	}
	return first(errs)
}

func checkHeader(name, value string) error {
	if !validFieldName(name) {
		return &HeaderError{fmt.Sprintf("%q", name), "is not a valid header name"}
	}
	canonical := canonicalName(name)
	for _, r := range reserved {
		if strings.EqualFold(r, name) {
			return &HeaderError{canonical, "is set from the message's own fields; it cannot be given as an extra header"}
		}
	}
	for f, why := range forbidden {
		if strings.EqualFold(f, name) {
			return &HeaderError{canonical, "is refused: it " + why}
		}
	}
	if strings.HasPrefix(strings.ToLower(name), "content-") {
		return &HeaderError{canonical, "is set by the MIME structure"}
	}
	return checkValue(canonical, value)
}

// validFieldName: printable ASCII except ":" (RFC 5322 §3.6.8).
func validFieldName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 33 || c > 126 || c == ':' {
			return false
		}
	}
	return true
}

func canonicalName(name string) string {
	parts := strings.Split(strings.ToLower(name), "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "-")
}

func (m Message) checkParts() error {
	var errs []error
	for i, a := range m.Attachments {
		h := fmt.Sprintf("Content-Disposition (attachment %d)", i+1)
		if a.Name == "" {
			errs = append(errs, &HeaderError{h, "the file name is missing"})
		}
		errs = append(errs, checkText(h, a.Name), checkMediaType(fmt.Sprintf("Content-Type (attachment %d)", i+1), a.ContentType))
	}
	for i, alt := range m.Alternatives {
		errs = append(errs, checkMediaType(fmt.Sprintf("Content-Type (alternative %d)", i+1), alt.ContentType))
	}
	return first(errs)
}

func checkMediaType(header, ct string) error {
	if err := checkText(header, ct); err != nil {
		return err
	}
	if _, _, err := mime.ParseMediaType(ct); err != nil || !isASCII(ct) {
		return &HeaderError{header, fmt.Sprintf("%q is not a media type like application/pdf", ct)}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
