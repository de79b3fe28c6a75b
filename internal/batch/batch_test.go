package batch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/letters"
	"rapport/internal/letters/pdftest"
	"rapport/internal/render"
)

var (
	anna = render.Sender{Name: "Anna Lee, LMFT", Practice: "Lee Family Therapy",
		PostalAddress: "12 Elm Street, Suite 4, Springfield, IL 62701"}
	kim = &contact.Contact{ID: 8, Title: "Pastor", FirstName: "Daniel", LastName: "Kim", Kind: "pastor",
		Organization: "Grace Community Church",
		Address:      contact.Address{Street: "200 Church St", City: "Springfield", Region: "IL", PostalCode: "62708"}}
	reyes = &contact.Contact{ID: 10, FirstName: "Tom", LastName: "Reyes", Kind: "therapist",
		Address: contact.Address{City: "Springfield", Region: "IL"}}
	december2 = time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
)

func newRun(t *testing.T) *Run {
	t.Helper()
	tm, err := render.Load("../../templates/letters", "thinking-of-you")
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(tm, Options{Layout: &letters.Options{Format: letters.FormatCard,
		From: letters.Sender{Name: anna.Name, Address: letters.ReturnAddress(anna.Practice, anna.PostalAddress)}},
		Envelopes: letters.EnvelopeA2, Labels: letters.Label5160})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// pdfText reads a PDF back (see pdftest).
var pdfText = pdftest.Text

// TestACardWithItsEnvelopeAndLabel: the pastor's card prints with its
// envelope and label; a contact without a street is refused by Check and
// Add alike, and nothing of theirs is printed.
func TestACardWithItsEnvelopeAndLabel(t *testing.T) {
	r := newRun(t)
	in := render.Input{Contact: kim, Sender: anna}
	if why, err := r.Check(in, december2); why != nil || err != nil {
		t.Fatalf("check: %q %v", why, err)
	}
	if r.Stats().Letters != 0 {
		t.Fatal("Check printed the card")
	}
	if _, why, err := r.Add(in, december2); why != nil || err != nil {
		t.Fatalf("add: %q %v", why, err)
	}
	half := render.Input{Contact: reyes, Sender: anna}
	checked, _ := r.Check(half, december2)
	_, added, _ := r.Add(half, december2)
	if checked == nil || added == nil || checked.Error() != added.Error() || !errors.Is(added, letters.ErrIncompleteAddress) ||
		!strings.Contains(added.Error(), "street") || !strings.Contains(added.Error(), "import it again") {
		t.Errorf("Tom Reyes: check %q, add %q", checked, added)
	}
	if s := r.Stats(); s.Letters != 1 || s.Envelopes != 1 || s.Labels != 1 || s.LetterSheets != 1 {
		t.Errorf("stats: %+v", s)
	}
	dir := t.TempDir()
	f := Files{Letters: filepath.Join(dir, "cards.pdf"), Envelopes: filepath.Join(dir, "envelopes.pdf"), Labels: filepath.Join(dir, "labels.pdf")}
	if err := r.Write(f); err != nil {
		t.Fatal(err)
	}
	if card := pdfText(t, f.Letters); !strings.Contains(card, "Dear Pastor Kim,") || !strings.Contains(card, "December 2, 2026") {
		t.Errorf("card: %s", card)
	}
	for _, p := range []string{f.Envelopes, f.Labels} {
		if text := pdfText(t, p); !strings.Contains(text, "Pastor Daniel Kim Grace Community Church 200 Church St Springfield, IL 62708") {
			t.Errorf("%s: %s", p, text)
		}
	}
	if tmp := Temporaries(f.Letters); len(tmp) != 0 {
		t.Errorf("temporary files were left: %v", tmp)
	}
}

// TestAFailedWriteLeavesNoLetters: when the letters' PDF cannot be put in
// place, no letters' PDF appears and no temporary file stays — what a
// print batch's recovery relies on.
func TestAFailedWriteLeavesNoLetters(t *testing.T) {
	r := newRun(t)
	if _, why, err := r.Add(render.Input{Contact: kim, Sender: anna}, december2); why != nil || err != nil {
		t.Fatal(why, err)
	}
	dir := t.TempDir()
	letters := filepath.Join(dir, "cards.pdf")
	if err := os.MkdirAll(filepath.Join(letters, "in-the-way"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := r.Write(Files{Letters: letters, Envelopes: filepath.Join(dir, "env.pdf"), Labels: filepath.Join(dir, "labels.pdf")})
	if err == nil {
		t.Fatal("writing over a folder succeeded")
	}
	if fi, _ := os.Stat(letters); !fi.IsDir() {
		t.Error("the letters' place was overwritten")
	}
	if tmp := Temporaries(letters); len(tmp) != 0 {
		t.Errorf("temporary files were left: %v", tmp)
	}
}
