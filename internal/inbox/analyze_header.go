package inbox

import (
	"bufio"
	"bytes"
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"
	"golang.org/x/text/encoding/charmap"

	"rapport/internal/contact"
)

// wordDecoder decodes RFC 2047 encoded-words in any charset go-message knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// splitMessage cuts raw at the first empty line (RFC 5322 section 2.1).
// Without one, everything is header.
func splitMessage(raw []byte) (head, body []byte) {
	for i := 0; i < len(raw); {
		j := bytes.IndexByte(raw[i:], '\n')
		if j < 0 {
			break
		}
		line := raw[i : i+j]
		if len(line) == 0 || (len(line) == 1 && line[0] == '\r') {
			return raw[:i], raw[i+j+1:]
		}
		i += j + 1
	}
	return raw, nil
}

// parseHeader reads a header block with go-message, tolerating what real
// mailers send: a missing final empty line, an mbox "From " line, or a stray
// line without a colon (dropped, rather than losing the whole message).
func parseHeader(b []byte) (mail.Header, error) {
	h, err := readHeaderBlock(b)
	if err != nil || h.Len() == 0 {
		h, err = readHeaderBlock(lenientHeader(b))
	}
	if err != nil {
		return mail.Header{}, err
	}
	if h.Len() == 0 {
		return mail.Header{}, errNotMessage
	}
	return mail.Header{Header: message.Header{Header: h}}, nil
}

func readHeaderBlock(b []byte) (textproto.Header, error) {
	b = bytes.TrimRight(b, "\r\n")
	terminated := make([]byte, 0, len(b)+4)
	terminated = append(append(terminated, b...), "\r\n\r\n"...)
	return textproto.ReadHeader(bufio.NewReader(bytes.NewReader(terminated)))
}

var headerKeyLine = regexp.MustCompile(`^[!-9;-~]+[ \t]*:`)

// lenientHeader keeps only field lines and their continuations.
func lenientHeader(b []byte) []byte {
	var out bytes.Buffer
	inField := false
	for _, line := range bytes.Split(b, []byte("\n")) {
		folded := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
		switch {
		case folded && inField:
		case !folded && headerKeyLine.Match(line):
			inField = true
		default:
			inField = false
			continue
		}
		out.Write(bytes.TrimRight(line, "\r"))
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

// headerFields fills the identity fields of an Analysis from the header.
func headerFields(h mail.Header) Analysis {
	a := Analysis{Subject: decodeText(h.Get("Subject"))}
	if ids := msgIDs(h.Get("Message-Id")); len(ids) > 0 {
		a.MessageID = ids[0]
	}
	a.InReplyTo = msgIDs(h.Get("In-Reply-To"))
	a.References = msgIDs(h.Get("References"))
	if from := addresses(h.Get("From")); len(from) > 0 {
		a.From, a.FromName = from[0].addr, from[0].name
	}
	a.Sender = firstAddress(h.Get("Sender"))
	a.ReplyTo = firstAddress(h.Get("Reply-To"))
	a.To = recipients(h)
	a.Date = messageDate(h)
	return a
}

// decodeText decodes RFC 2047 words and, for raw 8-bit headers that are not
// UTF-8 (old mailers sending Latin-1 unencoded), reads them as Windows-1252.
func decodeText(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		s = d
	}
	if !utf8.ValidString(s) {
		if d, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
			s = d
		}
	}
	return strings.Join(strings.Fields(s), " ")
}

var (
	angleID = regexp.MustCompile(`<([^<>\s]+)>`)
	bareID  = regexp.MustCompile(`[^<>\s,;()"]+@[^<>\s,;()"]+`)
)

// msgIDs extracts message identifiers without their angle brackets. It is
// lenient on purpose: In-Reply-To and References in the wild carry comments,
// missing brackets and stray text (RFC 5322 section 3.6.4 obs-id forms).
func msgIDs(v string) []string {
	var ids []string
	for _, m := range angleID.FindAllStringSubmatch(v, 100) {
		ids = appendUnique(ids, m[1])
	}
	if len(ids) == 0 {
		for _, m := range bareID.FindAllString(v, 100) {
			ids = appendUnique(ids, m)
		}
	}
	return ids
}

func appendUnique(l []string, s string) []string {
	if s == "" {
		return l
	}
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return l
		}
	}
	return append(l, s)
}

type addr struct{ addr, name string }

var addrParser = &netmail.AddressParser{WordDecoder: wordDecoder}

// addresses parses an address list; when the strict RFC 5322 parser gives up
// (unquoted dots and commas in display names are common), it falls back to
// picking out what looks like addresses.
func addresses(v string) []addr {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	var out []addr
	if list, err := addrParser.ParseList(v); err == nil {
		for _, a := range list {
			out = append(out, addr{normalizeAddress(a.Address), decodeText(a.Name)})
		}
		return out
	}
	for _, m := range bareID.FindAllStringIndex(v, 50) {
		out = append(out, addr{normalizeAddress(v[m[0]:m[1]]), fallbackName(v[:m[0]])})
	}
	return out
}

// fallbackName is the display name before the first address of a header the
// strict parser rejected: `Dr. Lee, MD <lee@x>` gives `Dr. Lee, MD`.
func fallbackName(before string) string {
	if strings.ContainsAny(before, "@>") {
		return ""
	}
	name := strings.Trim(strings.TrimSpace(before), `<"' `)
	return decodeText(name)
}

func firstAddress(v string) string {
	if l := addresses(v); len(l) > 0 {
		return l[0].addr
	}
	return ""
}

// normalizeAddress gives the form the store keeps (contact.NormalizeEmail:
// domain lower-cased and in ASCII); odd addresses it rejects are still kept,
// trimmed and with the domain lower-cased, so nothing is silently lost.
func normalizeAddress(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "<>")
	if n, err := contact.NormalizeEmail(s); err == nil {
		return n
	}
	if at := strings.LastIndexByte(s, '@'); at >= 0 {
		return s[:at] + strings.ToLower(s[at:])
	}
	return s
}

// recipientKeys are where the address the message was sent to can appear;
// the opt-out token is looked for in all of them because forwarding and
// aliasing rewrite To but keep Delivered-To / X-Original-To. The envelope
// fields come first so a crowded To cannot push them out.
var recipientKeys = []string{"Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc"}

// maxRecipients bounds the list: a note of ours has one recipient, and a
// message to thousands is not a reply anyway.
const maxRecipients = 100

func recipients(h mail.Header) []string {
	var out []string
	for _, k := range recipientKeys {
		for f := h.FieldsByKey(k); f.Next(); {
			for _, a := range addresses(f.Value()) {
				if len(out) >= maxRecipients {
					return out
				}
				out = appendUnique(out, a.addr)
			}
		}
	}
	return out
}

// messageDate reads Date:, falling back to the newest Received: timestamp
// (RFC 5321 section 4.4) so return dates can still be placed in time.
func messageDate(h mail.Header) time.Time {
	if t, ok := parseDate(h.Get("Date")); ok {
		return t
	}
	if r := h.Get("Received"); r != "" {
		if i := strings.LastIndexByte(r, ';'); i >= 0 {
			if t, ok := parseDate(r[i+1:]); ok {
				return t
			}
		}
	}
	return time.Time{}
}

var dateComment = regexp.MustCompile(`\([^()]*\)`)

func parseDate(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if t, err := netmail.ParseDate(v); err == nil {
		return t, true
	}
	v = strings.TrimSpace(dateComment.ReplaceAllString(v, ""))
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, "2 Jan 2006 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
