package render

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	"sync"

	"github.com/yuin/goldmark/ast"

	"rapport/internal/contact"
)

// Sender is who the notes are from, as templates see it in .Sender. The
// CLI fills it from [identity]; this package reads no configuration.
type Sender struct {
	Name          string
	Email         string
	ReplyTo       string
	Practice      string
	Phone         string
	PostalAddress string // may hold line breaks
	BookingURL    string
	Signature     string // may hold line breaks; they are kept in both parts
}

// Input is everything one render sees.
type Input struct {
	Contact  *contact.Contact
	Sender   Sender
	Campaign string
	Step     string
	// Event is the event of an invite step, seen as .Event; nil outside
	// one, where any {{.Event.X}} is a missing field.
	Event any
}

// Message is one rendered note, ready for the mailer.
type Message struct {
	Subject  string // one line, trimmed
	FromName string // the display name: front matter from_name, else Sender.Name
	ReplyTo  string // front matter reply_to, else Sender.ReplyTo; may be empty
	Text     string // plain text, LF line ends, lines wrapped near 72 columns
	HTML     string // a complete HTML document
	// Attachments are read from disk at render time.
	Attachments []Attachment
}

// data is the dot of a template: the contact's fields at the top, then the
// sender, the campaign and the event.
type data struct {
	FirstName, LastName, FullName, Title, Salutation string
	Organization, Kind, Email, Phone                 string
	Street, City, Region, PostalCode, Country        string
	Tags                                             []string
	Stage                                            string
	Fields                                           map[string]string
	Sender                                           Sender
	Campaign, Step                                   string
	Event                                            any
}

func newData(in Input) *data {
	c := in.Contact
	d := &data{
		FirstName: c.FirstName, LastName: c.LastName, FullName: c.FullName(), Title: c.Title,
		Salutation: c.Salutation(), Organization: c.Organization, Kind: c.Kind, Email: c.Email,
		Phone: c.Phone, Street: c.Address.Street, City: c.Address.City, Region: c.Address.Region,
		PostalCode: c.Address.PostalCode, Country: c.Address.Country, Tags: c.Tags,
		Stage: string(c.Stage), Fields: c.Fields, Sender: in.Sender,
		Campaign: in.Campaign, Step: in.Step, Event: in.Event,
	}
	if d.Fields == nil {
		d.Fields = map[string]string{}
	}
	if d.Event == nil {
		d.Event = map[string]string{} // so {{.Event.Title}} is a missing field, not a crash
	}
	return d
}

// Render renders the note for one contact. When fields are missing it
// returns FieldErrors listing all of them; any other error is a mistake in
// the template or its attachments (errors.Is(err, ErrTemplate)).
func (t *Template) Render(in Input) (*Message, error) {
	r, err := t.start(in)
	if err != nil {
		return nil, err
	}
	subject := r.header(t.subject, "")
	fromName := r.header(t.fromName, in.Sender.Name)
	replyTo := r.header(t.replyTo, in.Sender.ReplyTo)
	body := r.exec(t.body)
	if err := r.failure(); err != nil {
		return nil, err
	}
	m := &Message{}
	if m.Subject, err = t.headerValue("subject", t.subject, subject, true); err != nil {
		return nil, err
	}
	if m.FromName, err = t.headerValue("from_name", t.fromName, fromName, false); err != nil {
		return nil, err
	}
	if m.ReplyTo, err = t.replyAddress(replyTo); err != nil {
		return nil, err
	}
	if m.Text, m.HTML, err = t.bodies(body, r.vals, m.Subject); err != nil {
		return nil, err
	}
	if m.Attachments, err = t.readAttachments(); err != nil {
		return nil, err
	}
	return m, nil
}

// RenderLetter renders the body alone as plain paragraphs for a printed
// letter: no subject, no wrapping (the page does that), the same
// strictness as Render.
func (t *Template) RenderLetter(in Input) (string, error) {
	r, err := t.start(in)
	if err != nil {
		return "", err
	}
	body := r.exec(t.body)
	if err := r.failure(); err != nil {
		return "", err
	}
	doc, src, err := t.parseBody(body, r.vals)
	if err != nil {
		return "", err
	}
	return plainText(doc, src, r.vals, 0), nil
}

func (t *Template) start(in Input) (*run, error) {
	if in.Contact == nil {
		return nil, fmt.Errorf("render %s: no contact", t.Path)
	}
	return &run{t: t, c: in.Contact, data: newData(in), failed: map[int]bool{}}, nil
}

// headerValue checks a rendered header once more as a whole (the template
// text itself may hold a control character) and makes it one tidy line.
// p is nil when the value came from [identity] rather than the file.
func (t *Template) headerValue(name string, p *part, v string, required bool) (string, error) {
	line, where := 0, ""
	if p != nil {
		line = p.line
	} else {
		where = " (from [identity] in rapport.toml)"
	}
	if hasControl(v) {
		return "", errorAt(t.Path, line, "the %s%s would contain a line break or a control character", name, where)
	}
	v = oneLine(v)
	if v == "" && required {
		return "", errorAt(t.Path, line, "the %s is empty", name)
	}
	return v, nil
}

func (t *Template) replyAddress(v string) (string, error) {
	v, err := t.headerValue("reply_to", t.replyTo, v, false)
	if err != nil || v == "" {
		return v, err
	}
	if _, perr := mail.ParseAddress(v); perr != nil {
		line := 0
		if t.replyTo != nil {
			line = t.replyTo.line
		}
		return "", errorAt(t.Path, line, "reply_to %q is not an email address", v)
	}
	return v, nil
}

// bodies builds the text and HTML parts from one parse of the body.
func (t *Template) bodies(body string, vals values, subject string) (text, html string, err error) {
	pb, err := t.parsed(body, vals)
	if err != nil {
		return "", "", err
	}
	html, ok := vals.fill(pb.html, escapeHTML)
	if !ok {
		return "", "", errorAt(t.Path, 0, "%v", errUnfillable)
	}
	if html, err = document(t.lang, subject, html); err != nil {
		return "", "", err
	}
	text = plainText(pb.doc, pb.src, vals, textWidth)
	if strings.TrimSpace(text) == "" {
		return "", "", errorAt(t.Path, 0, "the note is empty")
	}
	return text, html, nil
}

// parsedBody is a body parsed and rendered to HTML with its placeholders
// still in: the same for every contact whose fields are printed in the
// same places, so it is kept and reused (a batch of notes then parses its
// Markdown once, not once a note).
type parsedBody struct {
	doc  ast.Node // read-only once cached
	src  []byte
	html string // before fill
}

// bodyCache holds parsed bodies by their text with placeholders. A body
// whose link addresses carry values (the booking link) is kept once per
// set of those values, since the links are checked and filled at parse.
type bodyCache struct {
	mu sync.Mutex
	m  map[string]*bodyEntry
	n  int
}

type bodyEntry struct {
	linkVals []int                  // the placeholders found in link addresses
	byLinks  map[string]*parsedBody // by those placeholders' values
}

// maxParsedBodies bounds the cache; a template rarely has more shapes.
const maxParsedBodies = 256

func (t *Template) parsed(body string, vals values) (*parsedBody, error) {
	c := &t.parsedBodies
	c.mu.Lock()
	e := c.m[body]
	var pb *parsedBody
	if e != nil {
		pb = e.byLinks[linkKey(e.linkVals, vals)]
	}
	c.mu.Unlock()
	if pb != nil {
		return pb, nil
	}
	src := []byte(body)
	doc := parseMarkdown(src)
	links := linkPlaceholders(doc, src, vals)
	if err := fixLinks(doc, src, vals); err != nil {
		return nil, errorAt(t.Path, 0, "%v", err)
	}
	var buf bytes.Buffer
	if err := markdown.Renderer().Render(&buf, src, doc); err != nil {
		return nil, errorAt(t.Path, 0, "%v", err)
	}
	pb = &parsedBody{doc: doc, src: src, html: buf.String()}
	c.keep(body, links, vals, pb)
	return pb, nil
}

func (c *bodyCache) keep(body string, links []int, vals values, pb *parsedBody) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n >= maxParsedBodies {
		return
	}
	if c.m == nil {
		c.m = map[string]*bodyEntry{}
	}
	e := c.m[body]
	if e == nil {
		e = &bodyEntry{linkVals: links, byLinks: map[string]*parsedBody{}}
		c.m[body] = e
	}
	e.byLinks[linkKey(links, vals)] = pb
	c.n++
}

func linkKey(idx []int, vals values) string {
	var b strings.Builder
	for _, i := range idx {
		if i < len(vals) {
			b.WriteString(vals[i])
		}
		b.WriteByte(0)
	}
	return b.String()
}

func (t *Template) parseBody(body string, vals values) (ast.Node, []byte, error) {
	src := []byte(body)
	doc := parseMarkdown(src)
	if err := fixLinks(doc, src, vals); err != nil {
		return nil, nil, errorAt(t.Path, 0, "%v", err)
	}
	if strings.TrimSpace(plainText(doc, src, vals, 0)) == "" {
		return nil, nil, errorAt(t.Path, 0, "the note is empty")
	}
	return doc, src, nil
}
