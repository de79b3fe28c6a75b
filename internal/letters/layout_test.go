package letters

import (
	"strings"
	"testing"
)

func testFonts(t testing.TB) *fonts {
	t.Helper()
	fs, err := newFonts(&Options{})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestNothingRunsOff: whatever the text (a long organization name, an
// address without spaces, a web address), no line is wider than its
// frame, in the hand or plain.
func TestNothingRunsOff(t *testing.T) {
	fs := testFonts(t)
	texts := []string{
		"The Interfaith Community Counseling and Family Support Services Collaborative of Greater Springfield and the Tri-County Area",
		"https://booking.example/anna-lee/first-appointment?source=letter&campaign=intro-physicians-2026-spring-round-two",
		strings.Repeat("Ł", 300),
		"- a list item that is long enough to wrap onto a second line, where it hangs under its text",
		fixture(t, "long.txt"),
	}
	for _, plain := range []bool{false, true} {
		for _, width := range []float64{120, 338, 475} {
			s := &setter{fs: fs, size: 17, j: newJitter("seed", plain)}
			for _, text := range texts {
				for _, l := range s.wrap(text, width) {
					if l.indent+l.w > width+0.01 {
						t.Errorf("width %.0f: a line of %.1f: %q", width, l.indent+l.w, lineText(l))
					}
				}
			}
		}
	}
}

func lineText(l *line) string {
	var b strings.Builder
	for i, w := range l.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		for _, r := range w.runs {
			b.WriteString(r.text)
		}
	}
	return b.String()
}

// TestWidowsAndOrphans: a page break never leaves one line of a paragraph
// alone, nor the greeting or the closing by itself.
func TestWidowsAndOrphans(t *testing.T) {
	para := func(id, n int) []item {
		var out []item
		for i := range n {
			out = append(out, item{h: 10, para: id, idx: i, n: n})
		}
		return out
	}
	pagesOf := func(items []item, room float64) []int {
		var counts []int
		for _, p := range paginate(items, func(int) float64 { return room }) {
			counts = append(counts, len(p))
		}
		return counts
	}
	cases := []struct {
		name  string
		items []item
		room  float64
		want  []int
	}{
		{"fits", para(1, 5), 50, []int{5}},
		{"widow: the last line takes one more with it", append(para(1, 3), para(2, 4)...), 60, []int{5, 2}},
		{"orphan: a first line alone goes to the next page", append(para(1, 4), para(2, 4)...), 50, []int{4, 4}},
		{"a two-line paragraph is never split", append(para(1, 4), para(2, 2)...), 50, []int{4, 2}},
	}
	closing := append(para(1, 6), item{h: 10, keep: true}, item{h: 30, keep: true, sign: true}, item{h: 10})
	closing[5].keep = true
	cases = append(cases, struct {
		name  string
		items []item
		room  float64
		want  []int
	}{"the closing takes the body's last lines along", closing, 80, []int{4, 5}})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := pagesOf(c.items, c.room)
			if len(got) != len(c.want) {
				t.Fatalf("pages %v, want %v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Fatalf("pages %v, want %v", got, c.want)
				}
			}
		})
	}
	t.Run("a page too small for the rules still makes progress", func(t *testing.T) {
		items := para(1, 9)
		for i := range items {
			items[i].keep = true
		}
		total := 0
		for _, n := range pagesOf(items, 30) {
			if n == 0 {
				t.Fatal("an empty page")
			}
			total += n
		}
		if total != 9 {
			t.Errorf("%d of 9 items placed", total)
		}
	})
}

func TestReadParts(t *testing.T) {
	p := readParts(fixture(t, "intro.txt"))
	if !p.greet || p.closing != "Warmly," || len(p.signer) != 2 || len(p.paras) != 4 {
		t.Errorf("%+v", p)
	}
	p = readParts("Thank you for everything.\n\nSee you soon")
	if p.greet || p.closing != "" || len(p.paras) != 2 {
		t.Errorf("a note without greeting or closing: %+v", p)
	}
}
