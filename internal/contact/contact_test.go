package contact

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"  Lee@Clinic.TEST ":                   "Lee@clinic.test",
		"mailto:frontdesk@clinic.test":         "frontdesk@clinic.test",
		"Dr. Lee <lee@Clinic.test>":            "lee@clinic.test",
		"\"Lee, Anna\" <anna.lee@clinic.test>": "anna.lee@clinic.test",
		"zoë@bücher.example":                   "zoë@xn--bcher-kva.example",
		"pastor.kim@church.test.":              "pastor.kim@church.test",
		"a+referrals@school.test":              "a+referrals@school.test",
	}
	for in, want := range good {
		got, err := NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"", "lee", "lee@", "@clinic.test", "lee@clinic", "lee@@clinic.test",
		"lee smith@clinic.test", "lee@clinic.test\r\nBcc: x@y.z", "lee\x00@clinic.test",
		"lee..x@clinic.test", "lee@-clinic.test", "lee@clinic_test.com"}
	for _, in := range bad {
		if got, err := NormalizeEmail(in); !errors.Is(err, ErrInvalidEmail) {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want ErrInvalidEmail", in, got, err)
		}
	}
}

func TestCheckText(t *testing.T) {
	for _, s := range []string{"Zoë", "Łukasz", "大松", "O'Brien\tMD", ""} {
		if err := CheckText(s); err != nil {
			t.Errorf("CheckText(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"a\nb", "a\rb", "a\x00b", "a\u2028b", "a\x1bb", "\xff"} {
		if CheckText(s) == nil {
			t.Errorf("CheckText(%q) accepted text that must never reach a header", s)
		}
	}
}

func TestSalutation(t *testing.T) {
	cases := []struct {
		c    Contact
		want string
	}{
		{Contact{Title: "Dr.", FirstName: "Anna", LastName: "Lee"}, "Dr. Lee"},
		{Contact{Title: "Pastor", FirstName: "James", LastName: "Kim"}, "Pastor Kim"},
		{Contact{FirstName: "Maria", LastName: "Alvarez"}, "Maria"},
		{Contact{Title: "Dr.", FirstName: "Anna"}, "Anna"},
		{Contact{Title: "Front Desk", FirstName: "Sam", LastName: "Ortiz"}, "Sam"},
		{Contact{LastName: "Ortiz"}, ""},
	}
	for _, tc := range cases {
		if got := tc.c.Salutation(); got != tc.want {
			t.Errorf("%+v.Salutation() = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestTitlesTagsKeysKinds(t *testing.T) {
	if got := NormalizeTitle(" dr "); got != "Dr." {
		t.Errorf("NormalizeTitle(dr) = %q", got)
	}
	if got := NormalizeTitle("Reverend"); got != "Rev." {
		t.Errorf("NormalizeTitle(Reverend) = %q", got)
	}
	if got := NormalizeTitle("Nurse Manager"); got != "Nurse Manager" {
		t.Errorf("unknown titles are kept as typed, got %q", got)
	}
	tags := NormalizeTags([]string{"Pediatrics, School Counselor", "pediatrics", " ", "faith;East Side"})
	if strings.Join(tags, "|") != "east-side|faith|pediatrics|school-counselor" {
		t.Errorf("NormalizeTags = %v", tags)
	}
	for in, want := range map[string]string{"Referral Source": "referral_source", "Zoë's #1": "zoës_1", " Best-Day ": "best_day", "大松 メモ": "大松_メモ"} {
		if got := FieldKey(in); got != want {
			t.Errorf("FieldKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"Physician": "physician", "Pediatrician": "physician", "School Counselor": "school-counselor", "Pastors": "pastor", "LMFT": "therapist"} {
		if got, ok := NormalizeKind(in, DefaultKinds); !ok || got != want {
			t.Errorf("NormalizeKind(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := NormalizeKind("astronaut", DefaultKinds); ok {
		t.Error("an unknown kind must be reported, not guessed")
	}
}

func TestAutoMoveNeverGoesBackwards(t *testing.T) {
	p := DefaultPipeline()
	allowed := [][2]Stage{{StageNew, StageContacted}, {StageContacted, StageReplied}, {StageNew, StageReplied},
		{StageContacted, StageBounced}, {StageReplied, StageOptedOut}}
	for _, m := range allowed {
		if !p.AutoMove(m[0], m[1]) {
			t.Errorf("AutoMove(%s → %s) refused", m[0], m[1])
		}
	}
	refused := [][2]Stage{{StageReplied, StageContacted}, {StagePartner, StageReplied}, {StageBounced, StageReplied},
		{StageOptedOut, StageContacted}, {StageDoNotContact, StageBounced}, {StageReplied, StageReplied}, {StageNew, "nonsense"}}
	for _, m := range refused {
		if p.AutoMove(m[0], m[1]) {
			t.Errorf("AutoMove(%s → %s) allowed; an automatic move never goes backwards or leaves a side stage", m[0], m[1])
		}
	}
}

func TestNewPipeline(t *testing.T) {
	p, err := NewPipeline([]string{"new", "contacted", "replied", "Coffee Visit", "meeting", "partner"}, []string{"bounced", "opted-out", "do-not-contact", "moved away"})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Valid("coffee-visit") || !p.Suppressed("moved-away") {
		t.Errorf("custom stages not kept: %+v", p)
	}
	if _, err := NewPipeline([]string{"new", "replied", "contacted"}, []string{"bounced", "opted-out", "do-not-contact"}); err == nil {
		t.Error("a pipeline with replied before contacted must be refused")
	}
	if _, err := NewPipeline([]string{"new", "contacted", "replied"}, []string{"bounced"}); err == nil {
		t.Error("a pipeline without opted-out must be refused")
	}
}

func TestAddressLines(t *testing.T) {
	a := Address{Street: "12 Elm St", City: "Springfield", Region: "IL", PostalCode: "62701"}
	if got := strings.Join(a.Lines(), " / "); got != "12 Elm St / Springfield, IL 62701" {
		t.Errorf("Lines = %q", got)
	}
	if !a.Complete() || (Address{Street: "12 Elm St", City: "Springfield"}).Complete() {
		t.Error("Complete is wrong")
	}
}

func TestOptOutToken(t *testing.T) {
	for _, id := range []int64{1, 42, 99999} {
		got, ok := ParseOptOutToken(OptOutToken(id))
		if !ok || got != id {
			t.Errorf("token for %d parses to %d, %v", id, got, ok)
		}
	}
	tok := OptOutToken(42)
	bad := tok[:len(tok)-1] + "z"
	if bad == tok {
		bad = tok[:len(tok)-1] + "y"
	}
	if _, ok := ParseOptOutToken(bad); ok {
		t.Errorf("a mistyped token %q matched", bad)
	}
}

func TestCleanMultiline(t *testing.T) {
	got, err := CleanMultiline("\r\n  Met at the  open house\r\n\r\n\r\nBrings cookies\u2028in July  \n")
	if want := "Met at the open house\n\nBrings cookies\nin July"; err != nil || got != want {
		t.Errorf("CleanMultiline = %q, %v; want %q", got, err, want)
	}
	if _, err := CleanMultiline("ok\nbut\x00not this"); err == nil {
		t.Error("a NUL was accepted in a notes cell")
	}
}
