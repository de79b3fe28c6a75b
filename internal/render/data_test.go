package render

import (
	"errors"
	"strings"
	"testing"

	"rapport/internal/contact"
)

// Contact data is data: it is never parsed as a template, as Markdown or as
// HTML, whatever it looks like.
func TestDataIsData(t *testing.T) {
	tm := mustParse(t, "---\nsubject: For {{.Organization}}\n---\nHello to the team at {{.Organization}}, and {{.FirstName}}.\n\n[Our site]({{.Fields.site}})\n")
	tests := []struct {
		name, org, first, site string
		text, html             []string // must appear
		notHTML                []string // must not appear in the HTML part
	}{
		{name: "contact data that looks like a template is printed literally",
			org: "{{.Sender.Email}}", first: `{{template "x"}}`, site: "https://x.example",
			text: []string{"team at {{.Sender.Email}}, and {{template \"x\"}}."},
			html: []string{"team at {{.Sender.Email}}, and {{template &#34;x&#34;}}."}, notHTML: []string{anna.Email}},
		{name: "HTML in an organization name is escaped",
			org: `<script>alert("hi")</script> & Co`, first: `<img src=x onerror=alert(1)>`, site: "https://x.example",
			text:    []string{`team at <script>alert("hi")</script> & Co, and <img src=x onerror=alert(1)>.`},
			html:    []string{"&lt;script&gt;alert(&#34;hi&#34;)&lt;/script&gt; &amp; Co", "&lt;img src=x onerror=alert(1)&gt;"},
			notHTML: []string{"<script", "<img"}},
		{name: "Markdown in a name stays as typed",
			org: "**Bold** _Clinic_ `code` # 1. - [x](https://evil.example)", first: "&amp; \\*", site: "https://x.example",
			text:    []string{"team at **Bold** _Clinic_ `code` # 1. - [x](https://evil.example), and &amp; \\*."},
			html:    []string{"**Bold** _Clinic_ `code` # 1. - [x](https://evil.example)", "&amp;amp; \\*"},
			notHTML: []string{"<strong>", "<em>", "<code>", `href="https://evil`}},
		{name: "a javascript link from data is not a link",
			org: "Maple", first: "Ann", site: "javascript:alert(1)",
			text: []string{"Our site"}, notHTML: []string{"javascript", "<a "}},
		{name: "a web link from data is a link",
			org: "Maple", first: "Ann", site: "https://maple.example/?a=1&b=2",
			text: []string{"Our site (https://maple.example/?a=1&b=2)"}, html: []string{`<a href="https://maple.example/?a=1&amp;b=2">Our site</a>`}},
		{name: "a link address with a quote cannot break out of the attribute",
			org: "Maple", first: "Ann", site: `https://x.example/"onmouseover="alert(1)`,
			notHTML: []string{`"onmouseover`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &contact.Contact{Email: "x@y.test", Organization: tt.org, FirstName: tt.first, Fields: map[string]string{"site": tt.site}}
			m := render(t, tm, c)
			flat := strings.Join(strings.Fields(m.Text), " ") // the text part is wrapped
			for _, w := range tt.text {
				if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("text part lacks %q:\n%s", w, m.Text)
				}
			}
			for _, w := range tt.html {
				if !strings.Contains(m.HTML, w) {
					t.Errorf("HTML part lacks %q:\n%s", w, m.HTML)
				}
			}
			for _, w := range tt.notHTML {
				if strings.Contains(m.HTML, w) {
					t.Errorf("HTML part has %q:\n%s", w, m.HTML)
				}
			}
			if m.Subject != "For "+strings.Join(strings.Fields(tt.org), " ") {
				t.Errorf("subject = %q", m.Subject)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	c := &contact.Contact{Email: "x@y.test", FirstName: "Ann", Organization: "Maple"}
	t.Run("subject cannot carry a line break from data", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hello {{.Organization}}\n---\nHi\n")
		for _, org := range []string{"Maple\r\nBcc: all@example.test", "Maple\nX", "Maple\x00", "Maple\u2028X", "Maple\tX"} {
			bad := &contact.Contact{Email: "x@y.test", Organization: org}
			fes := fieldErrors(t, tm, bad)
			if fes[0].Field != ".Organization" || fes[0].Line != 2 || !strings.Contains(fes[0].Reason, "line break") {
				t.Errorf("%q: got %v", org, fes)
			}
		}
	})
	t.Run("from_name cannot carry a line break either", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi\nfrom_name: Anna for {{.Organization}}\n---\nHi\n")
		fes := fieldErrors(t, tm, &contact.Contact{Email: "x@y.test", Organization: "A\nB"})
		if fes[0].Line != 3 {
			t.Errorf("got %v", fes)
		}
	})
	t.Run("a control character in the template's own subject is refused", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi{{\"\\n\"}}there\n---\nHi\n")
		if _, err := tm.Render(Input{Contact: c, Sender: anna}); err == nil {
			t.Error("no error")
		}
	})
	t.Run("the subject is one tidy line", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: '  Hello   from {{.Sender.Name}} #1  '\n---\nHi\n")
		if m := render(t, tm, c); m.Subject != "Hello from Anna Lee #1" {
			t.Errorf("subject = %q", m.Subject)
		}
	})
	t.Run("an empty subject is an error", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: '{{default \"\" .Title}}'\n---\nHi\n")
		if _, err := tm.Render(Input{Contact: c, Sender: anna}); err == nil || !strings.Contains(err.Error(), "note.md line 2: the subject is empty") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("from_name and reply_to are templates and override the identity", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi\nfrom_name: Anna Lee, LMFT\nreply_to: office+{{lower .FirstName}}@lee.example\n---\nHi\n")
		m := render(t, tm, c)
		if m.FromName != "Anna Lee, LMFT" || m.ReplyTo != "office+ann@lee.example" {
			t.Errorf("from %q reply-to %q", m.FromName, m.ReplyTo)
		}
	})
	t.Run("without from_name the sender's name is used", func(t *testing.T) {
		s := anna
		s.ReplyTo = "office@lee.example"
		m, err := mustParse(t, "---\nsubject: Hi\n---\nHi\n").Render(Input{Contact: c, Sender: s})
		if err != nil || m.FromName != "Anna Lee" || m.ReplyTo != "office@lee.example" {
			t.Errorf("got %+v, %v", m, err)
		}
	})
	t.Run("a reply_to that is no address is refused", func(t *testing.T) {
		tm := mustParse(t, "---\nsubject: Hi\nreply_to: the office\n---\nHi\n")
		if _, err := tm.Render(Input{Contact: c, Sender: anna}); !errors.Is(err, ErrTemplate) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSignature(t *testing.T) {
	tm := mustParse(t, "---\nsubject: Hi\n---\nWarmly,\n{{.Sender.Signature}}\n")
	s := anna
	s.Signature = "Anna Lee, LMFT\r\n<Lee & Co>\n\n  (503) 555-0142  "
	m, err := tm.Render(Input{Contact: &contact.Contact{Email: "x@y.test"}, Sender: s})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Warmly,\nAnna Lee, LMFT\n<Lee & Co>\n\n(503) 555-0142\n"; m.Text != want {
		t.Errorf("text = %q, want %q", m.Text, want)
	}
	if want := "<p>Warmly,<br>\nAnna Lee, LMFT<br>\n&lt;Lee &amp; Co&gt;<br>\n<br>\n(503) 555-0142</p>"; !strings.Contains(m.HTML, want) {
		t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
	}
}
