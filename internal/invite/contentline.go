package invite

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// maxLine is the longest content line in octets, CRLF not counted
// (RFC 5545 §3.1).
const maxLine = 75

// serialize writes the calendar as content lines: values of type TEXT
// escaped (§3.3.11), parameter values quoted when they must be (§3.2),
// every line folded at 75 octets without splitting a UTF-8 sequence, CRLF
// line ends. The output depends only on the tree, so re-rendering an
// invitation gives the same bytes.
func serialize(cal *ics.Calendar) []byte {
	var b bytes.Buffer
	b.Grow(2048)
	writeLine(&b, "BEGIN:VCALENDAR")
	for i := range cal.CalendarProperties {
		writeProperty(&b, &cal.CalendarProperties[i].BaseProperty)
	}
	for _, c := range cal.Components {
		writeComponent(&b, c)
	}
	writeLine(&b, "END:VCALENDAR")
	return b.Bytes()
}

func writeComponent(b *bytes.Buffer, c ics.Component) {
	name := componentName(c)
	writeLine(b, "BEGIN:"+name)
	props := c.UnknownPropertiesIANAProperties()
	for i := range props {
		writeProperty(b, &props[i].BaseProperty)
	}
	for _, sub := range c.SubComponents() {
		writeComponent(b, sub)
	}
	writeLine(b, "END:"+name)
}

func componentName(c ics.Component) string {
	switch c.(type) {
	case *ics.VEvent:
		return string(ics.ComponentVEvent)
	case *ics.VTimezone:
		return string(ics.ComponentVTimezone)
	case *ics.Standard:
		return string(ics.ComponentStandard)
	case *ics.Daylight:
		return string(ics.ComponentDaylight)
	case *ics.VAlarm:
		return string(ics.ComponentVAlarm)
	}
	panic(fmt.Sprintf("invite: no name for calendar component %T", c))
}

func writeProperty(b *bytes.Buffer, p *ics.BaseProperty) {
	var l strings.Builder
	l.WriteString(p.IANAToken)
	for _, k := range slices.Sorted(maps.Keys(p.ICalParameters)) {
		l.WriteString(";" + k + "=")
		for i, v := range p.ICalParameters[k] {
			if i > 0 {
				l.WriteByte(',')
			}
			l.WriteString(paramValue(v))
		}
	}
	l.WriteByte(':')
	v := p.Value
	if p.GetValueType() == ics.ValueDataTypeText {
		v = escapeText(v)
	} else {
		v = stripControls(v)
	}
	l.WriteString(v)
	writeLine(b, l.String())
}

// escapeText escapes a TEXT value (RFC 5545 §3.3.11): backslash,
// semicolon, comma and line breaks (CRLF, CR or LF, each one "\n"); other
// control characters but TAB are dropped.
func escapeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == '\\' || r == ';' || r == ',':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t' || !isControl(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// paramValue writes a parameter value: DQUOTEd when it holds ":", ";" or
// ",". A DQUOTE cannot appear in one at all (RFC 5545 §3.1), so it
// becomes an apostrophe; control characters are dropped.
func paramValue(v string) string {
	v = strings.ReplaceAll(stripControls(v), `"`, "'")
	if strings.ContainsAny(v, ":;,") {
		return `"` + v + `"`
	}
	return v
}

func stripControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// writeLine folds a content line at 75 octets: each continuation line
// starts with one space, which counts toward its 75 (RFC 5545 §3.1).
func writeLine(b *bytes.Buffer, s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
