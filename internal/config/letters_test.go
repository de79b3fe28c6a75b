package config

import (
	"errors"
	"strings"
	"testing"
)

func TestLettersDefaultsFollowTheFormat(t *testing.T) {
	for format, want := range map[string][2]string{
		`format = "letter"`: {"10", "5160"},
		`format = "a4"`:     {"dl", "l7160"},
		`format = "card"`:   {"a2", "5160"},
	} {
		c, err := Load(write(t, strings.Replace(example(t), `format = "letter"`, format, 1), 0o600))
		if err != nil {
			t.Fatal(err)
		}
		if c.Letters.EnvelopeSize != want[0] || c.Letters.LabelSheet != want[1] || c.Letters.Country != "US" || !c.Letters.BatchLabels() || c.Letters.BatchEnvelopes() {
			t.Errorf("%s: %+v", format, c.Letters)
		}
	}
}

func TestLettersProblemsHaveLines(t *testing.T) {
	body := strings.NewReplacer(`format = "letter"`, `format = "postcard"`,
		`# envelope_size = "10"`, `envelope_size = "#9"`,
		`# locale = "en-US"`, `locale = "tlh"`,
		`# signature_image = "signature.png"`, `signature_image = "nowhere/signature.png"`,
		`# with = "labels"`, `with = "stamps"`).Replace(example(t))
	_, err := Load(write(t, body, 0o600))
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 5 {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"letters.format", "card5x7", "letters.envelope_size", "letters.locale", "nowhere/signature.png", "letters.with", "line "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
}
