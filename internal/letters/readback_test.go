package letters

import (
	"bytes"
	"encoding/xml"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The read-back tests use poppler-utils (pdftotext, pdftoppm), which .ci/run
// installs; without them they are skipped with a message saying so.

func needPoppler(t testing.TB) {
	t.Helper()
	for _, bin := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s is not installed (Debian package poppler-utils): cannot read the PDF back", bin)
		}
	}
}

// writePDF writes what w produces to a file in the test's artifact
// directory and returns its path and bytes.
func writePDF(t *testing.T, name string, w io.WriterTo) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, buf.Bytes()
}

// pdfText is the text of page (1-based; 0 for all pages) as pdftotext
// reads it, in reading order.
func pdfText(t *testing.T, path string, page int) string {
	t.Helper()
	needPoppler(t)
	args := []string{}
	if page > 0 {
		args = append(args, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))
	}
	out, err := exec.Command("pdftotext", append(args, path, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// pageCount is the number of pages pdftotext sees (one form feed each).
func pageCount(t *testing.T, path string) int {
	return strings.Count(pdfText(t, path, 0), "\f")
}

// wordBox is one word as pdftotext -bbox places it, in points from the
// top left corner of its page.
type wordBox struct {
	page                   int
	text                   string
	xMin, yMin, xMax, yMax float64
}

func pdfWords(t *testing.T, path string) []wordBox {
	t.Helper()
	needPoppler(t)
	out, err := exec.Command("pdftotext", "-bbox", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox %s: %v", path, err)
	}
	var doc struct {
		Pages []struct {
			Words []struct {
				XMin float64 `xml:"xMin,attr"`
				YMin float64 `xml:"yMin,attr"`
				XMax float64 `xml:"xMax,attr"`
				YMax float64 `xml:"yMax,attr"`
				Text string  `xml:",chardata"`
			} `xml:"word"`
		} `xml:"body>doc>page"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("pdftotext -bbox output: %v", err)
	}
	var words []wordBox
	for p, pg := range doc.Pages {
		for _, w := range pg.Words {
			words = append(words, wordBox{p + 1, w.Text, w.XMin, w.YMin, w.XMax, w.YMax})
		}
	}
	return words
}

// pagePNG renders one page with pdftoppm into the artifact directory, for
// a person to look at, and decodes it.
func pagePNG(t *testing.T, path string, page, dpi int) image.Image {
	t.Helper()
	needPoppler(t)
	base := strings.TrimSuffix(path, ".pdf") + "-p" + strconv.Itoa(page)
	cmd := exec.Command("pdftoppm", "-png", "-r", strconv.Itoa(dpi), "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), "-singlefile", path, base)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	f, err := os.Open(base + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rendered %s.png", base)
	return img
}
