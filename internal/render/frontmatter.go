package render

import (
	"fmt"
	"strings"
)

// entry is one front-matter value and the file line it came from, so that
// a mistake in it can be pointed at.
type entry struct {
	value string
	line  int
}

// frontMatter is what sits between the two "---" lines.
type frontMatter struct {
	subject, replyTo, fromName, lang entry
	attachments                      []entry
	body                             string
	bodyLine                         int // file line of the body's first line
}

// frontMatterKeys are the only keys a template may set; anything else is a
// typo the user should hear about rather than a setting silently ignored.
var frontMatterKeys = []string{"subject", "reply_to", "from_name", "attachments", "lang"}

// parseFrontMatter reads the small YAML-like header of a template. It is
// deliberately strict and small: "key: value" lines, "# comments", quoted
// values, and the attachments as a comma list, a [list] or "- item" lines.
func parseFrontMatter(path, src string) (*frontMatter, error) {
	lines := strings.Split(src, "\n")
	if strings.TrimSpace(lines[0]) != "---" {
		return nil, errorAt(path, 1, `a template starts with a "---" line, then "subject: ...", then another "---" line`)
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimRight(lines[i], " \t") == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, errorAt(path, 1, `the front matter has no closing "---" line`)
	}
	fm := &frontMatter{body: strings.Join(lines[end+1:], "\n"), bodyLine: end + 2}
	if err := fm.parseLines(path, lines[1:end]); err != nil {
		return nil, err
	}
	if strings.TrimSpace(fm.subject.value) == "" {
		return nil, errorAt(path, 1, `the front matter has no subject (add a line "subject: ...")`)
	}
	return fm, nil
}

func (fm *frontMatter) parseLines(path string, lines []string) error {
	seen := map[string]bool{}
	inList := false // after "attachments:" with no value, "- item" lines follow
	for i, raw := range lines {
		n := i + 2 // file line: the opening "---" is line 1
		line := strings.TrimRight(raw, " \t")
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			continue
		case strings.HasPrefix(trimmed, "- ") || trimmed == "-":
			if !inList {
				return errorAt(path, n, `a "- item" line belongs under "attachments:"`)
			}
			v, err := scalar(strings.TrimPrefix(trimmed, "-"))
			if err != nil {
				return errorAt(path, n, "%v", err)
			}
			if v != "" {
				fm.attachments = append(fm.attachments, entry{v, n})
			}
			continue
		case line != trimmed:
			return errorAt(path, n, "unexpected indentation (write \"key: value\" at the start of the line)")
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return errorAt(path, n, "expected \"key: value\", got %q", line)
		}
		key = strings.TrimSpace(key)
		if seen[key] {
			return errorAt(path, n, "%q is set twice", key)
		}
		seen[key] = true
		var err error
		inList, err = fm.set(key, value, n)
		if err != nil {
			return errorAt(path, n, "%v", err)
		}
	}
	return nil
}

// set stores one key; it reports whether a list of "- item" lines may follow.
func (fm *frontMatter) set(key, raw string, line int) (list bool, err error) {
	if key == "attachments" {
		return fm.setAttachments(raw, line)
	}
	v, err := scalar(raw)
	if err != nil {
		return false, err
	}
	e := entry{v, line}
	switch key {
	case "subject":
		fm.subject = e
	case "reply_to":
		fm.replyTo = e
	case "from_name":
		fm.fromName = e
	case "lang":
		if v != "" && !validLang(v) {
			return false, fmt.Errorf("lang %q is not a language tag such as en or en-US", v)
		}
		fm.lang = e
	default:
		return false, fmt.Errorf("unknown key %q (a template knows %s)", key, strings.Join(frontMatterKeys, ", "))
	}
	return false, nil
}

func (fm *frontMatter) setAttachments(raw string, line int) (bool, error) {
	v := strings.TrimSpace(stripComment(raw))
	if v == "" {
		return true, nil
	}
	if strings.HasPrefix(v, "[") {
		if !strings.HasSuffix(v, "]") {
			return false, fmt.Errorf("attachments: the list has no closing ]")
		}
		v = v[1 : len(v)-1]
	}
	for _, part := range strings.Split(v, ",") {
		p, err := scalar(part)
		if err != nil {
			return false, err
		}
		if p != "" {
			fm.attachments = append(fm.attachments, entry{p, line})
		}
	}
	return false, nil
}

// scalar reads a YAML-like value: quoted ("..." or '...') or bare, where a
// bare value ends at " #" (a comment), as in YAML. Quote a subject that
// must contain " #".
func scalar(raw string) (string, error) {
	v := strings.TrimSpace(raw)
	if v == "" || (v[0] != '"' && v[0] != '\'') {
		return strings.TrimSpace(stripComment(v)), nil
	}
	q := v[0]
	var b strings.Builder
	for i := 1; i < len(v); i++ {
		c := v[i]
		switch {
		case q == '"' && c == '\\' && i+1 < len(v) && (v[i+1] == '"' || v[i+1] == '\\'):
			i++
			b.WriteByte(v[i])
		case q == '\'' && c == '\'' && i+1 < len(v) && v[i+1] == '\'':
			i++
			b.WriteByte('\'')
		case c == q:
			if rest := strings.TrimSpace(v[i+1:]); rest != "" && !strings.HasPrefix(rest, "#") {
				return "", fmt.Errorf("unexpected %q after the closing quote", rest)
			}
			return b.String(), nil
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("the value %s has no closing quote", v)
}

// stripComment cuts a bare value at a "#" that starts it or follows white
// space.
func stripComment(v string) string {
	if strings.HasPrefix(v, "#") {
		return ""
	}
	for i := 1; i < len(v); i++ {
		if v[i] == '#' && (v[i-1] == ' ' || v[i-1] == '\t') {
			return v[:i]
		}
	}
	return v
}

// validLang accepts BCP 47-shaped tags ("en", "en-US", "pt-BR"): the value
// goes into the HTML part's lang attribute.
func validLang(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if len(part) == 0 || len(part) > 8 || (i == 0 && len(part) < 2) {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}
