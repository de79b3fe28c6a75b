package inbox

import (
	"bytes"
	"io"
	"strings"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

// Limits on what one message may cost. Classification never needs more: the
// evidence is in the first screen of text, and real mail has a handful of
// parts. A hostile or broken message cannot make the watcher slow or fat.
const (
	maxParts     = 64
	maxDepth     = 16
	maxPartBytes = 256 << 10
)

// part is one MIME entity. Containers (multipart/*) are recorded too, so the
// report-type of a multipart/report can be read; their body is nil.
type part struct {
	typ      string // lower-case media type, "text/plain" when absent (RFC 2045 section 5.2)
	params   map[string]string
	header   message.Header
	body     []byte // decoded (transfer encoding and charset), at most maxPartBytes
	attached bool   // Content-Disposition: attachment
}

// readParts walks the MIME tree in document order. Parse errors end the walk
// quietly: what was read so far is still classified.
func readParts(h mail.Header, body []byte) []part {
	// An unknown charset or transfer encoding still gives a readable entity
	// (the raw bytes); the error only says the text may look odd.
	e, _ := message.New(h.Header, bytes.NewReader(body))
	if e == nil {
		return nil
	}
	var ps []part
	collect(e, &ps, 0)
	return ps
}

func collect(e *message.Entity, ps *[]part, depth int) {
	if len(*ps) >= maxParts {
		return
	}
	p := newPart(e.Header)
	mr := e.MultipartReader()
	if mr == nil || depth >= maxDepth {
		if wantBody(p) {
			p.body, _ = io.ReadAll(io.LimitReader(e.Body, maxPartBytes))
		}
		*ps = append(*ps, p)
		return
	}
	*ps = append(*ps, p)
	for len(*ps) < maxParts {
		child, _ := mr.NextPart()
		if child == nil {
			return
		}
		collect(child, ps, depth+1)
	}
}

func newPart(h message.Header) part {
	p := part{header: h, typ: "text/plain"}
	if h.Has("Content-Type") {
		typ, params, err := h.ContentType()
		if err != nil {
			typ, _, _ = strings.Cut(h.Get("Content-Type"), ";")
		}
		p.typ, p.params = strings.ToLower(strings.TrimSpace(typ)), params
	}
	disp, _, _ := h.ContentDisposition()
	p.attached = strings.EqualFold(disp, "attachment")
	return p
}

// wantBody says which leaves are worth reading: text, calendars and the
// machine-readable parts of reports. Images and documents are skipped.
func wantBody(p part) bool {
	switch p.typ {
	case "text/plain", "text/html", "text/calendar", "application/ics", "application/x-ics",
		"message/delivery-status", "message/global-delivery-status", "message/feedback-report",
		"text/rfc822-headers", "message/rfc822", "message/global", "message/global-headers":
		return true
	}
	return isCalendarFile(p)
}

func isCalendarFile(p part) bool {
	name := p.params["name"]
	if _, dp, err := p.header.ContentDisposition(); err == nil && dp["filename"] != "" {
		name = dp["filename"]
	}
	return strings.HasSuffix(strings.ToLower(name), ".ics")
}

// bodyText is the message's readable text: the first inline text/plain, or
// else the first text/html converted to text.
func (m *msg) bodyText() string {
	if m.haveText {
		return m.text
	}
	m.haveText = true
	if p, ok := m.firstText("text/plain"); ok {
		m.text = string(p.body)
	} else if p, ok := m.firstText("text/html"); ok {
		m.text = htmlToText(string(p.body))
	}
	return m.text
}

// newText is the body without quoted text: what the sender wrote now.
func (m *msg) newText() string {
	if m.stripped == nil {
		t := stripQuotes(m.bodyText())
		m.stripped = &t
	}
	return *m.stripped
}

func (m *msg) firstText(typ string) (part, bool) {
	for _, p := range m.parts {
		if p.typ == typ && !p.attached {
			return p, true
		}
	}
	return part{}, false
}

// allText joins every inline text part (plain, or HTML converted), for the
// bounce heuristics that look for status codes wherever a server put them.
func (m *msg) allText() string {
	var b strings.Builder
	for _, p := range m.parts {
		if p.attached || b.Len() > maxPartBytes {
			continue
		}
		switch p.typ {
		case "text/plain":
			b.Write(p.body)
		case "text/html":
			b.WriteString(htmlToText(string(p.body)))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// contentType is the top-level media type and its parameters.
func (m *msg) contentType() (string, map[string]string) {
	p := newPart(m.h.Header)
	return p.typ, p.params
}
