package render

import (
	"strings"
	"testing"

	"rapport/internal/contact"
)

func TestTextPart(t *testing.T) {
	c := &contact.Contact{Email: "x@y.test", FirstName: "Ann", Organization: "Maple"}
	tests := []struct{ name, body, want string }{
		{"emphasis markers are removed",
			"I'm **really** glad, _truly_ and *so* `glad`.",
			"I'm really glad, truly and so glad.\n"},
		{"a link reads as text and address",
			"See [my calendar](https://booking.example/anna).",
			"See my calendar (https://booking.example/anna).\n"},
		{"a link whose text is its address is written once",
			"See <https://booking.example/anna>, www.lee.example, ann@lee.example.",
			"See https://booking.example/anna, www.lee.example, ann@lee.example.\n"},
		{"mail and phone links read naturally",
			"[Email me](mailto:anna@lee.example) or call [(503) 555-0142](tel:+15035550142).",
			"Email me (anna@lee.example) or call (503) 555-0142.\n"},
		{"lists keep their markers",
			"Things I help with:\n\n- anxiety\n- grief\n\n1. first\n2. second",
			"Things I help with:\n\n- anxiety\n- grief\n\n1. first\n2. second\n"},
		{"headings are plain lines",
			"# Hello\n\nText",
			"Hello\n\nText\n"},
		{"a line break in the template is kept",
			"Warmly,\nAnna",
			"Warmly,\nAnna\n"},
		{"backslash escapes and entities read as meant",
			`5 \* 3 &amp; 2 &copy;`,
			"5 * 3 & 2 ©\n"},
		{"a quote keeps its marker",
			"> a kind word",
			"> a kind word\n"},
		{"paragraphs wrap near 72 columns",
			strings.Repeat("word ", 30),
			strings.TrimSpace(strings.Repeat("word ", 14)) + "\n" + strings.TrimSpace(strings.Repeat("word ", 14)) + "\nword word\n"},
		{"a long URL is never broken",
			"Please see https://booking.example/" + strings.Repeat("a", 100) + " soon.",
			"Please see\nhttps://booking.example/" + strings.Repeat("a", 100) + "\nsoon.\n"},
		{"a wrapped list item is indented under its text",
			"- " + strings.Repeat("care ", 16),
			"- " + strings.TrimSpace(strings.Repeat("care ", 14)) + "\n  care care\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := mustParse(t, "---\nsubject: Hi\n---\n"+tt.body+"\n")
			if got := render(t, tm, c).Text; got != tt.want {
				t.Errorf("text =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestTextLineLimit(t *testing.T) {
	tm := mustParse(t, "---\nsubject: Hi\n---\nHello {{.Organization}}\n")
	c := &contact.Contact{Email: "x@y.test", Organization: strings.Repeat("é", 3000)}
	m := render(t, tm, c)
	for _, l := range strings.Split(m.Text, "\n") {
		if len(l) > 998 {
			t.Fatalf("a line of %d octets", len(l))
		}
	}
	if strings.Count(m.Text, "é") != 3000 {
		t.Error("text lost characters")
	}
}

func TestLetter(t *testing.T) {
	tm := mustParse(t, "---\nsubject: Not in a letter\n---\nDear {{salutation \"friends\"}},\n\n"+strings.Repeat("thank you ", 20)+"\n\nWarmly,\n{{.Sender.Signature}}\n")
	got, err := tm.RenderLetter(Input{Contact: &contact.Contact{Email: "x@y.test", Title: "Dr.", LastName: "Lee"}, Sender: anna})
	if err != nil {
		t.Fatal(err)
	}
	want := "Dear Dr. Lee,\n\n" + strings.TrimSpace(strings.Repeat("thank you ", 20)) + "\n\nWarmly,\n" + anna.Signature + "\n"
	if got != want {
		t.Errorf("letter =\n%s\nwant\n%s", got, want)
	}
	if _, err := tm.RenderLetter(Input{Contact: &contact.Contact{Email: "x@y.test"}, Sender: Sender{}}); err == nil {
		t.Error("a letter with a missing signature rendered")
	}
}

func TestHTMLPart(t *testing.T) {
	tm := mustParse(t, "---\nsubject: Hi <there> & you\nlang: en-US\n---\nHello **{{.FirstName}}**\n")
	m := render(t, tm, &contact.Contact{Email: "x@y.test", FirstName: "Ann"})
	for _, want := range []string{`<html lang="en-US">`, "<title>Hi &lt;there&gt; &amp; you</title>", "<p>Hello <strong>Ann</strong></p>"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
		}
	}
	for _, never := range []string{"<img", "<link", "class=", "<script", "http"} {
		if strings.Contains(m.HTML, never) {
			t.Errorf("HTML has %q", never)
		}
	}
}
