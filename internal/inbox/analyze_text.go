package inbox

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// quoteMarkers are class or id values mail clients put on the block holding
// the quoted original (Gmail, Outlook on the web and new Outlook, Outlook for
// Mac, Yahoo, Thunderbird). Everything from such a block on is not the new
// text: Outlook puts the quoted message after its header block, not inside it.
var quoteMarkers = []string{
	"gmail_quote", "gmail_extra", "divrplyfwdmsg", "olk_src_body_section", "yahoo_quoted",
	"moz-cite-prefix", "appendonsend", "mail-editor-reference-message-container",
}

// skippedElements never hold text a person wrote in this message.
var skippedElements = map[string]bool{
	"blockquote": true, "script": true, "style": true, "head": true, "title": true, "template": true,
}

var blockElements = map[string]bool{
	"p": true, "div": true, "br": true, "tr": true, "li": true, "table": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true, "pre": true,
	"blockquote": true, "section": true, "article": true, "dd": true, "dt": true,
}

// htmlToText turns an HTML body into the text a reader sees, without quoted
// blocks. It uses the streaming tokenizer: linear in the input, and no tree
// to recurse into however deeply a broken message nests.
func htmlToText(s string) string {
	c := htmlConverter{z: html.NewTokenizer(strings.NewReader(s))}
	for c.next() {
	}
	return tidyLines(c.out.String())
}

type htmlConverter struct {
	z         *html.Tokenizer
	out       strings.Builder
	skip      string // element whose content is being skipped
	skipDepth int
}

// next handles one token and reports whether to go on.
func (c *htmlConverter) next() bool {
	switch c.z.Next() {
	case html.ErrorToken:
		return false
	case html.TextToken:
		if c.skip == "" {
			c.out.WriteString(collapseSpace(string(c.z.Text())))
		}
	case html.StartTagToken:
		return c.start(false)
	case html.SelfClosingTagToken:
		return c.start(true)
	case html.EndTagToken:
		c.end()
	}
	return true
}

func (c *htmlConverter) start(selfClosing bool) bool {
	name, hasAttr := c.z.TagName()
	tag := string(name)
	if c.skip != "" {
		if tag == c.skip && !selfClosing {
			c.skipDepth++
		}
		return true
	}
	if hasAttr && c.isQuoteMarker() {
		return false
	}
	if blockElements[tag] {
		c.out.WriteString("\n")
	}
	if skippedElements[tag] && !selfClosing {
		c.skip, c.skipDepth = tag, 1
	}
	return true
}

func (c *htmlConverter) end() {
	name, _ := c.z.TagName()
	tag := string(name)
	if c.skip == "" {
		if blockElements[tag] {
			c.out.WriteString("\n")
		}
		return
	}
	if tag == c.skip {
		if c.skipDepth--; c.skipDepth == 0 {
			c.skip = ""
		}
	}
}

func (c *htmlConverter) isQuoteMarker() bool {
	for more := true; more; {
		var k, v []byte
		k, v, more = c.z.TagAttr()
		if key := string(k); key != "class" && key != "id" {
			continue
		}
		val := strings.ToLower(string(v))
		for _, q := range quoteMarkers {
			if strings.Contains(val, q) {
				return true
			}
		}
	}
	return false
}

// collapseSpace folds runs of white space (HTML source formatting, and the
// no-break spaces mail editors love) into one space.
func collapseSpace(s string) string {
	if s == "" {
		return s
	}
	lead := isHTMLSpace(rune(s[0]))
	trail := isHTMLSpace(rune(s[len(s)-1]))
	f := strings.FieldsFunc(s, isHTMLSpace)
	out := strings.Join(f, " ")
	if lead && out != "" {
		out = " " + out
	}
	if trail && out != "" {
		out += " "
	}
	return out
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
}

// tidyLines trims every line and keeps at most one empty line in a row.
func tidyLines(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

var (
	// separatorLine is where Outlook, Apple Mail and others start the quoted
	// or forwarded original in plain text.
	separatorLine = regexp.MustCompile(`(?i)^(-{2,}\s*(original message|original-nachricht|ursprüngliche nachricht|message d'origine|mensaje original|forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*-{2,}|_{20,}|begin forwarded message:|anfang der weitergeleiteten nachricht:|début du message réexpédié\s?:|inicio del mensaje reenviado:)$`)
	// attributionStart is "On <date>, <name> wrote:" in the four languages
	// (Gmail, Apple Mail, Thunderbird; it may wrap over up to three lines).
	attributionStart = regexp.MustCompile(`(?i)^(on|am|le|el)\s.{0,300}(wrote|schrieb|a écrit|escribió).{0,160}:$`)
	attributionEnd   = regexp.MustCompile(`(?i)(wrote|schrieb|a écrit|escribió)\s*:$`)
	headerBlockFrom  = regexp.MustCompile(`(?i)^\*?(from|von|de)\s?:\*?\s*\S`)
	headerBlockSent  = regexp.MustCompile(`(?i)^\*?(sent|date|gesendet|datum|envoyé|enviado|fecha)\s?:`)
)

// stripQuotes returns only what the sender wrote in this message: no lines
// quoted with ">", nothing after an attribution line ("On ... wrote:" and its
// German, French and Spanish forms), an Outlook "From: / Sent:" block, an
// "-----Original Message-----" or underscore separator, or a "-- " signature.
func stripQuotes(text string) string {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var out []string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, ">") {
			continue
		}
		if t == "--" || separatorLine.MatchString(t) || isAttribution(lines, i) || isHeaderBlock(lines, i) {
			break
		}
		out = append(out, strings.TrimRight(l, " \t\r"))
	}
	return tidyLines(strings.Join(out, "\n"))
}

func isAttribution(lines []string, i int) bool {
	t := strings.TrimSpace(lines[i])
	if attributionEnd.MatchString(t) && nextIsQuoted(lines, i) {
		return true
	}
	if !attributionStart.MatchString(t) && !startsAttribution(t) {
		return false
	}
	joined := t
	for j := i; j < len(lines) && j < i+3; j++ {
		if j > i {
			joined += " " + strings.TrimSpace(lines[j])
		}
		if attributionStart.MatchString(joined) {
			return true
		}
	}
	return false
}

var attributionWord = regexp.MustCompile(`(?i)^(on|am|le|el)\s`)

func startsAttribution(t string) bool { return len(t) < 400 && attributionWord.MatchString(t) }

func nextIsQuoted(lines []string, i int) bool {
	for j := i + 1; j < len(lines) && j < i+3; j++ {
		if t := strings.TrimSpace(lines[j]); t != "" {
			return strings.HasPrefix(t, ">")
		}
	}
	return false
}

func isHeaderBlock(lines []string, i int) bool {
	if !headerBlockFrom.MatchString(strings.TrimSpace(lines[i])) {
		return false
	}
	for j := i + 1; j < len(lines) && j <= i+4; j++ {
		if headerBlockSent.MatchString(strings.TrimSpace(lines[j])) {
			return true
		}
	}
	return false
}

// forMatching prepares text for phrase matching: NFC (macOS sends decomposed
// accents), lower case, typographic apostrophes made plain, one space between
// words.
func forMatching(s string) string {
	s = strings.ToLower(norm.NFC.String(s))
	s = strings.NewReplacer("’", "'", "‘", "'", "\u00a0", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
