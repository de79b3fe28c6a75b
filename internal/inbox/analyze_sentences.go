package inbox

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// sentence is one sentence of a message's new text, as written (for the
// case of its words) and prepared for matching (lower case, one space).
type sentence struct {
	orig, low string
}

// question reports a sentence that asks rather than tells.
func (s sentence) question() bool {
	return strings.HasSuffix(s.low, "?") || strings.HasPrefix(s.low, "¿")
}

// sentenceEnd is where a sentence may stop inside a line: ., ! or ? (and
// runs of them) before a space. A period after a number ("bis zum 4.
// Dezember") or a title ("Dr. Lee") does not end one (see splitAt).
var sentenceEnd = regexp.MustCompile(`[.!?…]+["')\]]*\s+`)

// titles are abbreviations a period does not end a sentence after.
var titles = map[string]bool{"dr": true, "mr": true, "mrs": true, "ms": true, "prof": true, "st": true, "rev": true,
	"med": true, "fr": true, "hr": true, "mme": true, "sr": true, "sra": true, "dra": true, "nr": true, "no": true, "tel": true}

// splitAt is the end of the first sentence of s, or -1.
func splitAt(s string) int {
	for off := 0; ; {
		loc := sentenceEnd.FindStringIndex(s[off:])
		if loc == nil {
			return -1
		}
		start, end := off+loc[0], off+loc[1]
		if s[start] != '.' || end-start > 2 || !afterNumberOrTitle(s[:start]) {
			return end
		}
		off = end
	}
}

func afterNumberOrTitle(before string) bool {
	i := strings.LastIndexAny(before, " \t(") + 1
	last := strings.ToLower(before[i:])
	r, _ := utf8.DecodeLastRuneInString(last)
	return last != "" && (unicode.IsDigit(r) || titles[last])
}

// sentences splits text into sentences. Hard-wrapped lines are joined
// first: a line that does not end a sentence continues on the next when
// that starts with a lower-case letter ("Please remove me from your\n
// mailing list."). Other line breaks (a greeting, a signature) end one.
func sentences(text string) []sentence {
	var out []sentence
	for _, line := range logicalLines(text) {
		rest := line
		for rest != "" {
			s, tail := rest, ""
			if end := splitAt(rest); end >= 0 {
				s, tail = rest[:end], rest[end:]
			}
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, sentence{orig: s, low: forMatching(s)})
			}
			rest = tail
		}
	}
	return out
}

func logicalLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if n := len(out); n > 0 && continues(out[n-1], l) {
			out[n-1] += " " + l
			continue
		}
		out = append(out, l)
	}
	return out
}

func continues(prev, next string) bool {
	last, _ := utf8.DecodeLastRuneInString(prev)
	first, _ := utf8.DecodeRuneInString(next)
	return !strings.ContainsRune(".!?:;,…", last) && unicode.IsLower(first)
}

// nameLike is a short line of a signature or letterhead: every word starts
// with a capital, a digit or a sign ("Dr. Jane Smith, MD", "Elm Street
// Pediatrics", "(555) 010-2030", "www.elmpeds.example").
func nameLike(s string) bool {
	words := strings.Fields(s)
	if len(words) == 0 || len(words) > 8 || strings.ContainsAny(s, "?") {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsLower(r) && !strings.ContainsAny(w, "@.") && !smallWord[strings.Trim(w, ".,")] {
			return false
		}
	}
	return true
}

// smallWord may sit lower-case in a name or a letterhead.
var smallWord = map[string]bool{"of": true, "and": true, "&": true, "de": true, "la": true, "van": true,
	"von": true, "der": true, "du": true, "del": true, "y": true, "für": true, "et": true, "med": true}
