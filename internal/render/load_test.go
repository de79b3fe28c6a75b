package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"rapport/internal/contact"
)

func TestFrontMatter(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"an unknown key names the file and the line",
			"---\nsubject: Hi\n# a comment\nsubjet: typo\n---\nBody\n", `note.md line 4: unknown key "subjet"`},
		{"a missing subject is an error", "---\nreply_to: a@b.example\n---\nBody\n", "note.md line 1: the front matter has no subject"},
		{"a subject left as a comment is missing", "---\nsubject: # todo\n---\nBody\n", "no subject"},
		{"no front matter at all", "Hello there\n", `starts with a "---" line`},
		{"an unclosed front matter", "---\nsubject: Hi\nBody\n", `no closing "---"`},
		{"a key set twice", "---\nsubject: Hi\nsubject: Ho\n---\nBody\n", `line 3: "subject" is set twice`},
		{"a list item without attachments", "---\nsubject: Hi\n- card.pdf\n---\nBody\n", `line 3: a "- item" line belongs under "attachments:"`},
		{"an indented key", "---\nsubject: Hi\n  reply_to: a@b.example\n---\nBody\n", "line 3: unexpected indentation"},
		{"a line without a colon", "---\nsubject: Hi\nhello\n---\nBody\n", `line 3: expected "key: value"`},
		{"an unclosed quote", "---\nsubject: \"Hi\n---\nBody\n", "no closing quote"},
		{"a bad language tag", "---\nsubject: Hi\nlang: english!\n---\nBody\n", "not a language tag"},
		{"a template with no note", "---\nsubject: Hi\n---\n\n", "note.md line 4: the note has no text"},
		{"a broken action in the subject names its line", "---\n\nsubject: Hi {{.FirstName\n---\nBody\n", "note.md line 3:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("note", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestFrontMatterValues(t *testing.T) {
	tests := []struct {
		name, src string
		attach    []string
		subject   string
	}{
		{"a comma list of attachments", "attachments: card.pdf, brochure.pdf # both", []string{"card.pdf", "brochure.pdf"}, "Hi"},
		{"a YAML list of attachments", "attachments:\n  - card.pdf\n  - \"my brochure.pdf\"\n", []string{"card.pdf", "my brochure.pdf"}, "Hi"},
		{"a bracket list of attachments", "attachments: [card.pdf, brochure.pdf]", []string{"card.pdf", "brochure.pdf"}, "Hi"},
		{"a quoted subject keeps its #", "subject: \"Office #2 says \\\"hi\\\"\"", nil, `Office #2 says "hi"`},
		{"a single-quoted subject", "subject: 'It''s me'", nil, "It's me"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "---\n" + tt.src + "\n---\nBody\n"
			if !strings.Contains(tt.src, "subject:") {
				src = "---\nsubject: Hi\n" + tt.src + "\n---\nBody\n"
			}
			fm, err := parseFrontMatter("note.md", src)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range fm.attachments {
				got = append(got, a.value)
			}
			if strings.Join(got, "|") != strings.Join(tt.attach, "|") || fm.subject.value != tt.subject {
				t.Errorf("attachments %q subject %q", got, fm.subject.value)
			}
		})
	}
}

func TestWindowsFile(t *testing.T) {
	src := "\uFEFF---\r\nsubject: Hi {{.FirstName}}\r\n---\r\nDear {{.FirstName}},\r\n\r\nThanks.\r\n"
	m := render(t, mustParse(t, src), &contact.Contact{Email: "x@y.test", FirstName: "Ann"})
	if m.Subject != "Hi Ann" || m.Text != "Dear Ann,\n\nThanks.\n" {
		t.Errorf("subject %q text %q", m.Subject, m.Text)
	}
}

func TestAttachments(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "card.pdf", "%PDF-1.4 card")
	write(t, dir, "intro.md", "---\nsubject: Hi\nattachments: card.pdf\n---\nHello\n")
	write(t, dir, "lost.md", "---\nsubject: Hi\nattachments:\n  - card.pdf\n  - brochure.pdf\n---\nHello\n")

	t.Run("an attachment is read from the templates folder at render time", func(t *testing.T) {
		tm, err := Load(dir, "intro")
		if err != nil {
			t.Fatal(err)
		}
		write(t, dir, "card.pdf", "%PDF-1.4 new card")
		m := render(t, tm, &contact.Contact{Email: "x@y.test"})
		a := m.Attachments
		if len(a) != 1 || a[0].Name != "card.pdf" || a[0].ContentType != "application/pdf" || string(a[0].Data) != "%PDF-1.4 new card" {
			t.Errorf("attachments = %+v", a)
		}
	})
	t.Run("a missing attachment names the file and the line", func(t *testing.T) {
		_, err := Load(dir, "lost")
		if err == nil || !strings.Contains(err.Error(), `lost.md line 5: attachment "brochure.pdf"`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("an attachment removed after loading fails the render", func(t *testing.T) {
		tm, err := Load(dir, "intro")
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(filepath.Join(dir, "card.pdf"))
		_, err = tm.Render(Input{Contact: &contact.Contact{Email: "x@y.test"}, Sender: anna})
		if !errors.Is(err, ErrTemplate) || !strings.Contains(err.Error(), "card.pdf") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestLoadAll(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "README.md", "# How templates work\n")
	write(t, dir, "good.md", "---\nsubject: Hi\n---\nHello\n")
	write(t, dir, "bad.md", "---\nsubject: Hi\ncolour: blue\n---\nHello\n")
	write(t, dir, "notes.txt", "not a template")
	os.Mkdir(filepath.Join(dir, "letters"), 0o755)
	tms, errs := LoadAll(dir)
	if len(tms) != 1 || tms["good"] == nil || tms["good"].Name != "good" {
		t.Errorf("templates = %v", tms)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "bad.md line 3") {
		t.Errorf("errors = %v", errs)
	}
	if _, err := Load(dir, "../etc/passwd"); err == nil {
		t.Error("a name leaving the folder loaded")
	}
}

// TestConcurrentRenders: the daemon renders from several goroutines with
// one parsed template; each render must see only its own contact.
func TestConcurrentRenders(t *testing.T) {
	tm := mustParse(t, "---\nsubject: For {{.FirstName}}\n---\nDear {{.FirstName}},\n")
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := strings.Repeat("x", i+1)
			m, err := tm.Render(Input{Contact: &contact.Contact{Email: "x@y.test", FirstName: name}, Sender: anna})
			if err != nil || m.Subject != "For "+name || m.Text != "Dear "+name+",\n" {
				t.Errorf("render %d: %v %v", i, m, err)
			}
		}()
	}
	wg.Wait()
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNotUTF8(t *testing.T) {
	_, err := Parse("note", []byte("---\nsubject: Hi\n---\nCaf\xe9 au lait\n"))
	if err == nil || !strings.Contains(err.Error(), "note.md line 4: the file is not UTF-8") {
		t.Errorf("err = %v", err)
	}
}
