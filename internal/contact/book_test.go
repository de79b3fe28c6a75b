package contact

import (
	"strings"
	"testing"
	"time"
)

func TestParseInterval(t *testing.T) {
	good := map[string]Interval{"12 months": {Months: 12}, "3 months": {Months: 3}, "1 year": {Years: 1},
		"6 weeks": {Days: 42}, "90 days": {Days: 90}, "12m": {Months: 12}, " 2 Weeks ": {Days: 14}, "1y": {Years: 1}}
	for in, want := range good {
		if got, err := ParseInterval(in); err != nil || got != want {
			t.Errorf("ParseInterval(%q) = %+v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "months", "0 months", "-3 months", "3 moons", "1.5 years", "12"} {
		if _, err := ParseInterval(in); err == nil {
			t.Errorf("ParseInterval(%q) accepted", in)
		}
	}
	if s := (Interval{Months: 12}).String(); s != "12 months" {
		t.Errorf("String = %q", s)
	}
}

func TestKeepInTouchRules(t *testing.T) {
	r := &TouchRules{Default: Interval{Years: 1}, Kinds: map[string]Interval{"physician": {Months: 12}, "therapist": {Months: 6}},
		Tags: map[string]Interval{"close-colleague": {Months: 3}, "conference-friend": {Months: 2}}}
	now := time.Date(2027, 7, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		c    Contact
		last time.Time
		rule string
		due  bool
	}{
		{"the physicians' office visited last July is due again this July", Contact{Kind: "physician", Stage: StagePartner},
			time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC), "kind physician", true},
		{"a colleague seen in May is not", Contact{Kind: "therapist", Stage: StageMeeting}, time.Date(2027, 5, 1, 0, 0, 0, 0, time.UTC),
			"kind therapist", false},
		{"a close colleague beats the therapist rule", Contact{Kind: "therapist", Stage: StageMeeting, Tags: []string{"close-colleague"}},
			time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC), "tag close-colleague", true},
		{"of two tags the shorter wins", Contact{Stage: StageMeeting, Tags: []string{"close-colleague", "conference-friend"}},
			time.Date(2027, 4, 15, 0, 0, 0, 0, time.UTC), "tag conference-friend", true},
		{"nobody else: the default", Contact{Kind: "pastor", Stage: StagePartner}, time.Time{}, "default", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := r.TouchFor(&tc.c, tc.last, now)
			if !ok || got.Rule != tc.rule || got.Due != tc.due {
				t.Errorf("TouchFor = %+v, %v", got, ok)
			}
		})
	}
	t.Run("a new contact is not kept in touch with", func(t *testing.T) {
		if _, ok := r.TouchFor(&Contact{Kind: "physician", Stage: StageNew}, time.Time{}, now); ok {
			t.Error("a new contact is due for a touch")
		}
	})
	t.Run("no rules, nobody due", func(t *testing.T) {
		var none *TouchRules
		if _, ok := none.TouchFor(&Contact{Stage: StagePartner}, time.Time{}, now); ok || !none.Empty() {
			t.Error("nil rules made someone due")
		}
	})
}

func TestFoldAndSearchTerms(t *testing.T) {
	for in, want := range map[string]string{"Zoë": "zoe", "Łukasz Nowak": "lukasz nowak", "EMDR-trained, Spanish!": "emdr trained spanish",
		"Straße": "strasse", "  Ob/Gyn ": "ob gyn", "大松": "大松"} {
		if got := FoldAccents(in); got != want {
			t.Errorf("FoldAccents(%q) = %q, want %q", in, got, want)
		}
	}
	terms := SearchTerms([]string{"EMDR", "español", "ob-gyn", "emdr", "--"})
	if strings.Join(terms, "|") != " emdr| espanol| ob gyn" {
		t.Errorf("terms = %q", terms)
	}
	c := &Contact{FirstName: "Dana", Tags: []string{"emdr"}, Fields: map[string]string{"languages": "Spanish"}, Notes: "EMDR since 2019"}
	text := SearchText(c)
	for _, term := range SearchTerms([]string{"emdr", "spanish", "languages", "dana"}) {
		if !strings.Contains(text, term) {
			t.Errorf("%q not in %q", term, text)
		}
	}
	if got := Matched(c, SearchTerms([]string{"EMDR"})); strings.Join(got, "; ") != "tags: emdr; notes: EMDR since 2019" {
		t.Errorf("Matched = %q", got)
	}
}

func TestSetFieldsAsTyped(t *testing.T) {
	c := &Contact{Email: "lee@clinic.test", Fields: map[string]string{"best_day": "Tuesday"}}
	steps := []struct{ field, value, change string }{
		{"first-name", " Anna  ", "first_name: Anna"},
		{"title", "dr", "title: Dr."},
		{"kind", "Pediatrician", "kind: physician"},
		{"Languages", "Spanish", "languages: Spanish"},
		{"fields.best_day", "", "best_day: Tuesday → (cleared)"},
		{"zip", "62701", "postal_code: 62701"},
		{"email", "Anna.Lee@CLINIC.test", "email: lee@clinic.test → Anna.Lee@clinic.test"},
		{"tags", "EMDR, Couples", "tags: couples, emdr"},
		{"first_name", "Anna", ""},
	}
	for _, s := range steps {
		got, err := c.Set(s.field, s.value, nil)
		if err != nil || got != s.change {
			t.Errorf("Set(%s=%q) = %q, %v; want %q", s.field, s.value, got, err, s.change)
		}
	}
	for _, bad := range [][2]string{{"stage", "partner"}, {"kind", "plumber"}, {"organization", "a\nb"}, {"email", "lee@"},
		{"timezone", "Mars/Olympus"}, {"fields.", "x"}, {"!!", "x"}} {
		if _, err := c.Set(bad[0], bad[1], nil); err == nil {
			t.Errorf("Set(%s=%q) accepted", bad[0], bad[1])
		}
	}
	if added := c.AddTags([]string{"EMDR", "Close Colleague"}); strings.Join(added, ",") != "close-colleague" {
		t.Errorf("AddTags = %v", added)
	}
	if removed := c.RemoveTags([]string{"couples", "nothing"}); strings.Join(removed, ",") != "couples" ||
		strings.Join(c.Tags, ",") != "close-colleague,emdr" {
		t.Errorf("RemoveTags = %v, tags %v", removed, c.Tags)
	}
	if err := (&Contact{FirstName: "X"}).Reachable(); err == nil {
		t.Error("a contact without email or address is reachable")
	}
}
