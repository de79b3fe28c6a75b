package letters

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
)

var (
	anna = Sender{Name: "Anna Lee, LMFT",
		Address: ReturnAddress("Lee Family Therapy", "12 Elm Street, Suite 4, Springfield, IL 62701")}
	december2 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)

	alvarez = Recipient{Name: "Dr. Maria Alvarez", Organization: "Elm Street Pediatrics",
		Address: contact.Address{Street: "12 Elm St", City: "Springfield", Region: "IL", PostalCode: "62701"}}
	nowak = Recipient{Name: "Dr. Łukasz Nowak", Organization: "Prairie Health",
		Address: contact.Address{Street: "77 Prairie Blvd", City: "Springfield", Region: "Illinois", PostalCode: "62706"}}
	lakeside = Recipient{Organization: "Lakeside OB/GYN",
		Address: contact.Address{Street: "88 Lake Ave", City: "Springfield", Region: "IL", PostalCode: "62703"}}
	orsted = Recipient{Name: "Zoë Ørsted", Organization: "Nørrebro Familieterapi",
		Address: contact.Address{Street: "Blågårdsgade 5", City: "København N", PostalCode: "2200", Country: "Denmark"}}
)

func fixture(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func greeted(text, greeting string) string {
	_, rest, _ := strings.Cut(text, "\n")
	return greeting + "\n" + rest
}

func newLetters(t testing.TB, o Options) *Letters {
	t.Helper()
	if o.From.Name == "" {
		o.From = anna
	}
	b, err := NewLetters(&o)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLettersReadBack prints a small stack in every format and reads each
// PDF back: every letter has its name, date, body and closing, no
// placeholder, and the page or sheet count a user would count.
func TestLettersReadBack(t *testing.T) {
	intro := fixture(t, "intro.txt")
	note := fixture(t, "card.txt")
	people := []struct {
		to       Recipient
		greeting string
	}{
		{alvarez, "Dear Dr. Alvarez and the front-office team at Elm Street Pediatrics,"},
		{nowak, "Dear Dr. Nowak,"},
		{lakeside, "Hello to the team at Lakeside OB/GYN,"},
	}
	for _, tc := range []struct {
		format Format
		text   string
		sheets int
	}{
		{FormatLetter, intro, 3}, {FormatA4, intro, 3}, {FormatCard, note, 2}, {FormatCard5x7, note, 3},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			b := newLetters(t, Options{Format: tc.format})
			for _, p := range people {
				got, err := b.Add(Letter{To: p.to, Contact: p.to.Organization, Seed: p.to.Name, Date: december2, Text: greeted(tc.text, p.greeting)})
				if err != nil {
					t.Fatal(err)
				}
				if got.Pages != 1 || len(got.Fallback) != 0 {
					t.Errorf("%s: %+v", p.to.Organization, got)
				}
			}
			path, _ := writePDF(t, string(tc.format)+".pdf", b)
			if n := pageCount(t, path); n != tc.sheets || b.Sheets() != tc.sheets {
				t.Errorf("%d pages in the PDF, Sheets() = %d; want %d", n, b.Sheets(), tc.sheets)
			}
			all := oneSpace(pdfText(t, path, 0))
			for _, p := range people {
				for _, want := range []string{p.greeting, "December 2, 2026"} {
					if !strings.Contains(all, want) {
						t.Errorf("no %q in\n%s", want, all)
					}
				}
				if tc.format == FormatLetter || tc.format == FormatA4 {
					lines, _ := p.to.Lines("US")
					for _, l := range lines {
						if !strings.Contains(all, l) {
							t.Errorf("the address line %q is missing", l)
						}
					}
				}
			}
			for _, want := range []string{oneSpace(lastParagraph(tc.text)), closingOf(tc.text)} {
				if strings.Count(all, want) != len(people) {
					t.Errorf("%q appears %d times, want %d", want, strings.Count(all, want), len(people))
				}
			}
			for _, bad := range []string{"<no value>", "{{", "Dear ,", "\uFFFD"} {
				if strings.Contains(all, bad) {
					t.Errorf("the PDF contains %q", bad)
				}
			}
		})
	}
}

// lastParagraph is the last paragraph of the body, before the closing.
func lastParagraph(text string) string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	return paras[len(paras)-2]
}

// closingOf is the closing and the signer's lines, as one line.
func closingOf(text string) string {
	paras := strings.Split(strings.TrimSpace(text), "\n\n")
	return oneSpace(paras[len(paras)-1])
}

func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestLongLetterFlows: a long letter goes on to a second page, numbered,
// and its closing is never alone at the top of a page.
func TestLongLetterFlows(t *testing.T) {
	b := newLetters(t, Options{})
	long := fixture(t, "long.txt")
	got, err := b.Add(Letter{To: alvarez, Contact: "Dr. Alvarez", Seed: "1", Date: december2, Text: long})
	if err != nil {
		t.Fatal(err)
	}
	if got.Pages < 2 {
		t.Fatalf("a long letter printed on %d page", got.Pages)
	}
	path, _ := writePDF(t, "long.pdf", b)
	if n := pageCount(t, path); n != got.Pages {
		t.Errorf("the PDF has %d pages, the report says %d", n, got.Pages)
	}
	last := oneSpace(pdfText(t, path, got.Pages))
	if !strings.HasPrefix(last, strconv.Itoa(got.Pages)+" ") {
		t.Errorf("the last page does not start with its number: %.60q", last)
	}
	words := strings.Fields(last)
	if i := strings.Index(last, "With warm regards,"); i < 0 || len(strings.Fields(last[:i])) < 10 {
		t.Errorf("the closing is alone on the last page (%d words before it)", len(words))
	}
	all := oneSpace(pdfText(t, path, 0))
	for i := 1; i <= 9; i++ {
		if !strings.Contains(all, "Paragraph "+strconv.Itoa(i)+".") {
			t.Errorf("paragraph %d is missing", i)
		}
	}
}

// TestCardTooLong: a letter-length text does not fit a 5×7 card; it is
// refused with advice, and the PDF has nothing half-printed.
func TestCardTooLong(t *testing.T) {
	b := newLetters(t, Options{Format: FormatCard5x7})
	_, err := b.Add(Letter{To: alvarez, Contact: "Dr. Alvarez", Seed: "1", Date: december2, Text: fixture(t, "long.txt")})
	if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "Dr. Alvarez") || !strings.Contains(err.Error(), "--format letter") {
		t.Fatalf("err = %v", err)
	}
	if b.Sheets() != 0 || b.Count() != 0 {
		t.Errorf("a refused card left %d sheets", b.Sheets())
	}
}

// TestIncompleteAddress: a letter to someone without a whole address is
// refused by name; a card, which carries no address, still prints.
func TestIncompleteAddress(t *testing.T) {
	half := Recipient{Name: "Tom Reyes", Address: contact.Address{City: "Springfield", Region: "IL"}}
	b := newLetters(t, Options{})
	_, err := b.Add(Letter{To: half, Contact: "Tom Reyes", Seed: "1", Date: december2, Text: fixture(t, "intro.txt")})
	if !errors.Is(err, ErrIncompleteAddress) || !strings.Contains(err.Error(), "Tom Reyes") || !strings.Contains(err.Error(), "street") {
		t.Fatalf("err = %v", err)
	}
	if b.Sheets() != 0 {
		t.Error("half a letter was printed")
	}
}

// TestSameSeedSameLetter: a letter prints the same twice (so a reprint
// matches), two contacts' letters differ a little, and Plain makes them
// the same again.
func TestSameSeedSameLetter(t *testing.T) {
	text := fixture(t, "intro.txt")
	pdf := func(o Options, seed string) string {
		b := newLetters(t, o)
		if _, err := b.Add(Letter{To: alvarez, Contact: "x", Seed: seed, Date: december2, Text: text}); err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		if _, err := b.WriteTo(&sb); err != nil {
			t.Fatal(err)
		}
		return sb.String()
	}
	if pdf(Options{}, "a") != pdf(Options{}, "a") {
		t.Error("the same letter printed twice differs")
	}
	if pdf(Options{}, "a") == pdf(Options{}, "b") {
		t.Error("two contacts' letters have the very same hand")
	}
	if pdf(Options{Plain: true}, "a") != pdf(Options{Plain: true}, "b") {
		t.Error("--plain letters still vary")
	}
}

// TestCheckMeasuresWithoutPrinting: Check refuses what Add refuses and
// accepts what Add prints, and leaves the PDF untouched either way (a
// print batch checks every letter before claiming it).
func TestCheckMeasuresWithoutPrinting(t *testing.T) {
	for _, f := range []Format{FormatLetter, FormatCard, FormatCard5x7} {
		b := newLetters(t, Options{Format: f})
		note := Letter{To: alvarez, Contact: "Dr. Alvarez", Seed: "1", Date: december2, Text: fixture(t, "card.txt")}
		if err := b.Check(note); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		long := note
		long.Text = fixture(t, "long.txt")
		_, addErr := b.Add(long)
		if err := b.Check(long); (err == nil) != (addErr == nil) {
			t.Errorf("%s: Check says %v, Add says %v", f, err, addErr)
		}
		if f == FormatCard5x7 && !errors.Is(b.Check(long), ErrTooLong) {
			t.Errorf("a letter-length note is too long for a 5x7 card")
		}
		before := b.Sheets()
		if err := b.Check(Letter{To: nowak, Contact: "Dr. Nowak", Seed: "2", Date: december2, Text: "Dear 大松,\n\nHello.\n\nWarmly,\nAnna"}); err == nil {
			t.Errorf("%s: a character no font has passes the check", f)
		}
		if b.Sheets() != before || b.Count() != map[bool]int{true: 1, false: 0}[addErr == nil] {
			t.Errorf("%s: Check printed something: %d sheets, %d letters", f, b.Sheets(), b.Count())
		}
	}
}
