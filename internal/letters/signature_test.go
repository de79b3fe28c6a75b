package letters

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"rapport/internal/contact"
)

// scribble is a small PNG of a blue signature stroke.
func scribble(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 300, 90))
	for x := 10; x < 290; x++ {
		y := 45 + int(25*float64((x%60)-30)/30)
		for d := -2; d <= 2; d++ {
			img.Set(x, y+d, color.NRGBA{20, 30, 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSignatureImage: the scanned signature goes in the room under the
// closing, once in the file however many letters use it; a file that is
// not a PNG is refused.
func TestSignatureImage(t *testing.T) {
	needPoppler(t)
	text := fixture(t, "intro.txt")
	ink := func(o Options, n int) (int, string) {
		b := newLetters(t, o)
		for i := range n {
			if _, err := b.Add(Letter{To: alvarez, Contact: "x", Seed: strconv.Itoa(i), Date: december2, Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		path, _ := writePDF(t, "signed.pdf", b)
		_, all := inkOutside(pagePNG(t, path, 1, 60), 60)
		return all, path
	}
	plain, _ := ink(Options{}, 1)
	signed, path := ink(Options{Signature: scribble(t)}, 3)
	if signed < plain+200 {
		t.Errorf("ink with a signature %d, without %d", signed, plain)
	}
	out, err := exec.Command("pdfimages", "-list", path).Output()
	if err != nil {
		t.Skipf("pdfimages: %v", err)
	}
	// Three letters, three placements, one image object.
	placed, objects := 0, map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 11 && f[2] == "image" {
			placed++
			objects[f[10]] = true
		}
	}
	if placed != 3 || len(objects) != 1 {
		t.Errorf("%d placements of %d images:\n%s", placed, len(objects), out)
	}
	if _, err := NewLetters(&Options{Signature: []byte("GIF89a not a png")}); err == nil || !strings.Contains(err.Error(), "PNG") {
		t.Errorf("err = %v", err)
	}
}

// TestInsideAddressInTheWindow: on a letter the recipient's address sits
// where a #10 (Letter) or DL (A4) window envelope shows it, even when a
// long name wraps, and the text stays within the margins.
func TestInsideAddressInTheWindow(t *testing.T) {
	long := Recipient{Name: "The Reverend Dr. Bartholomew Featherstonehaugh-Montgomery III",
		Organization: "Interfaith Community Counseling and Family Support Services of Greater Springfield",
		Address:      contact.Address{Street: "1200 North Old Settlers Memorial Parkway, Building C", City: "Springfield", Region: "IL", PostalCode: "62701-1234"}}
	for _, f := range []Format{FormatLetter, FormatA4} {
		t.Run(string(f), func(t *testing.T) {
			b := newLetters(t, Options{Format: f})
			for _, to := range []Recipient{alvarez, long} {
				if _, err := b.Add(Letter{To: to, Contact: "x", Seed: "x", Date: december2, Text: fixture(t, "intro.txt")}); err != nil {
					t.Fatal(err)
				}
			}
			path, _ := writePDF(t, "window.pdf", b)
			g := geometries[f]
			for _, w := range pdfWords(t, path) {
				if w.page == 1 && strings.Contains("Dr. Maria Alvarez Elm Street Pediatrics 12 Elm St Springfield, IL 62701", w.text) &&
					w.yMin > g.addrBox.y-mm && w.yMin < g.addrBox.bottom() {
					if !within(w, g.addrBox.x, g.addrBox.y, g.addrBox.w, g.addrBox.h, mm) {
						t.Errorf("%q at (%.0f,%.0f)-(%.0f,%.0f) is outside the window (%v)", w.text, w.xMin, w.yMin, w.xMax, w.yMax, g.addrBox)
					}
				}
				if w.xMax > g.sheetW-0.5*inch || w.xMin < 0.5*inch {
					t.Errorf("page %d: %q runs into the margin (%.0f-%.0f)", w.page, w.text, w.xMin, w.xMax)
				}
			}
			if text := oneSpace(pdfText(t, path, 2)); !strings.Contains(text, "Interfaith Community Counseling") || !strings.Contains(text, "62701-1234") {
				t.Errorf("the long address is not whole:\n%s", text)
			}
		})
	}
}
