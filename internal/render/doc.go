// Package render turns a template file (templates/NAME.md: a small front
// matter, then a Markdown body written with Go templates) and one contact
// into a message: a subject, a plain-text part, an HTML part and
// attachments, or into the plain paragraphs of a printed letter.
//
// It owns the template format, the helpers a template may call, and the
// strictness that keeps a "Dear ," from ever leaving the user's mailbox: a
// field that is missing or empty is an error (a *FieldError, collected in
// FieldErrors) unless the template gives a fallback or guards the field
// with {{if}} or {{with}}.
//
// Contact data is only ever data: values are inserted after the template
// and the Markdown are parsed, so a name that looks like a template action,
// Markdown or HTML is printed as typed in the text part and escaped in the
// HTML part.
//
// It imports only rapport's contact package, the standard library and
// goldmark; it reads no configuration (the CLI fills Sender) and never
// sends or stores anything.
package render
