package inbox

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Reading when someone is back from an out-of-office text. A date counts only
// next to a phrase that says what it means: "back on" gives the day itself,
// "until" / "bis" / "jusqu'au" / "hasta" the last day away, so the day after.
// Anything else (the date our own note mentioned, a phone number) is ignored,
// and a result before the message or more than a year after it is dropped:
// no answer is better than a wrong pause.

const maxDateText = 16 << 10 // the answer is in the first lines

var monthNames = map[string]int{
	"january": 1, "jan": 1, "januar": 1, "jänner": 1, "janvier": 1, "janv": 1, "enero": 1, "ene": 1,
	"february": 2, "feb": 2, "februar": 2, "février": 2, "fevrier": 2, "févr": 2, "fevr": 2, "febrero": 2,
	"march": 3, "mar": 3, "märz": 3, "maerz": 3, "mars": 3, "marzo": 3,
	"april": 4, "apr": 4, "avril": 4, "avr": 4, "abril": 4, "abr": 4,
	"may": 5, "mai": 5, "mayo": 5,
	"june": 6, "jun": 6, "juni": 6, "juin": 6, "junio": 6,
	"july": 7, "jul": 7, "juli": 7, "juillet": 7, "juil": 7, "julio": 7,
	"august": 8, "aug": 8, "août": 8, "aout": 8, "agosto": 8, "ago": 8,
	"september": 9, "sept": 9, "sep": 9, "septembre": 9, "septiembre": 9, "setiembre": 9,
	"october": 10, "oct": 10, "oktober": 10, "okt": 10, "octobre": 10, "octubre": 10,
	"november": 11, "nov": 11, "novembre": 11, "noviembre": 11,
	"december": 12, "dec": 12, "dezember": 12, "dez": 12, "décembre": 12, "decembre": 12, "déc": 12, "diciembre": 12, "dic": 12,
}

const weekdays = `monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun|` +
	`montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|mo|di|mi|do|fr|sa|so|` +
	`lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mer|jeu|ven|sam|dim|` +
	`lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo`

var (
	months       = alternation(monthNames)
	isoDate      = regexp.MustCompile(`(\d{4})-(\d{1,2})-(\d{1,2})`)
	numericDate  = regexp.MustCompile(`(\d{1,2})([./-])(\d{1,2})(?:[./-](\d{4}|\d{2}))?\.?`)
	dayMonthName = regexp.MustCompile(`(\d{1,2})(?:st|nd|rd|th|er|º)?\.? ?(?:of |de )?\b(` + months + `)\.?(?:,? (?:de )?(\d{4}))?`)
	monthNameDay = regexp.MustCompile(`\b(` + months + `)\.? (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?`)
)

// alternation builds a regexp alternation, longest names first so "june"
// is not read as "jun".
func alternation(m map[string]int) string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, regexp.QuoteMeta(k))
	}
	sort.Slice(names, func(i, j int) bool {
		return len(names[i]) > len(names[j]) || (len(names[i]) == len(names[j]) && names[i] < names[j])
	})
	return strings.Join(names, "|")
}

// dateHit is one date written in the text. Numeric dates keep their two
// numbers until the language says which is the month.
type dateHit struct {
	start, end       int
	day, month, year int // year 0 when not written
	numeric          bool
	sep              byte
}

// findDates returns the dates in the text in order, without overlaps.
func findDates(t string) []dateHit {
	var hits []dateHit
	for _, f := range []func(string) []dateHit{isoHits, nameHits, numericHits} {
		hits = append(hits, f(t)...)
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].start < hits[j].start })
	var out []dateHit
	for _, h := range hits {
		if len(out) > 0 && h.start < out[len(out)-1].end {
			continue
		}
		out = append(out, h)
	}
	return out
}

func isoHits(t string) []dateHit {
	var out []dateHit
	for _, m := range isoDate.FindAllStringSubmatchIndex(t, 50) {
		if bounded(t, m[0], m[1]) {
			out = append(out, dateHit{start: m[0], end: m[1], year: atoi(t, m[2], m[3]), month: atoi(t, m[4], m[5]), day: atoi(t, m[6], m[7])})
		}
	}
	return out
}

func numericHits(t string) []dateHit {
	var out []dateHit
	for _, m := range numericDate.FindAllStringSubmatchIndex(t, 50) {
		if !bounded(t, m[0], m[1]) {
			continue
		}
		// day and month are provisional: resolve orders them by language.
		h := dateHit{start: m[0], end: m[1], day: atoi(t, m[2], m[3]), month: atoi(t, m[6], m[7]), numeric: true, sep: t[m[4]]}
		h.year = atoi(t, m[8], m[9])
		out = append(out, h)
	}
	return out
}

func nameHits(t string) []dateHit {
	var out []dateHit
	for _, m := range dayMonthName.FindAllStringSubmatchIndex(t, 50) {
		if bounded(t, m[0], m[1]) {
			out = append(out, dateHit{start: m[0], end: m[1], day: atoi(t, m[2], m[3]), month: monthNames[t[m[4]:m[5]]], year: atoi(t, m[6], m[7])})
		}
	}
	for _, m := range monthNameDay.FindAllStringSubmatchIndex(t, 50) {
		if bounded(t, m[0], m[1]) {
			out = append(out, dateHit{start: m[0], end: m[1], month: monthNames[t[m[2]:m[3]]], day: atoi(t, m[4], m[5]), year: atoi(t, m[6], m[7])})
		}
	}
	return out
}

// bounded rejects matches glued to other digits ("112/01", "3/4/5/6").
func bounded(t string, start, end int) bool {
	if start > 0 && (isDigit(t[start-1]) || t[start-1] == '/' || t[start-1] == '-') {
		return false
	}
	return end >= len(t) || (!isDigit(t[end]) && t[end] != '/')
}

func atoi(t string, i, j int) int {
	if i < 0 {
		return 0
	}
	n, _ := strconv.Atoi(t[i:j])
	return n
}

// returnDate finds the day the sender is back, from an auto-reply's subject
// and text. A "back on" date wins over an "until" date: it is the more
// precise statement when a message has both.
func returnDate(text string, sent time.Time) time.Time {
	if sent.IsZero() {
		return time.Time{}
	}
	t := forMatching(truncate(text, maxDateText))
	var until time.Time
	hits := findDates(t)
	for i, h := range hits {
		prevEnd, nextStart := 0, len(t)
		if i > 0 {
			prevEnd = hits[i-1].end
		}
		if i+1 < len(hits) {
			nextStart = hits[i+1].start
		}
		isUntil, lang, ok := dateMeaning(t, prevEnd, nextStart, h)
		if !ok {
			continue
		}
		d, ok := resolveDate(h, lang, isUntil, sent)
		switch {
		case ok && !isUntil:
			return d
		case ok && until.IsZero():
			until = d
		}
	}
	return until
}

// dateMeaning says whether a date is a return ("back on") or a last day away
// ("until"), and in which language it is written.
func dateMeaning(t string, prevEnd, nextStart int, h dateHit) (isUntil bool, lang string, ok bool) {
	if prevEnd > 0 {
		if lang, ok := rangeGap(t, t[prevEnd:h.start]); ok {
			return true, lang, true
		}
	}
	from := max(prevEnd, h.start-100)
	for from < h.start && !isRuneStart(t[from]) {
		from++
	}
	window := t[from:h.start]
	for _, tr := range triggers {
		if tr.re.MatchString(window) {
			return tr.until, tr.lang, true
		}
	}
	if germanBackAfter.MatchString(t[h.end:min(nextStart, h.end+60)]) {
		return false, "de", true
	}
	return false, "", false
}

func isRuneStart(b byte) bool { return b < 0x80 || b >= 0xc0 }

// rangeGap recognises the second date of a range: "11/20 - 11/30",
// "20.11. bis 30.11.", "du 20 novembre au 30 novembre".
func rangeGap(t, gap string) (string, bool) {
	switch strings.TrimSpace(gap) {
	case "to", "until", "till", "through", "thru":
		return "en", true
	case "bis":
		return "de", true
	case "au":
		return "fr", true
	case "al", "a":
		return "es", true
	case "-", "–", "—":
		return detectLanguage(t), true
	}
	return "", false
}

// resolveDate turns a hit into a day in the sender's time zone. Without a
// year, the next such day on or after the message date is meant.
func resolveDate(h dateHit, lang string, isUntil bool, sent time.Time) (time.Time, bool) {
	y, mo, d := h.year, h.month, h.day
	if h.numeric && h.sep != '.' && lang == "en" {
		mo, d = h.day, h.month // US month/day
	}
	if mo > 12 && d <= 12 {
		mo, d = d, mo
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	loc := sent.Location()
	today := time.Date(sent.Year(), sent.Month(), sent.Day(), 0, 0, 0, 0, loc)
	y = fullYear(y, mo, d, today)
	day := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
	if day.Day() != d {
		return time.Time{}, false // 31 November
	}
	if isUntil {
		day = day.AddDate(0, 0, 1)
	}
	if day.Before(today) || day.After(today.AddDate(1, 0, 0)) {
		return time.Time{}, false
	}
	return day, true
}

// fullYear completes a written year: "26" is 2026, and no year at all is the
// next such day on or after the message date (December mail saying "back on
// January 5" means next January).
func fullYear(y, mo, d int, today time.Time) int {
	switch {
	case y == 0:
		y = today.Year()
		if time.Date(y, time.Month(mo), d, 0, 0, 0, 0, today.Location()).Before(today) {
			y++
		}
	case y < 100:
		y += 2000
	}
	return y
}
