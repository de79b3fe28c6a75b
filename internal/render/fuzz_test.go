package render

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"rapport/internal/contact"
)

// fuzzTemplate uses every way a field reaches a note: headers, guarded
// and unguarded fields, fallbacks, a custom column in a link, emphasis
// around a value, a list and the signature.
const fuzzTemplate = `---
subject: Hello {{.FirstName}} from {{.Sender.Name}}{{with .City}} in {{.}}{{end}}
from_name: {{default "Anna" .Fields.from}}
---
{{if .Salutation}}Dear {{.Salutation}},{{else}}Hello to the team at {{.Organization}},{{end}}

I work **with {{.Organization}}** and _{{default "you" .Title}}_.

- {{.LastName | upper}}
- {{first .Fields.note "nothing"}}

[Visit]({{.Fields.site}}) or <https://x.example/{{.Fields.note}}> www.x.example/{{.City}}

    {{.Fields.note}} in code

Warmly,
{{.Sender.Signature}}
`

// allowedTags are the only elements the HTML part may hold: those of the
// page and those Markdown makes. Anything else came from data.
var allowedTags = map[string]bool{
	"!DOCTYPE": true, "html": true, "head": true, "meta": true, "title": true, "body": true, "div": true,
	"p": true, "br": true, "a": true, "em": true, "strong": true, "ul": true, "ol": true, "li": true,
	"code": true, "pre": true, "blockquote": true, "hr": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
}

func FuzzRender(f *testing.F) {
	f.Add("Ann", "Lee", "Dr.", "Maple <b>Peds</b>", "Portland", "https://maple.example", "**note**", "Anna\nLMFT")
	f.Add("", "", "", "{{.Sender.Email}}", "", "javascript:alert(1)", "[x](javascript:y)", "")
	f.Add("A\r\nBcc: x@y", "\x00", "Pastor", "&amp; \\* _x_", "\u2028", "mailto:a@b", "<script>", "\uE000\uE010\uE001")
	f.Add(" ", "\t", "Dr", "#1. - > ", "a\nb", "https://x.example/\"onclick=\"", "`code`", "\xff\xfe")
	tm, err := Parse("fuzz", []byte(fuzzTemplate))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, first, last, title, org, city, site, note, sig string) {
		c := &contact.Contact{Email: "x@y.test", FirstName: first, LastName: last, Title: title, Organization: org,
			Address: contact.Address{City: city}, Fields: map[string]string{"site": site, "note": note, "from": org}}
		s := anna
		s.Signature = sig
		m, err := tm.Render(Input{Contact: c, Sender: s})
		if err != nil {
			var fes FieldErrors
			if !errors.As(err, &fes) || len(fes) == 0 {
				t.Fatalf("not a FieldErrors: %v", err)
			}
			return
		}
		checkFuzzed(t, m)
	})
}

func checkFuzzed(t *testing.T, m *Message) {
	t.Helper()
	for _, h := range []string{m.Subject, m.FromName, m.ReplyTo} {
		if strings.ContainsAny(h, "\r\n\x00") || hasControl(h) {
			t.Fatalf("header %q", h)
		}
	}
	if strings.TrimSpace(m.Subject) == "" {
		t.Fatal("empty subject")
	}
	if strings.Contains(m.Text+m.HTML, "<no value>") {
		t.Fatal("<no value>")
	}
	for _, l := range strings.Split(m.Text, "\n") {
		if len(l) > 998 {
			t.Fatalf("text line of %d octets", len(l))
		}
	}
	if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		t.Fatal("invalid UTF-8")
	}
	if tag := strayTag(m.HTML); tag != "" {
		t.Fatalf("HTML holds <%s:\n%s", tag, m.HTML)
	}
	for _, h := range hrefs(m.HTML) {
		if !allowedURL(h) && !allowedURL(strings.ReplaceAll(h, "&amp;", "&")) {
			t.Fatalf("href %q", h)
		}
	}
}

// strayTag returns the name of the first element of s that is not allowed.
func strayTag(s string) string {
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			return ""
		}
		s = strings.TrimPrefix(s[i+1:], "/")
		end := strings.IndexAny(s, " >/\n")
		if end < 0 || !allowedTags[s[:end]] {
			return s[:min(len(s), 20)]
		}
	}
}

func hrefs(s string) []string {
	var out []string
	for {
		_, rest, ok := strings.Cut(s, `href="`)
		if !ok {
			return out
		}
		v, after, _ := strings.Cut(rest, `"`)
		out = append(out, v)
		s = after
	}
}

// FuzzParse: whatever a user types into a template file, loading and
// rendering it fails with an error or works; it never panics.
func FuzzParse(f *testing.F) {
	f.Add(fuzzTemplate)
	f.Add("---\nsubject: {{range .Tags}}{{.}}{{end}}\n---\n{{with $x := .Title}}{{$x}}{{end}}{{$.FirstName}}\n")
	f.Add("---\nsubject: x\n---\n{{if and .Title (not .City)}}{{printf \"%v\" .Fields}}{{else if .Kind}}{{index .Fields \"a\"}}{{end}}")
	f.Add("---\nsubject: x\nattachments:\n - a\n---\n```\n{{.City}}\n```\n[a]: {{.Fields.site}}\n\n[b][a] <{{.Email}}>")
	c := &contact.Contact{Email: "x@y.test", FirstName: "Ann", Title: "Dr.", Tags: []string{"a"},
		Fields: map[string]string{"a": "1", "site": "https://x.example"}}
	f.Fuzz(func(t *testing.T, src string) {
		// As typed, and as a body under a valid front matter, so that
		// the fuzzer reaches the body without having to guess one.
		for _, s := range []string{src, "---\nsubject: Hi {{.FirstName}}\n---\n" + src} {
			tm, err := Parse("fuzz", []byte(s))
			if err != nil {
				continue
			}
			tm.Fields()
			m, err := tm.Render(Input{Contact: c, Sender: anna})
			if err == nil {
				checkFuzzed(t, m)
			}
			_, _ = tm.RenderLetter(Input{Contact: c, Sender: anna})
		}
	})
}
