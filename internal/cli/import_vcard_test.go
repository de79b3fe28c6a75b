package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const (
	appleCards  = "../sheet/testdata/apple-contacts.vcf"
	googleCards = "../sheet/testdata/google-contacts.vcf"
	brokenCards = "../sheet/testdata/broken-cards.vcf"
)

func TestImportFromAppleContacts(t *testing.T) {
	u := newUser(t)
	cards := u.path("contacts.vcf")
	apple, _ := os.ReadFile(appleCards)
	os.WriteFile(cards, apple, 0o644)
	out, _, code := u.run("import", cards)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	mustSay(t, out, "imported: contacts.vcf\n  4 cards read: 4 new, 0 updated, 0 unchanged, 0 skipped\n")
	var list []contactOut
	u.json(&list, "contacts", "list")
	if len(list) != 4 {
		t.Fatalf("contacts: %+v", list)
	}
	u.run("contacts", "stage", "dkim@firstchurch.test", "meeting", "--note", "coffee after the breakfast")

	os.WriteFile(cards, []byte(strings.Replace(string(apple), "(217) 555-0101", "(217) 555-0109", 1)), 0o644)
	dry, _, _ := u.run("import", cards, "--dry-run")
	golden(t, "vcard-reimport-dry-run.txt", dry)
	mustSay(t, dry, "0 new, 1 updated, 3 unchanged", "  card 1: Pastor Daniel Kim <dkim@firstchurch.test>\n    phone: (217) 555-0101 → (217) 555-0109\n")
	u.run("import", cards)

	t.Run("the re-import keeps the stage and the history", func(t *testing.T) {
		var kim struct {
			contactOut
			Stage   string
			History []struct{ Type, Detail string }
		}
		u.json(&kim, "contacts", "show", "dkim@firstchurch.test")
		if kim.Phone != "(217) 555-0109" || kim.Stage != "meeting" || len(kim.History) != 3 {
			t.Fatalf("%+v", kim)
		}
		if !strings.Contains(kim.History[1].Detail, "coffee after the breakfast") ||
			kim.History[2].Detail != "imported from contacts.vcf card 1: phone: (217) 555-0101 → (217) 555-0109" {
			t.Errorf("history: %+v", kim.History)
		}
		show, _, _ := u.run("contacts", "show", "dkim@firstchurch.test")
		mustSay(t, show, "Source:        contacts.vcf card 1\n")
	})
}

func TestVCardImportReport(t *testing.T) {
	u := newUser(t)
	t.Run("skipped cards are named, the rest imported", func(t *testing.T) {
		out, _, code := u.run("import", googleCards)
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		mustSay(t, out, "5 cards read: 2 new, 0 updated, 0 unchanged, 3 skipped",
			"Skipped cards (fix them in your address book, export the contacts again and import the new file):\n"+
				"  card 3 (Priya Nair (old)), EMAIL: same email as card 1\n"+
				"  card 4 (Pastor Ruth Olsen): needs an email, or a street, city and postal code for letters\n"+
				`  card 5 (Bob Smith), EMAIL: "bob@smith" is not a valid email address: the domain has no dot`)
	})
	t.Run("the JSON report", func(t *testing.T) {
		out, _, code := u.run("--json", "import", brokenCards)
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		var rep map[string]any
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		for k, want := range map[string]any{"file": "broken-cards.vcf", "format": "vcard", "read": 4.0, "created": 2.0,
			"updated": 0.0, "unchanged": 0.0, "skipped": 2.0, "dry_run": false} {
			if rep[k] != want {
				t.Errorf("%s: %v, want %v", k, rep[k], want)
			}
		}
		errs, _ := json.Marshal(rep["errors"])
		var got []map[string]any
		json.Unmarshal(errs, &got)
		want := []map[string]any{
			{"row": 2.0, "column": "", "contact": "Bo Bell",
				"message": "this card has no END:VCARD line, so where it ends is not clear; fix the card in your address book and export it again"},
			{"row": 4.0, "column": "", "contact": "Di Dunn",
				"message": "the file ends in the middle of this card (its END:VCARD line is missing): the file may have been cut short; export it again"},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("errors: %s", errs)
		}
	})
	t.Run("--map is refused", func(t *testing.T) {
		_, errs, code := u.run("import", filepath.Clean(appleCards), "--map", "Company=organization")
		if code != 3 || !strings.Contains(errs, "import it without --map") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
}
