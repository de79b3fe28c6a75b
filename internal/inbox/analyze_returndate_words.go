package inbox

import (
	"regexp"
	"strings"
)

// The phrases that give a date its meaning in an out-of-office text, per
// language. The language also decides how "12/01" reads: month/day after an
// English phrase, day/month otherwise.

// dateFiller is what may sit between the phrase and the date: "back on
// Monday, December 1", "bis zum 28.11.", "regresaré el lunes 3 de diciembre".
const dateFiller = `[\s,]*(?:(?:on|the|of|le|el|am|dem|den|der|zum|du|del|de|día|dia)[\s,]+)*` +
	`(?:(?:` + weekdays + `)\.?[\s,]+)?(?:(?:the|le|el|den|dem|der)[\s,]+)?$`

type trigger struct {
	re    *regexp.Regexp
	lang  string
	until bool // the date is the last day away: the person is back the day after
}

func newTrigger(lang string, until bool, phrases string) trigger {
	return trigger{regexp.MustCompile(`(?:^|[^\p{L}\d])(?:` + phrases + `)` + dateFiller), lang, until}
}

// triggers are tried in order; "back" phrases come first in each language.
var triggers = []trigger{
	newTrigger("en", false, `(?:back|return|returns|returning|resume|resuming|reachable again|available again|in the office)`+
		`(?:\s+(?:in|to|at|into)\s+(?:the\s+|my\s+|our\s+)?(?:office|work|practice|clinic|desk|school))?`+
		`(?:\s+(?:on|by|from|starting|beginning|as of))?`),
	newTrigger("en", true, `until|till|til|through|thru|up to and including|\d{1,2}(?:st|nd|rd|th)?\s?(?:to|-|–|—)`),
	newTrigger("de", false, `(?:wieder(?:\s+(?:im büro|in der praxis|erreichbar|da|zurück|verfügbar))?|zurück)\s+(?:am|ab)`),
	newTrigger("de", true, `bis einschließlich|bis einschl\.|bis inkl\.|bis inklusive|bis|\d{1,2}\.?\s?(?:-|–|bis)`),
	newTrigger("fr", false, `(?:de retour|retour|rentrerai|rentre|reprendrai|reprends|joignable à nouveau|disponible à nouveau|disponible de nouveau)`+
		`(?:\s+(?:au bureau|à mon bureau|au cabinet))?(?:\s+(?:dès le|à partir du|à compter du))?`),
	newTrigger("fr", true, `jusqu'au|jusqu'à|\d{1,2}(?:er)?\s(?:au)`),
	newTrigger("es", false, `(?:regresaré|regresare|regreso|regresando|de vuelta|volveré|volvere|me reincorporo|me reincorporaré|reincorporaré|estaré disponible)`+
		`(?:\s+(?:a la oficina|al trabajo|a mi puesto|a la consulta))?(?:\s+(?:a partir del|desde el))?`),
	newTrigger("es", true, `hasta|\d{1,2}\s(?:al)`),
}

// germanBackAfter catches the German word order that puts "wieder" after the
// date: "Ab dem 3. Dezember bin ich wieder erreichbar."
var germanBackAfter = regexp.MustCompile(`^[^!?]{0,30}?(?:^|\s)(?:wieder|zurück)(?:\s|$|[.,])`)

var languageWords = map[string][]string{
	"en": {"the", "and", "i", "will", "be", "office", "until", "back", "you", "my", "am"},
	"de": {"ich", "und", "bin", "der", "die", "im", "bis", "wieder", "sie", "nicht", "ihre"},
	"fr": {"je", "le", "la", "et", "suis", "vous", "retour", "au", "les", "serai", "absent"},
	"es": {"el", "y", "estoy", "hasta", "su", "oficina", "que", "fuera", "estaré", "mi", "los"},
}

// detectLanguage guesses the language of a short text by its commonest words,
// for dates whose phrase says nothing ("11/20 - 11/30").
func detectLanguage(t string) string {
	counts := map[string]int{}
	for _, w := range strings.Fields(t) {
		w = strings.Trim(w, ".,;:!?()\"'")
		for lang, words := range languageWords {
			for _, x := range words {
				if w == x {
					counts[lang]++
				}
			}
		}
	}
	best := "en"
	for _, lang := range []string{"de", "fr", "es"} {
		if counts[lang] > counts[best] {
			best = lang
		}
	}
	return best
}
