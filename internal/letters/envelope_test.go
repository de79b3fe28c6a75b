package letters

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"rapport/internal/contact"
)

// within reports whether a word lies inside a box, give or take tol.
func within(w wordBox, x, y, bw, bh, tol float64) bool {
	return w.xMin >= x-tol && w.yMin >= y-tol && w.xMax <= x+bw+tol && w.yMax <= y+bh+tol
}

// TestEnvelopes: on every size the recipient's address lies where a window
// envelope's window is (or, on A2, where a card's envelope is addressed),
// and the return address at the top left.
func TestEnvelopes(t *testing.T) {
	for _, size := range EnvelopeSizes {
		t.Run(string(size), func(t *testing.T) {
			v, err := NewEnvelopes(size, &Options{From: anna})
			if err != nil {
				t.Fatal(err)
			}
			for _, to := range []Recipient{alvarez, orsted} {
				if err := v.Add(to, to.Name, to.Name); err != nil {
					t.Fatal(err)
				}
			}
			path, _ := writePDF(t, "envelopes-"+string(size)+".pdf", v)
			if n := pageCount(t, path); n != 2 {
				t.Errorf("%d envelopes, want 2", n)
			}
			x, y, w, h := AddressBox(size)
			var seenTo, seenFrom int
			for _, wb := range pdfWords(t, path) {
				switch {
				case strings.Contains("Dr. Maria Alvarez Elm Street Pediatrics 12 Elm St Springfield, IL 62701 Zoë Ørsted DENMARK 2200 København N", wb.text) && wb.yMin > y-2:
					seenTo++
					if !within(wb, x, y, w, h, mm) {
						t.Errorf("%q at (%.0f,%.0f)-(%.0f,%.0f) is outside the address box (%.0f,%.0f %.0fx%.0f)", wb.text, wb.xMin, wb.yMin, wb.xMax, wb.yMax, x, y, w, h)
					}
				case strings.Contains("Anna Lee, LMFT Lee Family Therapy 12 Elm Street, Suite 4", wb.text):
					seenFrom++
					if wb.xMin < 0.25*inch || wb.xMax > 3.9*inch || wb.yMax > 1.75*inch {
						t.Errorf("return address word %q at (%.0f,%.0f)", wb.text, wb.xMin, wb.yMin)
					}
				}
			}
			if seenTo < 10 || seenFrom < 8 {
				t.Errorf("found %d address and %d return address words", seenTo, seenFrom)
			}
		})
	}
	t.Run("half an address is refused by name", func(t *testing.T) {
		v, err := NewEnvelopes(Envelope10, &Options{From: anna})
		if err != nil {
			t.Fatal(err)
		}
		err = v.Add(Recipient{Name: "Tom Reyes", Address: contact.Address{City: "Springfield"}}, "Tom Reyes", "x")
		if !errors.Is(err, ErrIncompleteAddress) || !strings.Contains(err.Error(), "Tom Reyes") || !strings.Contains(err.Error(), "postal code") {
			t.Errorf("err = %v", err)
		}
		if v.Count() != 0 {
			t.Error("counted")
		}
	})
}

// TestLabels: every address lands inside its own label of the sheet's
// grid (within 1 mm), row by row, after the labels skipped; a second sheet
// starts when the first is full.
func TestLabels(t *testing.T) {
	for _, tc := range []struct {
		sheet LabelSheet
		skip  int
	}{{Label5160, 4}, {LabelL7160, 0}} {
		t.Run(string(tc.sheet), func(t *testing.T) {
			l, err := NewLabels(tc.sheet, tc.skip, &Options{From: anna})
			if err != nil {
				t.Fatal(err)
			}
			per := tc.sheet.PerSheet()
			n := per - tc.skip + 2 // onto a second sheet
			for i := range n {
				to := alvarez
				to.Name = "Label " + strconv.Itoa(tc.skip+i)
				if err := l.Add(to, to.Name, to.Name); err != nil {
					t.Fatal(err)
				}
			}
			path, _ := writePDF(t, "labels-"+string(tc.sheet)+".pdf", l)
			if l.Sheets() != 2 || pageCount(t, path) != 2 {
				t.Errorf("%d sheets", l.Sheets())
			}
			words := pdfWords(t, path)
			checked := 0
			for i, w := range words {
				if w.text != "Label" {
					continue
				}
				idx := atoi(words[i+1].text)
				cell := idx % per
				if wantPage := 1 + idx/per; w.page != wantPage {
					t.Errorf("label %d on page %d", idx, w.page)
				}
				x, y, bw, bh := LabelBox(tc.sheet, cell)
				// The label's words: from "Label" to the ZIP code.
				for _, lw := range words[i : i+10] {
					if !within(lw, x, y, bw, bh, mm) {
						t.Errorf("label %d: %q at (%.1f,%.1f)-(%.1f,%.1f) is outside (%.1f,%.1f %.1fx%.1f)", idx, lw.text, lw.xMin, lw.yMin, lw.xMax, lw.yMax, x, y, bw, bh)
					}
				}
				checked++
			}
			if checked != n {
				t.Errorf("found %d labels, want %d", checked, n)
			}
		})
	}
	t.Run("skip past a sheet is refused", func(t *testing.T) {
		if _, err := NewLabels(Label5160, 30, nil); err == nil || !strings.Contains(err.Error(), "0 to 29") {
			t.Errorf("err = %v", err)
		}
	})
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}
