package render

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one field a render could not fill for one contact: the
// reason a note was not sent rather than sent with a gap in it.
type FieldError struct {
	Template string // the template file, as given to Load ("templates/intro-physician.md")
	Field    string // what the template wrote, without braces: ".Title", ".Fields.specialty", "salutation"
	Line     int    // line in the template file
	Contact  string // the contact's email, or its name for a postal-only contact
	Reason   string // "is empty", "is not a column of this contact's spreadsheet", ...
	Hint     string // what to write instead; may be empty
}

func (e *FieldError) Error() string {
	s := fmt.Sprintf("%s line %d: {{%s}} %s for %s", e.Template, e.Line, e.Field, e.Reason, e.Contact)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// FieldErrors are all the fields one render could not fill, in template
// order, so that `rapport check` can list every one of them at once.
type FieldErrors []*FieldError

func (es FieldErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

// Unwrap lets errors.As find a single *FieldError in FieldErrors.
func (es FieldErrors) Unwrap() []error {
	errs := make([]error, len(es))
	for i, e := range es {
		errs[i] = e
	}
	return errs
}

// Fields lists the distinct fields that failed, for a one-line reason such
// as `plan`'s "missing field .Title, .Fields.specialty".
func (es FieldErrors) Fields() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range es {
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e.Field)
		}
	}
	return out
}

// ErrTemplate is wrapped by errors in a template itself (as opposed to a
// contact's data): the user fixes the file, not the spreadsheet.
var ErrTemplate = errors.New("template error")

// templateError is a mistake in the template file, found at parse or render
// time. It names the file and, where known, the line.
type templateError struct {
	path string
	line int
	msg  string
}

func (e *templateError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("%s line %d: %s", e.path, e.line, e.msg)
	}
	return e.path + ": " + e.msg
}

func (e *templateError) Is(target error) bool { return target == ErrTemplate }

func errorAt(path string, line int, format string, args ...any) error {
	return &templateError{path: path, line: line, msg: fmt.Sprintf(format, args...)}
}
