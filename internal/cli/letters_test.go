package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rapport/internal/letters/pdftest"
)

// lettersOut is `rapport letters --json`.
type lettersOut struct {
	Letters struct {
		File, Size    string
		Count, Sheets int
	}
	Envelopes *struct {
		File, Size    string
		Count, Sheets int
	}
	Labels *struct {
		File, Size    string
		Count, Sheets int
	}
	Printed []struct {
		Contact, Name string
		Pages         int
		Fallback      []string
	}
	Skipped []struct{ Contact, Name, Reason string }
}

func newPractice(t *testing.T) *user {
	u := newUser(t)
	if _, errs, code := u.run("import", "../../demo/contacts.csv"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	return u
}

func (u *user) path(name string) string { return filepath.Join(u.dir, name) }

// pdfText reads a PDF back (see pdftest).
var pdfText = pdftest.Text

// TestCardsForThePastors is the story of the issue: pick the pastors,
// print warm cards with matching envelopes and a sheet of labels.
func TestCardsForThePastors(t *testing.T) {
	u := newPractice(t)
	var got lettersOut
	u.json(&got, "letters", "--kind", "pastor", "--template", "thinking-of-you", "--format", "card",
		"--out", u.path("cards.pdf"), "--envelopes", u.path("envelopes.pdf"), "--labels", u.path("labels.pdf"), "--skip", "3")
	if len(got.Printed) != 1 || got.Printed[0].Name != "Pastor Daniel Kim" || len(got.Skipped) != 0 {
		t.Fatalf("%+v", got)
	}
	if got.Letters.Size != "card" || got.Letters.Count != 1 || got.Letters.Sheets != 1 ||
		got.Envelopes == nil || got.Envelopes.Size != "a2" || got.Labels == nil || got.Labels.Size != "5160" {
		t.Errorf("files: %+v %+v %+v", got.Letters, got.Envelopes, got.Labels)
	}
	card := pdfText(t, u.path("cards.pdf"))
	for _, want := range []string{"November 23, 2026", "Dear Pastor Kim,", "thank you for another year of trust", "Warmly, Anna Lee, LMFT"} {
		if !strings.Contains(card, want) {
			t.Errorf("the card lacks %q:\n%s", want, card)
		}
	}
	for _, f := range []string{"envelopes.pdf", "labels.pdf"} {
		text := pdfText(t, u.path(f))
		if !strings.Contains(text, "Pastor Daniel Kim Grace Community Church 200 Church St Springfield, IL 62708") {
			t.Errorf("%s: %s", f, text)
		}
	}
	entries, _ := os.ReadDir(u.dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file was left: %s", e.Name())
		}
	}
}

// TestLettersSayWhoWasLeftOut: a contact without a street is named, so is
// one whose letter needs a column they do not have (with the template's
// line), and the rest are printed.
func TestLettersSayWhoWasLeftOut(t *testing.T) {
	u := newPractice(t)
	tpl := "---\nsubject: Colleagues\n---\nDear {{.FirstName}},\n\nI hear your work in {{.Fields.specialty}} is wonderful.\n\nWarmly,\n{{.Sender.Name}}\n"
	if err := os.WriteFile(u.path("templates/letters/colleague.md"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	var got lettersOut
	u.json(&got, "letters", "--kind", "therapist", "--kind", "school-counselor", "--template", "colleague", "--out", u.path("out.pdf"))
	if len(got.Printed) != 1 || got.Printed[0].Name != "Priya Raman" {
		t.Errorf("printed %+v", got.Printed)
	}
	reasons := map[string]string{}
	for _, s := range got.Skipped {
		reasons[s.Name] = s.Reason
	}
	if r := reasons["Tom Reyes"]; !strings.Contains(r, "no complete postal address") || !strings.Contains(r, "street") {
		t.Errorf("Tom Reyes: %q", r)
	}
	if r := reasons["Ms. Carol Jensen"]; !strings.Contains(r, "colleague.md line 6") || !strings.Contains(r, ".Fields.specialty") {
		t.Errorf("Carol Jensen: %q", r)
	}
	if text := pdfText(t, u.path("out.pdf")); !strings.Contains(text, "I hear your work in perinatal mood is wonderful.") {
		t.Error(text)
	}
	out, _, code := u.run("letters", "--kind", "therapist", "--template", "colleague", "--out", u.path("out.pdf"))
	if code != 0 || !strings.Contains(out, "Not printed (1):\n  Tom Reyes: no complete postal address") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestLettersNothingToPrint: when no one can have a letter, nothing is
// written and the exit code says so.
func TestLettersNothingToPrint(t *testing.T) {
	u := newPractice(t)
	out, errs, code := u.run("letters", "--contact", "tom@reyescouples.example", "--template", "thank-you", "--out", u.path("none.pdf"))
	if code != exitValidation || !strings.Contains(errs, "nothing was printed") || !strings.Contains(out, "Tom Reyes") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(u.path("none.pdf")); err == nil {
		t.Error("an empty PDF was written")
	}
}

// TestLettersRefuseAnOpenTypeFont: a CFF .otf in [letters] font is refused
// before anything is printed, with the config line and what to use.
func TestLettersRefuseAnOpenTypeFont(t *testing.T) {
	u := newPractice(t)
	if err := os.WriteFile(u.path("Script.otf"), append([]byte("OTTO"), make([]byte, 200)...), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(u.path("rapport.toml"))
	os.WriteFile(u.path("rapport.toml"), []byte(strings.Replace(string(cfg), `# font = "MyHandwriting.ttf"`, `font = "Script.otf"`, 1)), 0o600)
	_, errs, code := u.run("letters", "--kind", "pastor", "--template", "thank-you", "--out", u.path("x.pdf"))
	if code != exitValidation || !strings.Contains(errs, "letters.font") || !strings.Contains(errs, " line ") || !strings.Contains(errs, "TrueType") {
		t.Errorf("exit %d: %s", code, errs)
	}
}

// TestLetterSamplesForEveryone: each sample letter template prints for
// every demo contact with an address, in each format it is meant for.
func TestLetterSamplesForEveryone(t *testing.T) {
	u := newPractice(t)
	for _, tc := range []struct{ template, format string }{
		{"intro-physician", "letter"}, {"thank-you", "card"}, {"thinking-of-you", "card"}, {"thank-you", "card5x7"},
	} {
		var got lettersOut
		u.json(&got, "letters", "--stage", "new", "--template", tc.template, "--format", tc.format, "--out", u.path(tc.template+".pdf"))
		if len(got.Printed) != 10 || len(got.Skipped) != 1 || got.Skipped[0].Name != "Tom Reyes" {
			t.Errorf("%s as %s: %d printed, skipped %+v", tc.template, tc.format, len(got.Printed), got.Skipped)
		}
		text := pdfText(t, u.path(tc.template+".pdf"))
		for _, bad := range []string{"<no value>", "{{", "Dear ,", "Hello ,"} {
			if strings.Contains(text, bad) {
				t.Errorf("%s contains %q", tc.template, bad)
			}
		}
		if !strings.Contains(text, "Łukasz") && tc.template == "intro-physician" {
			t.Errorf("no Łukasz in %s", tc.template)
		}
	}
}
