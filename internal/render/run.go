package render

import (
	"slices"
	"strings"
	"text/template"
	"unicode"

	"rapport/internal/contact"
)

// run is one render in progress: the contact, the values printed so far
// and every field that could not be filled. Each render clones the parsed
// templates and binds its own functions to them, so renders of one
// Template may run concurrently.
type run struct {
	t       *Template
	c       *contact.Contact
	data    *data
	vals    values
	errs    FieldErrors
	failed  map[int]bool // actions that already have an error: one message per gap
	execErr error
}

func (r *run) funcs() template.FuncMap {
	fm := helpers()
	fm["salutation"] = r.salutation
	fm[fnRequired] = r.required
	fm[fnOut] = r.out
	return fm
}

// exec runs one part and returns its output without the alignment prefix.
// An execution error is kept for failure; the other parts still run, so
// that every missing field is found.
func (r *run) exec(p *part) string {
	tmpl, err := p.tmpl.Clone()
	if err == nil {
		var b strings.Builder
		err = tmpl.Funcs(r.funcs()).Execute(&b, r.data)
		if err == nil {
			return strings.TrimPrefix(b.String(), p.prefix)
		}
	}
	if r.execErr == nil {
		r.execErr = tidy(err)
	}
	return ""
}

// header runs a front-matter part, or gives fallback when the file has none.
func (r *run) header(p *part, fallback string) string {
	if p == nil {
		return fallback
	}
	return r.exec(p)
}

// failure is what stopped the render: the missing fields first, since an
// execution error after one is usually its consequence.
func (r *run) failure() error {
	if len(r.errs) > 0 {
		return r.errs
	}
	return r.execErr
}

func (r *run) record(field string, line int, reason, hint string) {
	who := r.c.Email
	if who == "" {
		who = r.c.Label()
	}
	r.errs = append(r.errs, &FieldError{
		Template: r.t.Path, Field: field, Line: line, Contact: who, Reason: reason, Hint: hint,
	})
}

// required is __req: it passes a non-empty value through and records a
// FieldError for an empty or missing one.
func (r *run) required(idx int, v any) any {
	ref := r.t.refs[idx]
	if !empty(v) {
		return v
	}
	r.failed[ref.act] = true
	r.record(ref.name, ref.line, "is empty", r.fieldHint(ref))
	if v == nil {
		return ""
	}
	return v
}

func (r *run) fieldHint(ref fieldRef) string {
	fallback := `add a fallback: {{default "..." ` + ref.name + `}}`
	if key, ok := strings.CutPrefix(ref.name, ".Sender."); ok {
		return "set " + identityKey(key) + " in [identity] of rapport.toml, or print it only when set: {{with " + ref.name + "}}...{{.}}...{{end}}"
	}
	if ref.name == ".Salutation" {
		fallback = `add a fallback: {{salutation "there"}}`
	}
	if ref.custom == "" {
		return fallback
	}
	if _, ok := r.c.Fields[ref.custom]; ok {
		return fallback
	}
	keys := make([]string, 0, len(r.c.Fields))
	for k := range r.c.Fields {
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return "the contact has no custom fields; " + fallback
	}
	slices.Sort(keys)
	return "the contact has no custom field " + `"` + ref.custom + `"` + ", only " + strings.Join(keys, ", ") + "; " + fallback
}

// out is __out, the end of every printing action: it refuses what a note
// or a header must not carry and turns the value into a placeholder.
func (r *run) out(idx int, v any) string {
	a := r.t.acts[idx]
	s := text(v)
	if a.header && hasControl(s) {
		if !r.failed[idx] {
			r.failed[idx] = true
			r.record(a.expr, a.line, "holds a line break or a control character", "a header must be one line; correct the contact's data")
		}
		return ""
	}
	if a.header {
		s = cleanHeader(s)
	} else {
		s = cleanBody(s)
	}
	if strings.TrimSpace(s) == "" && !a.allowEmpty && !r.failed[idx] {
		r.failed[idx] = true
		r.record(a.expr, a.line, emptyReason(a.expr), emptyHint(a))
	}
	if a.header {
		return s
	}
	return r.vals.add(s)
}

func emptyReason(expr string) string {
	if strings.HasPrefix(expr, "salutation") {
		return "is empty: the contact has neither a first name nor a title with a last name"
	}
	return "is empty"
}

func emptyHint(a action) string {
	expr := a.expr
	if keys := identityKeys(a.fields); keys != "" {
		return "set " + keys + " in [identity] of rapport.toml"
	}
	switch {
	case strings.HasPrefix(expr, "salutation"):
		return `add a fallback: {{salutation "there"}}`
	case strings.HasPrefix(expr, "first "):
		return `add a fallback: {{` + expr + ` "..."}}`
	case strings.HasPrefix(expr, ".") && !strings.ContainsAny(expr, " |("):
		return `add a fallback: {{default "..." ` + expr + `}}`
	}
	return `add a fallback: {{default "..." (` + expr + `)}}`
}

// salutation is "Dr. Lee", "Pastor Kim" or the first name; with no name
// known it gives its fallback, or "" (which fails the action).
func (r *run) salutation(fallback ...string) string {
	if s := r.c.Salutation(); strings.TrimSpace(s) != "" {
		return s
	}
	if len(fallback) > 0 {
		return fallback[0]
	}
	return ""
}

// identityKeys names the rapport.toml keys behind fields that are all the
// sender's, or returns "".
func identityKeys(fields []string) string {
	var keys []string
	for _, f := range fields {
		k, ok := strings.CutPrefix(f, ".Sender.")
		if !ok {
			return ""
		}
		keys = append(keys, identityKey(k))
	}
	return strings.Join(keys, " or ")
}

// identityKey is the rapport.toml key of a Sender field: BookingURL →
// booking_url.
func identityKey(field string) string {
	var b strings.Builder
	for i, r := range field {
		if i > 0 && r >= 'A' && r <= 'Z' && !(field[i-1] >= 'A' && field[i-1] <= 'Z') {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}
