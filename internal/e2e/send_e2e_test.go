package e2e

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// introTemplate is a note built to be hard on the transport: a non-ASCII
// subject carrying the run's token, lines that start with "." (one is a
// lone dot, SMTP's end of data), and a paragraph longer than SMTP's 998
// octets a line.
var introTemplate = `---
subject: Grüße und ein kurzes Hallo from {{.Sender.Practice}} {{.Fields.token}}
---
Dear {{salutation "friends"}},

My name is {{.Sender.Name}}, and I'm a therapist in private practice nearby. Could I stop by for ten minutes some afternoon?

.this line starts with a dot, as a careless paste might
.
..two dots

` + longParagraph + `

Warmly,
{{.Sender.Signature}}
`

// longParagraph is one line of about 1,600 octets in the template.
var longParagraph = strings.TrimSpace(strings.Repeat("Referrals work best when both sides know each other a little, so this paragraph goes on for a while. ", 16))

// dotLines are the body lines that dot-stuffing must carry intact.
var dotLines = []string{".this line starts with a dot, as a careless paste might", ".", "..two dots"}

const oneStepCampaign = `name = %q
description = "e2e: one note to each contact"
schedule = "0 9 * * *"

[audience]
tags = [%q]

[[steps]]
id = "intro"
channel = "email"
template = "e2e-intro"
`

func TestE2ESendCampaign(t *testing.T) {
	s := Require(t)
	u := newRapportUser(t, s)
	token := UniqueSuffix()
	tag := "send-" + token
	contacts := []csvContact{
		{"Dr.", "Zoë", "Łukasz", "Łukasz Pediatrics", "physician", BatchUser(1)},
		{"Dr.", "José", "Núñez", "Clínica del Sol", "physician", BatchUser(2)},
		{"", "Amélie", "Dubois", "École Saint-Michel", "school-counselor", BatchUser(3)},
		{"Pastor", "Ren", "Tanaka", "Grace Church", "pastor", BatchUser(4)},
		{"", "Priya", "Patel", "Maple Street Pediatrics", "physician", BatchUser(5)},
	}
	u.importContacts(tag, token, contacts)
	u.writeTemplate("e2e-intro", introTemplate)
	camp := "e2e-send-" + token
	u.writeCampaign(camp, fmt.Sprintf(oneStepCampaign, camp, tag))
	u.mustRun("campaigns", "start", camp)

	rep, ids := u.send(camp)
	if rep.Sent != len(contacts) || rep.Failed+rep.Deferred+rep.Unknown != 0 || len(ids) != len(contacts) {
		t.Fatalf("send: %+v", rep)
	}
	wantSubject := "Grüße und ein kurzes Hallo from Lee Family Therapy " + token

	imapc := s.DialIMAP(t, s.User)
	for _, c := range contacts {
		t.Run(c.Email, func(t *testing.T) {
			id := ids[c.Email]
			if id == "" {
				t.Fatalf("no note sent to %s: %+v", c.Email, rep.Results)
			}
			// The journal and the history name the same Message-ID.
			shown := u.contact(c.Email)
			if shown.Stage != "contacted" {
				t.Errorf("stage after the note: %q, want contacted", shown.Stage)
			}
			sent := shown.events("sent")
			if len(sent) != 1 || !strings.Contains(sent[0], "<"+id+">") {
				t.Errorf("history's sent events %q, want one naming <%s>", sent, id)
			}
			if !strings.HasSuffix(id, "@rapport.test") {
				t.Errorf("Message-ID %s is not on the sender's domain", id)
			}

			raw := s.findByMessageID(t, c.Email, "INBOX", id)
			checkWireFormat(t, raw)
			p := parseMessage(t, raw)
			if got := messageID(raw); got != id {
				t.Errorf("delivered Message-ID %q, journal %q", got, id)
			}
			subj, err := p.header.Subject()
			if err != nil || subj != wantSubject {
				t.Errorf("Subject decodes to %q (%v), want %q", subj, err, wantSubject)
			}
			from, err := p.header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != senderName || from[0].Address != s.User {
				t.Errorf("From decodes to %v (%v), want %q <%s>", from, err, senderName, s.User)
			}
			to, err := p.header.AddressList("To")
			wantName := c.First + " " + c.Last
			if err != nil || len(to) != 1 || to[0].Name != wantName || !strings.EqualFold(to[0].Address, c.Email) {
				t.Errorf("To decodes to %v (%v), want exactly %q <%s>", to, err, wantName, c.Email)
			}
			for _, h := range []string{"Cc", "Bcc"} {
				if v := p.header.Get(h); v != "" {
					t.Errorf("a personal note has %s: %s", h, v)
				}
			}
			for _, h := range []string{"Precedence", "Auto-Submitted", "X-Auto-Response-Suppress", "User-Agent", "X-Mailer"} {
				if p.header.Has(h) {
					t.Errorf("a personal note carries %s: %s", h, p.header.Get(h))
				}
			}
			if !containsAll(p.types, "text/plain", "text/html") {
				t.Errorf("MIME parts %v, want text/plain and text/html", p.types)
			}
			text := strings.ReplaceAll(p.text, "\r\n", "\n")
			for _, l := range dotLines {
				if !strings.Contains("\n"+text+"\n", "\n"+l+"\n") {
					t.Errorf("the text part lost the line %q:\n%s", l, text)
				}
			}
			if !strings.Contains(strings.Join(strings.Fields(text), " "), longParagraph) {
				t.Errorf("the long paragraph did not arrive whole:\n%s", text)
			}
			if !strings.Contains(p.html, "<html") && !strings.Contains(p.html, "<p") {
				t.Errorf("the HTML part is not HTML:\n%s", p.html)
			}
			if c.First == "Zoë" && !strings.Contains(text, "Dear Dr. Łukasz,") {
				t.Errorf("the greeting lost its letters:\n%s", text)
			}

			// sent_copy = "always": the same bytes are in therapist's Sent.
			if n := countHeader(t, imapc, "Sent", "Message-ID", id); n != 1 {
				t.Errorf("sent_copy = \"always\": %d copies of <%s> in %s's Sent folder after `rapport send`, want exactly 1 "+
					"(the dispatcher of `rapport send` must file each note it sends, as `rapport run` does)", n, id, s.User)
				return
			}
			cp := s.findByMessageID(t, s.User, "Sent", id)
			checkWireFormat(t, cp)
			if !bytes.Equal(bodyOf(cp), bodyOf(raw)) {
				t.Errorf("the body delivered differs from the Sent copy:\ndelivered:\n%s\ncopy:\n%s", bodyOf(raw), bodyOf(cp))
			}
		})
	}

	// A second tick sends nothing: every note is in the journal.
	again, _ := u.send(camp)
	if again.Sent != 0 || again.Failed+again.Deferred+again.Unknown != 0 {
		t.Errorf("second send: %+v", again)
	}
	for _, r := range again.Results {
		if r.State != "" {
			t.Errorf("second send: %+v", r)
		}
	}
	for _, c := range contacts {
		if n := len(u.contact(c.Email).events("sent")); n != 1 {
			t.Errorf("%s: %d sent events after the second tick", c.Email, n)
		}
	}
	var outbox []map[string]any
	u.json(&outbox, "outbox", "list")
	if len(outbox) != 0 {
		t.Errorf("notes left uncertain: %v", outbox)
	}
}

// checkWireFormat checks what RFC 5322 asks of the bytes: CRLF line ends
// only, no line longer than 998 octets, and a header in 7-bit ASCII (names
// and subject RFC 2047-encoded).
func checkWireFormat(t *testing.T, raw []byte) {
	t.Helper()
	if i := bytes.IndexFunc(raw, func(r rune) bool { return r == '\r' || r == '\n' }); i < 0 {
		t.Fatalf("no line end in %q", raw)
	}
	for i, b := range raw {
		switch {
		case b == '\n' && (i == 0 || raw[i-1] != '\r'):
			t.Errorf("bare LF at offset %d: %q", i, around(raw, i))
			return
		case b == '\r' && (i+1 == len(raw) || raw[i+1] != '\n'):
			t.Errorf("bare CR at offset %d: %q", i, around(raw, i))
			return
		}
	}
	for n, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("line %d is %d octets long (at most 998): %.80q...", n+1, len(line), line)
		}
	}
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Fatalf("no end of header in %q", raw)
	}
	for _, b := range head {
		if b >= 0x80 {
			t.Errorf("8-bit octet in the header (names and subject must be RFC 2047-encoded):\n%s", head)
			break
		}
	}
	if !utf8.Valid(raw) {
		t.Errorf("the message is not valid UTF-8/ASCII")
	}
}

func around(raw []byte, i int) []byte {
	return raw[max(0, i-30):min(len(raw), i+30)]
}

// bodyOf is everything after the header.
func bodyOf(raw []byte) []byte {
	_, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	return body
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, l := range list {
			if l == w {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
