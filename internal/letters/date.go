package letters

import (
	"fmt"
	"strings"
	"time"
)

// Locales lists the date styles FormatDate knows.
var Locales = []string{"en-US", "en-GB", "de", "fr", "es"}

var months = map[string][12]string{
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	"de": {"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
}

// CheckLocale tells whether FormatDate knows locale.
func CheckLocale(locale string) error {
	if _, err := dateStyle(locale); err != nil {
		return err
	}
	return nil
}

func dateStyle(locale string) (string, error) {
	l := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(locale), "_", "-"))
	switch {
	case l == "" || l == "en-us" || l == "en":
		return "en-US", nil
	case strings.HasPrefix(l, "en-"):
		return "en-GB", nil // day first everywhere else English is written
	}
	lang, _, _ := strings.Cut(l, "-")
	if _, ok := months[lang]; ok {
		return lang, nil
	}
	return "", fmt.Errorf("%q is not a date style rapport knows (%s)", locale, strings.Join(Locales, ", "))
}

// FormatDate writes a date as a letter does in the locale: "December 2,
// 2026" (en-US), "2 December 2026" (en-GB), "2. Dezember 2026" (de),
// "2 décembre 2026" (fr), "2 de diciembre de 2026" (es). An unknown
// locale writes en-US.
func FormatDate(t time.Time, locale string) string {
	style, err := dateStyle(locale)
	if err != nil {
		style = "en-US"
	}
	d, y := t.Day(), t.Year()
	switch style {
	case "en-GB":
		return fmt.Sprintf("%d %s %d", d, months["en"][t.Month()-1], y)
	case "de":
		return fmt.Sprintf("%d. %s %d", d, months["de"][t.Month()-1], y)
	case "fr":
		day := fmt.Sprint(d)
		if d == 1 {
			day = "1er"
		}
		return fmt.Sprintf("%s %s %d", day, months["fr"][t.Month()-1], y)
	case "es":
		return fmt.Sprintf("%d de %s de %d", d, months["es"][t.Month()-1], y)
	}
	return fmt.Sprintf("%s %d, %d", months["en"][t.Month()-1], d, y)
}
