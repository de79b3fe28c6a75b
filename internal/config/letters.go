package config

import (
	"errors"
	"os"
	"slices"
	"strings"

	"rapport/internal/letters"
)

// Letters is how letters, cards, envelopes and labels are printed.
type Letters struct {
	Format         string `toml:"format"`          // letter | a4 | card | card5x7
	Font           string `toml:"font"`            // a TrueType handwriting font instead of Caveat
	FallbackFont   string `toml:"fallback_font"`   // for characters neither font has (CJK)
	SignatureImage string `toml:"signature_image"` // a PNG of your signature; else room to sign
	EnvelopeSize   string `toml:"envelope_size"`   // 10 | a2 | dl | c6; default follows format
	LabelSheet     string `toml:"label_sheet"`     // 5160 | l7160; default follows format
	Locale         string `toml:"locale"`          // how the date is written; default en-US
	Country        string `toml:"country"`         // your country (ISO code); default US
	Plain          bool   `toml:"plain"`           // no variation of the hand
	// With is what a campaign's print batch holds besides the letters:
	// labels (the default), envelopes, both or none.
	With string `toml:"with"`
}

// What a print batch can come with.
var letterWith = []string{"labels", "envelopes", "both", "none"}

// BatchEnvelopes and BatchLabels tell what print batches come with.
func (l Letters) BatchEnvelopes() bool { return l.With == "envelopes" || l.With == "both" }
func (l Letters) BatchLabels() bool    { return l.With == "labels" || l.With == "both" }

// validateLetters checks [letters] and fills its defaults. Font files are
// checked to exist here; whether they are TrueType is checked when
// letters are printed (reading a large CJK font on every command would
// slow them all).
func (c *Config) validateLetters(p *problems) {
	l := &c.Letters
	f, err := letters.ParseFormat(l.Format)
	if err != nil {
		p.add("letters.format", "%v", err)
	}
	l.Format = string(f)
	if l.EnvelopeSize == "" {
		l.EnvelopeSize = string(letters.DefaultEnvelope(f))
	} else if s, err := letters.ParseEnvelopeSize(l.EnvelopeSize); err != nil {
		p.add("letters.envelope_size", "%v", err)
	} else {
		l.EnvelopeSize = string(s)
	}
	if l.LabelSheet == "" {
		l.LabelSheet = string(letters.DefaultLabelSheet(f))
	} else if s, err := letters.ParseLabelSheet(l.LabelSheet); err != nil {
		p.add("letters.label_sheet", "%v", err)
	} else {
		l.LabelSheet = string(s)
	}
	if err := letters.CheckLocale(l.Locale); err != nil {
		p.add("letters.locale", "%v", err)
	}
	if l.Country == "" {
		l.Country = "US"
	} else if len(l.Country) != 2 {
		p.add("letters.country", "%q: write your country's two-letter code (US, CA, GB, DE ...)", l.Country)
	}
	l.Country = strings.ToUpper(l.Country)
	if l.With = strings.ToLower(strings.TrimSpace(l.With)); l.With == "" {
		l.With = "labels"
	} else if !slices.Contains(letterWith, l.With) {
		p.add("letters.with", "%q: print batches come with labels, envelopes, both or none", l.With)
	}
	for _, f := range []struct{ key, path string }{{"letters.font", l.Font},
		{"letters.fallback_font", l.FallbackFont}, {"letters.signature_image", l.SignatureImage}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(c.Resolve(f.path)); err != nil {
			p.add(f.key, "cannot read %s: %v", f.path, errors.Unwrap(err))
		}
	}
}
