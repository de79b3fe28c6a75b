package sheet

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// scanAll runs the pre-pass over a file's text and returns its cards.
func scanAll(t *testing.T, text string) []rawCard {
	t.Helper()
	s := newCardScanner(strings.NewReader(text))
	var cards []rawCard
	for {
		c, err := s.next()
		if errors.Is(err, io.EOF) {
			return cards
		}
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		cards = append(cards, c)
	}
}

func TestCardScanner(t *testing.T) {
	t.Run("Outlook 2.1: quoted-printable over several lines, in Windows-1252", func(t *testing.T) {
		cards := scanAll(t, "BEGIN:VCARD\r\nVERSION:2.1\r\n"+
			"N;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"+
			"NOTE;ENCODING=QUOTED-PRINTABLE:Line one=0D=0ALine=\r\n two=3D2\r\n"+
			"END:VCARD\r\n")
		want := "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Müller;Jürgen\r\nNOTE:Line one\\nLine two=2\r\nEND:VCARD\r\n"
		if len(cards) != 1 || cards[0].text != want {
			t.Errorf("got %+v", cards)
		}
	})
	t.Run("2.1 bare parameters become types go-vcard reads", func(t *testing.T) {
		cards := scanAll(t, "BEGIN:VCARD\nEMAIL;PREF;INTERNET:a@b.test\nTEL;WORK;VOICE:1\nEND:VCARD\n")
		if !strings.Contains(cards[0].text, "EMAIL;TYPE=PREF;TYPE=INTERNET:a@b.test") || !strings.Contains(cards[0].text, "TEL;TYPE=WORK;TYPE=VOICE:1") {
			t.Errorf("got %q", cards[0].text)
		}
	})
	t.Run("a raw Windows-1252 value without a charset", func(t *testing.T) {
		cards := scanAll(t, "BEGIN:VCARD\nORG:Praxis M\xfcller\nEND:VCARD\n")
		if !strings.Contains(cards[0].text, "ORG:Praxis Müller") {
			t.Errorf("got %q", cards[0].text)
		}
	})
	t.Run("folded 3.0 lines are left for go-vcard to unfold", func(t *testing.T) {
		cards := scanAll(t, "BEGIN:VCARD\r\nNOTE:Asked about grief groups f\r\n or teens\r\nEND:VCARD\r\n")
		if !strings.Contains(cards[0].text, "NOTE:Asked about grief groups f\r\n or teens") {
			t.Errorf("got %q", cards[0].text)
		}
	})
	t.Run("photos and unread properties are dropped, folded or not", func(t *testing.T) {
		photo := strings.Repeat(" /9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0a\r\n", 200_000)
		cards := scanAll(t, "BEGIN:VCARD\r\nFN:Anna Lee\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/\r\n"+photo+
			"PHOTO;ENCODING=BASE64:\r\nAAAABBBBCCCC\r\nDDDD\r\n\r\n"+ // 2.1, unindented
			"LOGO;VALUE=uri:"+strings.Repeat("x", 300_000)+"\r\n"+
			"X-MS-OL-DESIGN;CHARSET=utf-8:<card/>\r\nEMAIL:lee@clinic.test\r\nEND:VCARD\r\n")
		want := "BEGIN:VCARD\r\nFN:Anna Lee\r\nEMAIL:lee@clinic.test\r\nEND:VCARD\r\n"
		if len(cards) != 1 || cards[0].text != want || cards[0].problem != "" {
			t.Errorf("got %+v", cards)
		}
	})
	t.Run("a dropped quoted-printable label does not leak its lines", func(t *testing.T) {
		cards := scanAll(t, "BEGIN:VCARD\r\nLABEL;ENCODING=QUOTED-PRINTABLE:410 Elm St=0D=0A=\r\nEMAIL:not-this@x.test=0D=0A=\r\nUSA\r\nEMAIL:a@b.test\r\nEND:VCARD\r\n")
		if strings.Contains(cards[0].text, "not-this") || !strings.Contains(cards[0].text, "EMAIL:a@b.test") {
			t.Errorf("got %q", cards[0].text)
		}
	})
	t.Run("a card without END does not swallow the next", func(t *testing.T) {
		cards := scanAll(t, "junk before\nBEGIN:VCARD\nFN:Bo\nBEGIN:VCARD\nFN:Cy\nEND:VCARD\nBEGIN:VCARD\nFN:Di\n")
		if len(cards) != 3 {
			t.Fatalf("got %+v", cards)
		}
		for i, want := range []struct {
			pos     int
			name    string
			problem bool
		}{{1, "FN:Bo", true}, {2, "FN:Cy", false}, {3, "FN:Di", true}} {
			c := cards[i]
			if c.pos != want.pos || !strings.Contains(c.text, want.name) || (c.problem != "") != want.problem {
				t.Errorf("card %d: %+v", i+1, c)
			}
		}
	})
	t.Run("a card too large to keep is skipped, and the next read", func(t *testing.T) {
		s := newCardScanner(strings.NewReader("BEGIN:VCARD\nNOTE:" + strings.Repeat("x", 3000) + "\nFN:Big\nEND:VCARD\nBEGIN:VCARD\nFN:Small\nEND:VCARD\n"))
		s.max = 1000
		big, _ := s.next()
		small, err := s.next()
		if !strings.Contains(big.problem, "more than") || err != nil || !strings.Contains(small.text, "FN:Small") || small.pos != 2 {
			t.Errorf("big %+v, small %+v (%v)", big.problem, small, err)
		}
	})
	t.Run("a byte-order mark before the first card", func(t *testing.T) {
		if cards := scanAll(t, "\xEF\xBB\xBFBEGIN:VCARD\nFN:A\nEND:VCARD\n"); len(cards) != 1 {
			t.Errorf("got %+v", cards)
		}
	})
}

func TestParseRawParams(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		qp       bool
		charset  string
	}{
		{"", "", false, ""},
		{";type=INTERNET;type=pref", ";type=INTERNET;type=pref", false, ""},
		{";WORK;PREF;ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252", ";TYPE=WORK;TYPE=PREF", true, "Windows-1252"},
		{";QUOTED-PRINTABLE", "", true, ""},
		{";ENCODING=8BIT;LANGUAGE=de", ";LANGUAGE=de", false, ""},
		{`;LABEL="1 Main St;Springfield";TYPE=work`, `;LABEL="1 Main St;Springfield";TYPE=work`, false, ""},
	} {
		p := parseRawParams(tc.in)
		if p.rewritten != tc.want || p.qp != tc.qp || p.charset != tc.charset {
			t.Errorf("%q: got %+v", tc.in, p)
		}
	}
}
