package letters

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkThousandLetters prints 1,000 personalized letters into one PDF,
// the size of a large print run; DESIGN.md wants it under 3 s and under
// 40 KB a page. It reports both.
func BenchmarkThousandLetters(b *testing.B) {
	for _, format := range []Format{FormatLetter, FormatCard} {
		b.Run(string(format), func(b *testing.B) {
			text := fixture(b, "intro.txt")
			if format == FormatCard {
				text = fixture(b, "card.txt")
			}
			var size, pages int
			for b.Loop() {
				l := newLetters(b, Options{Format: format})
				for i := range 1000 {
					to := alvarez
					to.Name = "Dr. Maria Alvarez-" + strconv.Itoa(i)
					greeting := "Dear Dr. Alvarez-" + strconv.Itoa(i) + ","
					if _, err := l.Add(Letter{To: to, Contact: to.Name, Seed: to.Name, Date: december2, Text: greeted(text, greeting)}); err != nil {
						b.Fatal(err)
					}
				}
				var buf bytes.Buffer
				if _, err := l.WriteTo(&buf); err != nil {
					b.Fatal(err)
				}
				size, pages = buf.Len(), l.Sheets()
			}
			b.ReportMetric(float64(size)/float64(pages), "B/page")
			b.ReportMetric(float64(pages), "pages")
			if !strings.Contains(b.Name(), "x") && size/pages > 40<<10 {
				b.Errorf("%d bytes a page", size/pages)
			}
		})
	}
}
