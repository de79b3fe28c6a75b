package mailer

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"

	"rapport/internal/invite"
)

var noteDate = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

func sampleMessage() Message {
	return Message{
		From: "lee@drlee.test", FromName: "Dr. Jordan Lee, LMFT",
		To: "frontdesk@pediatrics.test", ToName: "Front Desk",
		Subject:   "A short hello from a new therapist nearby",
		Text:      "Hello,\n\nI am a family therapist two blocks from your office.\n\nWarmly,\nJordan",
		MessageID: "20261122T101500.8f3k2j9x1c@drlee.test",
		Date:      noteDate,
	}
}

func render(t testing.TB, m Message) []byte {
	t.Helper()
	msg, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := Render(msg)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// checkWire asserts the octets are fit for SMTP: CRLF line ends only, no
// line over 998 octets (RFC 5322 §2.1.1).
func checkWire(t testing.TB, raw []byte) {
	t.Helper()
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 998 {
			t.Fatalf("line %d is %d octets long", i+1, len(line))
		}
	}
}

func TestBuildLooksLikePersonalMail(t *testing.T) {
	m := sampleMessage()
	m.HTML = "<p>Hello,</p><p>I am a family therapist.</p>"
	m.InReplyTo = "20261101T090000.aaaaaaaaaa@drlee.test"
	m.References = []string{"20261101T090000.aaaaaaaaaa@drlee.test"}
	m.Headers = map[string]string{"List-Unsubscribe": "<mailto:lee@drlee.test?subject=unsubscribe>"}
	raw := render(t, m)
	checkWire(t, raw)
	h := readHeader(t, raw)
	for _, name := range []string{"Precedence", "Auto-Submitted", "X-Auto-Response-Suppress", "User-Agent", "X-Mailer"} {
		if h.Has(name) {
			t.Errorf("has %s: %q", name, h.Get(name))
		}
	}
	want := map[string]string{
		"Message-Id":       "<" + m.MessageID + ">",
		"In-Reply-To":      "<" + m.InReplyTo + ">",
		"References":       "<" + m.References[0] + ">",
		"Date":             "Sun, 22 Nov 2026 10:15:00 +0000",
		"List-Unsubscribe": m.Headers["List-Unsubscribe"],
	}
	for name, v := range want {
		if got := h.Get(name); got != v {
			t.Errorf("%s = %q, want %q", name, got, v)
		}
	}
	if to, _ := h.AddressList("To"); len(to) != 1 || to[0].Address != m.To {
		t.Errorf("To = %v, want exactly one recipient", to)
	}
}

func TestBuildEncodesNamesAndSubjectExactly(t *testing.T) {
	m := sampleMessage()
	m.FromName, m.ToName = "Zoë Łukasz 大松", "Dr. \"Bob\" O'Neil, Jr."
	m.Subject = "Zoë Łukasz 大松 — " + strings.Repeat("a rather long subject line about referrals ", 12)
	raw := render(t, m)
	checkWire(t, raw)
	h := readHeader(t, raw)
	subject, err := h.Subject()
	if err != nil || subject != m.Subject {
		t.Errorf("Subject decodes to %q (%v)", subject, err)
	}
	from, _ := h.AddressList("From")
	to, _ := h.AddressList("To")
	if len(from) != 1 || from[0].Name != m.FromName || len(to) != 1 || to[0].Name != m.ToName {
		t.Errorf("From %v, To %v", from, to)
	}
}

func TestBuildBodyLongURLAndLeadingDot(t *testing.T) {
	m := sampleMessage()
	url := "https://booking.example/lee?" + strings.Repeat("q", 2000)
	m.Text = ".hidden line that starts with a dot\n" + url + "\n.\n"
	raw := render(t, m)
	checkWire(t, raw)
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(e.Body)
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != m.Text {
		t.Errorf("body decodes to %q", got)
	}
}

func TestBuildAttachmentsAndAlternatives(t *testing.T) {
	m := sampleMessage()
	m.HTML = "<p>Hello</p>"
	m.Alternatives = []Alternative{{ContentType: "text/calendar; method=REQUEST", Body: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"}}
	m.Attachments = []Attachment{{Name: "Brochure für Eltern.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 ...")}}
	raw := render(t, m)
	checkWire(t, raw)
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			ct, params, _ := h.ContentType()
			types = append(types, ct+";"+params["method"])
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			if name != "Brochure für Eltern.pdf" {
				t.Errorf("attachment name %q", name)
			}
			types = append(types, "attachment")
		}
	}
	if got := strings.Join(types, ","); got != "text/plain;,text/html;,text/calendar;REQUEST,attachment" {
		t.Errorf("parts: %s", got)
	}
}

func TestRenderIsStable(t *testing.T) {
	m := sampleMessage()
	m.HTML = "<p>x</p>"
	msg, err := Build(m)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := Render(msg)
	b, _ := Render(msg)
	if !bytes.Equal(a, b) {
		t.Error("two renders of one message differ")
	}
}

func TestBuildRefusesHeaderInjection(t *testing.T) {
	cases := []struct {
		header string
		edit   func(*Message)
	}{
		{"Subject", func(m *Message) { m.Subject = "Hi\r\nBcc: victim@example.com" }},
		{"Subject", func(m *Message) { m.Subject = "Hi\nthere" }},
		{"Subject", func(m *Message) { m.Subject = "nul\x00byte" }},
		{"Subject", func(m *Message) { m.Subject = strings.Repeat("x", 1200) }},
		{"From", func(m *Message) { m.FromName = "Lee\rBcc: x@y.test" }},
		{"To", func(m *Message) { m.ToName = "Front\nDesk" }},
		{"To", func(m *Message) { m.To = "frontdesk@pediatrics.test\r\nBcc: x@y.test" }},
		{"To", func(m *Message) { m.To = "Front Desk <frontdesk@pediatrics.test>" }},
		{"To", func(m *Message) { m.To = "" }},
		{"From", func(m *Message) { m.From = "not an address" }},
		{"Reply-To", func(m *Message) { m.ReplyTo = "a@b.test\nX: y" }},
		{"Envelope-From", func(m *Message) { m.EnvelopeFrom = "bounces@drlee.test\x00" }},
		{"Message-ID", func(m *Message) { m.MessageID = "" }},
		{"Message-ID", func(m *Message) { m.MessageID = "<abc@drlee.test>" }},
		{"Message-ID", func(m *Message) { m.MessageID = "abc@drlee.test\r\nX-Evil: 1" }},
		{"In-Reply-To", func(m *Message) { m.InReplyTo = "no-at-sign" }},
		{"References", func(m *Message) { m.References = []string{"a@b", "c@d\ne@f"} }},
		{"X-Campaign", func(m *Message) { m.Headers = map[string]string{"X-Campaign": "intro\r\nBcc: x@y.test"} }},
		{`"Bad Name"`, func(m *Message) { m.Headers = map[string]string{"Bad Name": "v"} }},
		{`"X-A\r\nB"`, func(m *Message) { m.Headers = map[string]string{"X-A\r\nB": "v"} }},
		{"Precedence", func(m *Message) { m.Headers = map[string]string{"precedence": "bulk"} }},
		{"Auto-Submitted", func(m *Message) { m.Headers = map[string]string{"Auto-Submitted": "auto-generated"} }},
		{"X-Auto-Response-Suppress", func(m *Message) { m.Headers = map[string]string{"X-Auto-Response-Suppress": "All"} }},
		{"X-Mailer", func(m *Message) { m.Headers = map[string]string{"X-Mailer": "rapport"} }},
		{"Bcc", func(m *Message) { m.Headers = map[string]string{"Bcc": "x@y.test"} }},
		{"Content-Type", func(m *Message) { m.Headers = map[string]string{"content-type": "text/html"} }},
		{"Content-Disposition (attachment 1)", func(m *Message) {
			m.Attachments = []Attachment{{Name: "a\r\nb.pdf", ContentType: "application/pdf"}}
		}},
		{"Content-Type (attachment 1)", func(m *Message) {
			m.Attachments = []Attachment{{Name: "a.pdf", ContentType: "application/pdf\r\nX: y"}}
		}},
		{"Content-Type (alternative 1)", func(m *Message) { m.Alternatives = []Alternative{{ContentType: "text/calendar\n; x", Body: "x"}} }},
	}
	for _, tc := range cases {
		t.Run(tc.header, func(t *testing.T) {
			m := sampleMessage()
			tc.edit(&m)
			_, err := Build(m)
			var he *HeaderError
			if !errors.As(err, &he) || he.Header != tc.header || !errors.Is(err, ErrInvalidMessage) {
				t.Fatalf("err = %v, want a HeaderError for %s", err, tc.header)
			}
		})
	}
}

func TestBuildNeedsText(t *testing.T) {
	m := sampleMessage()
	m.Text = ""
	if _, err := Build(m); !errors.Is(err, ErrInvalidMessage) {
		t.Fatalf("err = %v", err)
	}
}

func readHeader(t testing.TB, raw []byte) mail.Header {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	return mail.Header{Header: e.Header}
}

func TestBuildInvitationWithCalendar(t *testing.T) {
	chi, _ := time.LoadLocation("America/Chicago")
	ev, errs := invite.Spec{Title: "Meet & Greet for Local Clinicians", Start: "2026-12-03 17:00", End: "2026-12-03 18:30",
		Location: "Maple Grove Library, Room B", Address: "410 Elm Street, Springfield, IL 62704"}.Event(chi)
	if errs != nil {
		t.Fatal(errs)
	}
	ev.UID = invite.UID("meet-greet", "invite", "", "lee@drlee.test")
	inv := invite.Invitation{Event: ev, Organizer: invite.Person{Name: "Dr. Jordan Lee, LMFT", Email: "lee@drlee.test"},
		Attendee: invite.Person{Name: "Front Desk", Email: "frontdesk@pediatrics.test"}, Stamp: noteDate}
	request, err := inv.Request()
	if err != nil {
		t.Fatal(err)
	}
	inv.Sequence = 1
	cancel, err := inv.Cancel()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		story, method string
		cal           []byte
	}{{"an invitation", "REQUEST", request}, {"a cancellation", "CANCEL", cancel}} {
		t.Run(c.story, func(t *testing.T) {
			m := sampleMessage()
			m.HTML = "<p>Hello</p>"
			m.Calendar = c.cal
			raw := render(t, m)
			checkWire(t, raw)
			parts := walk(t, raw)
			want := "multipart/mixed > multipart/alternative > text/plain, text/html, text/calendar | attachment application/ics invite.ics"
			if got := describe(parts); got != want {
				t.Errorf("structure:\n%s\nwant\n%s", got, want)
			}
			for _, p := range parts {
				if p.typ != "text/calendar" && p.file != "invite.ics" {
					continue
				}
				if !bytes.Equal(p.body, c.cal) {
					t.Errorf("%s part differs from the calendar given", p.typ)
				}
				if p.typ == "text/calendar" && (p.params["method"] != c.method || !strings.EqualFold(p.params["charset"], "utf-8")) {
					t.Errorf("Content-Type params %v, want method=%s (the calendar's METHOD) and charset UTF-8", p.params, c.method)
				}
			}
			if !bytes.Contains(c.cal, []byte("\r\nMETHOD:"+c.method+"\r\n")) {
				t.Errorf("the calendar's METHOD is not %s", c.method)
			}
		})
	}
	t.Run("a calendar without METHOD is refused", func(t *testing.T) {
		m := sampleMessage()
		m.Calendar = bytes.Replace(request, []byte("METHOD:REQUEST\r\n"), nil, 1)
		var he *HeaderError
		if _, err := Build(m); !errors.As(err, &he) || he.Header != "Content-Type (calendar)" {
			t.Errorf("err = %v", err)
		}
	})
}

type mimePart struct {
	depth  int
	typ    string
	params map[string]string
	file   string
	body   []byte
}

func walk(t *testing.T, raw []byte) []mimePart {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out []mimePart
	err = e.Walk(func(path []int, p *message.Entity, err error) error {
		if err != nil {
			return err
		}
		typ, params, _ := p.Header.ContentType()
		mp := mimePart{depth: len(path), typ: typ, params: params}
		if disp, dp, _ := p.Header.ContentDisposition(); disp == "attachment" {
			mp.file = dp["filename"]
		}
		if !strings.HasPrefix(typ, "multipart/") {
			mp.body, _ = io.ReadAll(p.Body)
		}
		out = append(out, mp)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// describe writes the MIME tree as "mixed > alternative > a, b | attachment".
func describe(parts []mimePart) string {
	var b strings.Builder
	prev := -1
	for i, p := range parts {
		switch {
		case i == 0:
		case p.depth > prev:
			b.WriteString(" > ")
		case p.file != "":
			b.WriteString(" | attachment ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(p.typ)
		if p.file != "" {
			b.WriteString(" " + p.file)
		}
		prev = p.depth
	}
	return b.String()
}
