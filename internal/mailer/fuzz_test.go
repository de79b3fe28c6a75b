package mailer

import (
	"bufio"
	"bytes"
	stdtextproto "net/textproto"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-message/textproto"
)

// FuzzBuild feeds arbitrary text into every header input and checks that
// no input can ever add, remove or split a header: either Build refuses it,
// or the rendered message has exactly the expected header fields, CRLF
// line ends and no line over 998 octets.
func FuzzBuild(f *testing.F) {
	f.Add("Dr. Lee", "Front Desk", "Hello", "v", "a.pdf")
	f.Add("Zoë Łukasz 大松", "x\r\nBcc: y@z.test", "Hi\nBcc: v@w.test", "\x00", "b\rc.pdf")
	f.Add("", "", strings.Repeat("long words ", 200), strings.Repeat("x", 950), "")
	f.Add("\"quoted\" <tricky>", "a,b;c:d", "=?utf-8?q?already_encoded?=", "<mailto:a@b.test>", "é.pdf")
	f.Fuzz(func(t *testing.T, fromName, toName, subject, value, attName string) {
		m := sampleMessage()
		m.FromName, m.ToName, m.Subject = fromName, toName, subject
		m.Headers = map[string]string{"X-Fuzz": value}
		if attName != "" {
			m.Attachments = []Attachment{{Name: attName, ContentType: "application/pdf", Data: []byte("x")}}
		}
		msg, err := Build(m)
		if err != nil {
			return
		}
		raw, err := Render(msg)
		if err != nil {
			t.Fatal(err)
		}
		checkWire(t, raw)
		checkHeaderSet(t, raw, attName != "")
	})
}

func checkHeaderSet(t *testing.T, raw []byte, multipart bool) {
	t.Helper()
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		t.Fatalf("header does not parse: %v\n%s", err, raw)
	}
	want := []string{"Content-Transfer-Encoding", "Content-Type", "Date", "From", "Message-Id", "Mime-Version", "Subject", "To", "X-Fuzz"}
	if multipart {
		want = slices.DeleteFunc(want, func(s string) bool { return s == "Content-Transfer-Encoding" })
	}
	var got []string
	fields := h.Fields()
	for fields.Next() {
		got = append(got, stdtextproto.CanonicalMIMEHeaderKey(fields.Key()))
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("header fields %v, want %v\n%s", got, want, raw)
	}
}
