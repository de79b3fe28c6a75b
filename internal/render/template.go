package render

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"unicode/utf8"
)

// Template is one parsed template file. It is safe for concurrent renders.
type Template struct {
	Name string // "intro-physician"
	Path string // the file, for messages ("templates/intro-physician.md")
	Dir  string // attachments are relative to it

	subject, fromName, replyTo, body *part // fromName and replyTo may be nil
	attachments                      []entry
	lang                             string

	refs   []fieldRef      // what each __req call stands for
	acts   []action        // what each __out call stands for
	fields map[string]bool // every field the template refers to, from the root
	shape  shapeCache
	// parsedBodies keeps parsed bodies (see parsed).
	parsedBodies bodyCache
}

// part is one of the templates a file holds: the body, or a front-matter
// value (which is a template too).
type part struct {
	tmpl   *template.Template
	prefix string // the blank lines put before it so that its lines are the file's
	line   int    // its first line in the file
}

// Load reads and parses dir/NAME.md.
func Load(dir, name string) (*Template, error) {
	name = strings.TrimSuffix(name, ".md")
	if name == "" || strings.Contains(name, "..") {
		return nil, fmt.Errorf("template name %q: %w", name, ErrTemplate)
	}
	path := filepath.Join(dir, name+".md")
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("template %s: %w", name, err)
	}
	t, err := parseFile(name, path, dir, src)
	if err != nil {
		return nil, err
	}
	return t, t.checkAttachments()
}

// Parse parses a template from memory. Its Path is NAME.md and its
// attachments are looked up in the working directory.
func Parse(name string, src []byte) (*Template, error) {
	return parseFile(name, name+".md", ".", src)
}

// LoadAll loads every NAME.md in dir (not README.md, which explains the
// templates to the user, nor subdirectories such as letters/). It returns
// what loaded and one error per file that did not.
func LoadAll(dir string) (map[string]*Template, []error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, []error{fmt.Errorf("templates: %w", err)}
	}
	out := map[string]*Template{}
	var errs []error
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".md")
		if !ok || e.IsDir() || strings.EqualFold(name, "README") || strings.HasPrefix(name, ".") {
			continue
		}
		t, err := Load(dir, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[name] = t
	}
	return out, errs
}

// Fields lists, sorted, the fields the template refers to from the root
// (".FirstName", ".Fields.specialty", ".Sender.BookingURL"), guarded or not.
func (t *Template) Fields() []string {
	out := make([]string, 0, len(t.fields))
	for f := range t.fields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

func parseFile(name, path, dir string, src []byte) (*Template, error) {
	text := strings.TrimPrefix(string(src), "\uFEFF") // a BOM from Notepad
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if i := invalidUTF8(text); i >= 0 {
		return nil, errorAt(path, 1+strings.Count(text[:i], "\n"), "the file is not UTF-8 text; save it as UTF-8 in your editor")
	}
	fm, err := parseFrontMatter(path, text)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(fm.body) == "" {
		return nil, errorAt(path, fm.bodyLine, "the note has no text after the front matter")
	}
	if err := checkMarkdown(path, fm.body, fm.bodyLine); err != nil {
		return nil, err
	}
	t := &Template{Name: name, Path: path, Dir: dir, attachments: fm.attachments, lang: fm.lang.value, fields: map[string]bool{}}
	if t.lang == "" {
		t.lang = "en"
	}
	if t.subject, err = t.parsePart(fm.subject, true); err != nil {
		return nil, err
	}
	if t.fromName, err = t.parsePart(fm.fromName, true); err != nil {
		return nil, err
	}
	if t.replyTo, err = t.parsePart(fm.replyTo, true); err != nil {
		return nil, err
	}
	t.body, err = t.parsePart(entry{fm.body, fm.bodyLine}, false)
	return t, err
}

// parsePart parses one template of the file and rewrites it for strictness
// (rewrite.go). An empty front-matter value gives a nil part.
func (t *Template) parsePart(e entry, header bool) (*part, error) {
	if header && e.value == "" {
		return nil, nil
	}
	prefix := strings.Repeat("\n", max(e.line-1, 0))
	src := prefix + e.value
	tmpl, err := template.New(t.Path).Funcs(helpers()).Option("missingkey=zero").Parse(src)
	if err != nil {
		return nil, tidy(err)
	}
	if len(tmpl.Templates()) > 1 {
		return nil, errorAt(t.Path, e.line, "{{define}} and {{block}} are not supported: write the text in this file")
	}
	rw := &rewriter{t: t, src: src, header: header}
	rw.walk(tmpl.Tree.Root, scope{})
	if rw.err != nil {
		return nil, rw.err
	}
	return &part{tmpl: tmpl, prefix: prefix, line: e.line}, nil
}

// templateMessage matches text/template's "template: NAME:LINE[:COL]: ...".
var templateMessage = regexp.MustCompile(`(?s)^template: (.+?):(\d+):(?:\d+:)? (?:executing "[^"]*" at <[^>]*>: )?(.*)$`)

// tidy rewrites a text/template error as "FILE line N: what", the way
// every other message of rapport names a place in a file.
func tidy(err error) error {
	m := templateMessage.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	var line int
	fmt.Sscan(m[2], &line)
	msg := strings.TrimPrefix(m[3], "error calling ")
	return errorAt(m[1], line, "%s", msg)
}

// invalidUTF8 is the offset of the first byte that is not UTF-8, or -1. A
// file saved by an old editor in Windows-1252 would otherwise send
// mojibake.
func invalidUTF8(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return -1
}
