package render

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rapport/internal/contact"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// samples is the directory `rapport init` copies for the user.
const samples = "../../templates"

// realistic are contacts as they come out of a real referral spreadsheet,
// from the complete to the barely filled-in.
var realistic = map[string]*contact.Contact{
	"physician": {Email: "ppatel@maplepeds.example", Title: "Dr.", FirstName: "Priya", LastName: "Patel",
		Organization: "Maple Street Pediatrics", Kind: "physician", Address: contact.Address{City: "Portland"}},
	"office-manager": {Email: "maria@riverfamilymed.example", FirstName: "Maria", LastName: "Gomez",
		Organization: "River Family Medicine", Kind: "physician"},
	"physician-office": office("frontdesk@cedarobgyn.example", "Cedar OB/GYN", "physician"),
	"therapist": {Email: "sam@riveracounseling.example", FirstName: "Sam", LastName: "Rivera", Kind: "therapist",
		Organization: "Rivera Counseling", Fields: map[string]string{"specialty": "adoption and foster care"}},
	"therapist-office": office("hello@northwindtherapy.example", "Northwind Therapy Collective", "therapist"),
	"pastor": {Email: "pastor.kim@gracechurch.example", Title: "Pastor", LastName: "Kim",
		Organization: "Grace Community Church", Kind: "pastor"},
	"church-office":  office("office@stmarks.example", "St. Mark's Parish", "pastor"),
	"school":         {Email: "dana.wu@lincoln.example", FirstName: "Dana", Organization: "Lincoln Middle School", Kind: "school-counselor"},
	"school-office":  office("counseling@westhigh.example", "West High School", "school-counselor"),
	"agency-office":  office("intake@familyservices.example", "Family Services of Clark County", "agency"),
	"symbols-in-org": office("info@amp.example", "Smith & Jones <Family> Practice", "physician"),
}

// goldenFor are the contacts whose notes are kept as golden files, for
// each sample: one person with a name, and one office known only by an
// email and an organization.
var goldenFor = map[string][]string{
	"intro-physician":        {"physician", "physician-office"},
	"intro-therapist":        {"therapist", "therapist-office"},
	"intro-pastor":           {"pastor", "church-office"},
	"intro-school-counselor": {"school", "school-office"},
	"follow-up":              {"office-manager", "physician-office"},
	"thank-you":              {"therapist", "church-office"},
	"thinking-of-you":        {"physician", "physician-office"},
	"meet-invite":            {"therapist", "physician-office"},
	"meet-reminder":          {"pastor", "physician-office"},
	"meet-thanks":            {"school", "church-office"},
	"after-card":             {"pastor", "school-office"},
}

func loadSamples(t *testing.T) map[string]*Template {
	t.Helper()
	tms, errs := LoadAll(samples)
	for _, err := range errs {
		t.Error(err)
	}
	if _, ok := tms["README"]; ok {
		t.Error("README.md was loaded as a template")
	}
	if len(tms) < 7 {
		t.Fatalf("%d sample templates", len(tms))
	}
	return tms
}

func TestSamplesRenderForEveryone(t *testing.T) {
	for name, tm := range loadSamples(t) {
		for who, c := range realistic {
			t.Run(name+"/"+who, func(t *testing.T) {
				m := render(t, tm, c)
				checkClean(t, m)
				l, err := tm.RenderLetter(Input{Contact: c, Sender: anna, Event: eventFor(tm)})
				if err != nil {
					t.Fatal(err)
				}
				checkText(t, "letter", l)
			})
		}
	}
}

func TestSamplesGolden(t *testing.T) {
	for name, tm := range loadSamples(t) {
		if len(goldenFor[name]) == 0 {
			t.Errorf("no golden contacts for sample %s", name)
		}
		for _, who := range goldenFor[name] {
			m := render(t, tm, realistic[who])
			base := filepath.Join("testdata", "golden", name+"."+who)
			txt := "Subject: " + m.Subject + "\n\n" + m.Text
			golden(t, base+".txt", txt)
			golden(t, base+".html", m.HTML)
		}
	}
}

// TestSamplesFailClearly: a contact without what a note truly needs (here
// neither a name nor an organization) is refused with the field named,
// and so is a sender whose [identity] has no name.
func TestSamplesFailClearly(t *testing.T) {
	bare := &contact.Contact{Email: "someone@example.test", Kind: "physician"}
	for name, tm := range loadSamples(t) {
		t.Run(name, func(t *testing.T) {
			fes := fieldErrors(t, tm, bare)
			for _, fe := range fes {
				if fe.Contact != bare.Email || fe.Line == 0 || !strings.HasPrefix(fe.Template, samples) {
					t.Errorf("vague error %+v", fe)
				}
			}
			_, err := tm.Render(Input{Contact: realistic["physician"], Sender: Sender{Email: "a@b.example"}})
			var got FieldErrors
			if !errors.As(err, &got) || !strings.Contains(err.Error(), "name in [identity]") {
				t.Errorf("no sender name: %v", err)
			}
		})
	}
}

// forbidden are what must never reach a contact.
var never = []string{"<no value>", "Dear ,", "Hello ,", "Hi ,", " ,", "{{", "}}", " .\n", "  "}

func checkClean(t *testing.T, m *Message) {
	t.Helper()
	checkText(t, "subject", m.Subject)
	checkText(t, "text", m.Text)
	for _, bad := range never[:4] {
		if strings.Contains(m.HTML, bad) {
			t.Errorf("HTML part contains %q", bad)
		}
	}
}

func checkText(t *testing.T, part, s string) {
	t.Helper()
	for _, bad := range never {
		if strings.Contains(s, bad) {
			t.Errorf("%s contains %q:\n%s", part, bad, s)
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

func BenchmarkRenderIntro(b *testing.B) {
	tm, err := Load(samples, "intro-physician")
	if err != nil {
		b.Fatal(err)
	}
	in := Input{Contact: realistic["physician"], Sender: anna}
	for b.Loop() {
		if _, err := tm.Render(in); err != nil {
			b.Fatal(err)
		}
	}
}
