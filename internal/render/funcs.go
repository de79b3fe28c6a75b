package render

import (
	"fmt"
	"reflect"
	"strings"
	"text/template"
	"unicode"
	"unicode/utf8"
)

// helpers are the functions a template may call. salutation is bound to the
// contact at render time (see run.funcs); the version here only lets a
// template parse.
func helpers() template.FuncMap {
	return template.FuncMap{
		"default":    fnDefault,
		"first":      fnFirst,
		"upper":      func(v any) string { return strings.ToUpper(text(v)) },
		"lower":      func(v any) string { return strings.ToLower(text(v)) },
		"title":      func(v any) string { return titleCase(text(v)) },
		"trim":       func(v any) string { return strings.TrimSpace(text(v)) },
		"join":       fnJoin,
		"salutation": func(fallback ...string) string { return "" },
	}
}

// fnDefault is {{default "there" .FirstName}}, or {{.FirstName | default
// "there"}}: the value, or the fallback when the value is missing or blank.
func fnDefault(fallback, v any) any {
	if empty(v) {
		return fallback
	}
	return v
}

// fnFirst is the first of its arguments that is not empty, or "" (which
// then fails the action, as any empty output does).
func fnFirst(vs ...any) any {
	for _, v := range vs {
		if !empty(v) {
			return v
		}
	}
	return ""
}

// fnJoin is {{join ", " .Tags}} or {{.Tags | join ", "}}.
func fnJoin(sep string, v any) string {
	switch v := v.(type) {
	case []string:
		return strings.Join(v, sep)
	case nil:
		return ""
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return text(v)
	}
	parts := make([]string, rv.Len())
	for i := range parts {
		parts[i] = text(rv.Index(i).Interface())
	}
	return strings.Join(parts, sep)
}

// empty is the strictness test: nothing, blank text, an empty list, or a
// value text/template itself considers false.
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(v) == ""
	}
	truth, ok := template.IsTrue(v)
	return ok && !truth
}

// text is how a value prints: lists are joined with ", " rather than shown
// as Go's [a b].
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []string:
		return strings.Join(v, ", ")
	case fmt.Stringer:
		return v.String()
	case error:
		return v.Error()
	}
	return fmt.Sprint(v)
}

// titleCase upper-cases the first letter of each word and leaves the rest:
// "mcallister family practice" → "Mcallister Family Practice", and
// "McAllister" stays as typed.
func titleCase(s string) string {
	var b strings.Builder
	start := true
	for _, r := range s {
		if start && unicode.IsLetter(r) {
			b.WriteRune(unicode.ToTitle(r))
		} else {
			b.WriteRune(r)
		}
		start = unicode.IsSpace(r) || r == '-' || r == '/'
	}
	return b.String()
}

// hasControl reports a character that must never reach a mail header: a
// line break, a NUL, any other control character or a Unicode line
// separator, or text that is not UTF-8.
func hasControl(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// oneLine collapses runs of white space (tabs were refused already) and
// trims, for a header.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
}
