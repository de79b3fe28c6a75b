package letters

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"rapport/internal/contact"
)

// cjkFont is a TrueType font with CJK glyphs from Debian's
// fonts-droid-fallback, which .ci/run installs.
const cjkFont = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

func TestGlyphFallback(t *testing.T) {
	note := fixture(t, "card.txt")
	t.Run("Łukasz, Zoë and Ørsted in the handwriting font", func(t *testing.T) {
		b := newLetters(t, Options{})
		for _, to := range []Recipient{nowak, orsted} {
			p, err := b.Add(Letter{To: to, Contact: to.Name, Seed: to.Name, Date: december2, Text: greeted(note, "Dear "+to.Name+",")})
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Fallback) != 0 {
				t.Errorf("%s needed %v", to.Name, p.Fallback)
			}
		}
		path, _ := writePDF(t, "latin.pdf", b)
		text := pdfText(t, path, 0)
		for _, want := range []string{"Dear Dr. Łukasz Nowak,", "Dear Zoë Ørsted,", "Blågårdsgade 5", "2200 København N", "DENMARK"} {
			if !strings.Contains(text, want) {
				t.Errorf("no %q in\n%s", want, text)
			}
		}
	})
	t.Run("a Greek name falls back to the Go font, letter by letter", func(t *testing.T) {
		b := newLetters(t, Options{})
		to := Recipient{Name: "Dr. Αθηνά Παπαδοπούλου", Address: alvarez.Address}
		p, err := b.Add(Letter{To: to, Contact: to.Name, Seed: "g", Date: december2, Text: greeted(note, "Dear Dr. Παπαδοπούλου,")})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Fallback, []string{SansFont}) {
			t.Errorf("fallback = %v", p.Fallback)
		}
		path, _ := writePDF(t, "greek.pdf", b)
		if text := pdfText(t, path, 0); !strings.Contains(text, "Dear Dr. Παπαδοπούλου,") {
			t.Errorf("the Greek name is not in the text:\n%s", text)
		}
	})
	t.Run("大松 without a fallback font is refused, not printed with a box", func(t *testing.T) {
		b := newLetters(t, Options{})
		to := Recipient{Name: "大松 Aiko", Address: alvarez.Address}
		_, err := b.Add(Letter{To: to, Contact: "aiko@example.test", Seed: "c", Date: december2, Text: greeted(note, "Dear 大松さん,")})
		var mg *MissingGlyphError
		if !errors.As(err, &mg) || mg.Char != '大' || mg.Contact != "aiko@example.test" {
			t.Fatalf("err = %v", err)
		}
		if !strings.Contains(err.Error(), "fallback_font") || !strings.Contains(err.Error(), "aiko@example.test") {
			t.Errorf("the message does not say what to do: %v", err)
		}
		if b.Sheets() != 0 {
			t.Error("something was printed")
		}
	})
	t.Run("大松 prints once a CJK TrueType font is the fallback", func(t *testing.T) {
		cjk, err := os.ReadFile(cjkFont)
		if err != nil {
			t.Skipf("no CJK TrueType font (Debian package fonts-droid-fallback): %v", err)
		}
		b := newLetters(t, Options{FallbackFont: cjk, FallbackFontName: "DroidSansFallbackFull.ttf"})
		to := Recipient{Name: "大松 Aiko", Address: contact.Address{Street: "1-2-3 Ginza", City: "Tokyo", PostalCode: "104-0061", Country: "Japan"}}
		p, err := b.Add(Letter{To: to, Contact: "aiko@example.test", Seed: "c", Date: december2, Text: greeted(note, "Dear 大松さん,")})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(p.Fallback, "fallback font DroidSansFallbackFull.ttf") {
			t.Errorf("fallback = %v", p.Fallback)
		}
		path, _ := writePDF(t, "cjk.pdf", b)
		if text := pdfText(t, path, 0); !strings.Contains(text, "大松さん") || !strings.Contains(text, "JAPAN") {
			t.Errorf("no 大松 in\n%s", text)
		}
	})
}

func TestUserFonts(t *testing.T) {
	t.Run("a CFF OpenType font is refused with a clear reason", func(t *testing.T) {
		otf := append([]byte("OTTO"), make([]byte, 64)...)
		_, err := NewLetters(&Options{Font: otf, FontName: "DancingScript-Regular.otf"})
		if !errors.Is(err, ErrFont) || !strings.Contains(err.Error(), "DancingScript-Regular.otf") ||
			!strings.Contains(err.Error(), "TrueType") || !strings.Contains(err.Error(), "CFF") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a font collection and a text file are refused", func(t *testing.T) {
		for _, data := range [][]byte{append([]byte("ttcf"), make([]byte, 64)...), []byte("this is not a font at all, sorry")} {
			if err := CheckFont(data); !errors.Is(err, ErrFont) {
				t.Errorf("CheckFont(%.4q) = %v", data, err)
			}
		}
	})
	t.Run("the user's own TrueType font replaces Caveat", func(t *testing.T) {
		cjk, err := os.ReadFile(cjkFont)
		if err != nil {
			t.Skip("no TrueType font to try")
		}
		if err := CheckFont(cjk); err != nil {
			t.Fatal(err)
		}
		b := newLetters(t, Options{Font: cjk, FontName: "droid.ttf"})
		// Droid Sans Fallback has no Latin: every letter falls back to Go.
		p, err := b.Add(Letter{To: alvarez, Contact: "x", Seed: "x", Date: december2, Text: fixture(t, "card.txt")})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Fallback, []string{SansFont}) {
			t.Errorf("fallback = %v", p.Fallback)
		}
	})
}
