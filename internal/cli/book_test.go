package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

const demoSheet = "../../demo/contacts.csv"

func TestATherapistKeepsHerReferralBook(t *testing.T) {
	u := newUser(t)
	if _, errs, code := u.run("import", demoSheet); code != 0 {
		t.Fatalf("import: %s", errs)
	}

	t.Run("a referral from Pastor Kim, in one line", func(t *testing.T) {
		out, errs, code := u.run("referrals", "add", "pastor.kim@gracechurch.example", "--note", "after the Sunday coffee")
		if code != 0 || !strings.Contains(out, "recorded 1 referral from Pastor Daniel Kim on Mon 2026-11-23") {
			t.Fatalf("exit %d: %s %s", code, out, errs)
		}
		var list []referralJSON
		u.json(&list, "referrals", "list")
		if len(list) != 1 || list[0].Kind != "pastor" || list[0].Date != "2026-11-23" || list[0].Note != "after the Sunday coffee" {
			t.Errorf("list = %+v", list)
		}
	})
	t.Run("the help says no client information is kept", func(t *testing.T) {
		out, _, _ := u.run("referrals", "add", "--help")
		if !strings.Contains(out, "HIPAA") || !strings.Contains(out, "never stores anything about\nthe clients") {
			t.Errorf("help: %s", out)
		}
	})
	t.Run("a referral from someone unknown says how to add them", func(t *testing.T) {
		_, errs, code := u.run("referrals", "add", "nobody@nowhere.example")
		if code != 1 || !strings.Contains(errs, "contacts add") {
			t.Errorf("exit %d: %s", code, errs)
		}
	})
	t.Run("the colleague met at lunch, without a spreadsheet", func(t *testing.T) {
		out, errs, code := u.run("contacts", "add", "--email", " Dana@Riverbend-Therapy.example ", "--first-name", "Dana",
			"--last-name", "Ruiz", "--kind", "LMFT", "--tag", "EMDR", "--set", "languages=Spanish", "--set", "specialty=Adolescents",
			"--stage", "meeting")
		if code != 0 || !strings.Contains(out, "Dana Ruiz") {
			t.Fatalf("exit %d: %s %s", code, out, errs)
		}
		var c contactJSON
		u.json(&c, "contacts", "show", "dana@riverbend-therapy.example")
		if c.Email != "Dana@riverbend-therapy.example" || c.Kind != "therapist" || c.Stage != "meeting" ||
			c.Fields["languages"] != "Spanish" || strings.Join(c.Tags, ",") != "emdr" {
			t.Errorf("contact = %+v", c)
		}
	})
	t.Run("adding her twice, or with a broken field, changes nothing", func(t *testing.T) {
		_, errs, code := u.run("contacts", "add", "--email", "dana@riverbend-therapy.example")
		if code != 3 || !strings.Contains(errs, "already in your contacts") || !strings.Contains(errs, "contacts edit") {
			t.Errorf("duplicate: exit %d: %s", code, errs)
		}
		_, errs, code = u.run("contacts", "add", "--email", "x@y.example", "--first-name", "Eve\r\nBcc: all@y.example", "--kind", "plumber")
		if code != 3 || !strings.Contains(errs, "--first-name") || !strings.Contains(errs, "plumber") {
			t.Errorf("bad fields: exit %d: %s", code, errs)
		}
		if _, _, code := u.run("contacts", "show", "x@y.example"); code == 0 {
			t.Error("a refused contact was stored")
		}
	})
	t.Run("who speaks Spanish and does EMDR?", func(t *testing.T) {
		out, _, code := u.run("contacts", "find", "EMDR", "spanish")
		if code != 0 || !strings.Contains(out, "Dana Ruiz") || !strings.Contains(out, "1 contact matches") {
			t.Errorf("find: %s", out)
		}
		var list []contactJSON
		u.json(&list, "contacts", "find", "adolescent", "--kind", "therapist")
		if len(list) != 1 || list[0].FirstName != "Dana" {
			t.Errorf("adolescent therapists: %+v", list)
		}
		u.json(&list, "contacts", "find", "LUKASZ")
		if len(list) != 1 || list[0].FirstName != "Łukasz" {
			t.Errorf("accents: %+v", list)
		}
	})
	t.Run("an edit shows old → new and is in the history", func(t *testing.T) {
		out, _, code := u.run("contacts", "edit", "dana@riverbend-therapy.example", "--set", "languages=Spanish, Portuguese", "--set", "phone=555-010-7777")
		if code != 0 || !strings.Contains(out, "languages: Spanish → Spanish, Portuguese") || !strings.Contains(out, "phone: 555-010-7777") {
			t.Errorf("edit: %s", out)
		}
		u.run("contacts", "log", "dana@riverbend-therapy.example", "lunch", "at", "the", "Greek", "place", "--date", "yesterday")
		var c contactJSON
		u.json(&c, "contacts", "show", "dana@riverbend-therapy.example")
		types := []string{}
		for _, e := range c.History {
			types = append(types, e.Type+": "+e.Detail)
		}
		joined := strings.Join(types, "\n")
		if !strings.Contains(joined, "logged: by you: lunch at the Greek place") || !strings.Contains(joined, "updated: edited by you: languages") {
			t.Errorf("history:\n%s", joined)
		}
	})
	t.Run("the report says who sent what, and who is due for cookies", func(t *testing.T) {
		// Both became partners two years ago; only Dr. Alvarez's office
		// got cookies since.
		now := u.now
		u.now = now.AddDate(-2, 0, 0)
		u.run("contacts", "stage", "frontdesk@lakeside-obgyn.example", "partner")
		u.run("contacts", "stage", "malvarez@elmpeds.example", "partner")
		u.now = now
		u.run("contacts", "log", "malvarez@elmpeds.example", "cookies", "--date", "2026-11-20")
		var r struct {
			Referrals []struct {
				Source string
				Count  int
			}
			ByKind []struct {
				Kind  string
				Count int
			} `json:"referrals_by_kind"`
			Due []struct{ Email string } `json:"due_for_touch"`
		}
		u.json(&r, "report", "--since", "this-quarter")
		if len(r.Referrals) != 1 || r.Referrals[0].Source != "Pastor Daniel Kim" || r.ByKind[0].Kind != "pastor" {
			t.Errorf("referrals: %+v", r)
		}
		if len(r.Due) != 1 || r.Due[0].Email != "frontdesk@lakeside-obgyn.example" {
			t.Errorf("due: %+v", r.Due)
		}
		out, _, _ := u.run("touch")
		if !strings.Contains(out, "Lakeside OB/GYN") || !strings.Contains(out, "1 contact due for a touch") {
			t.Errorf("touch: %s", out)
		}
		xlsx := filepath.Join(u.dir, "report.xlsx")
		if out, errs, code := u.run("report", "--xlsx", xlsx); code != 0 || !strings.Contains(out, "8 sheets") {
			t.Fatalf("xlsx: %d %s %s", code, out, errs)
		}
		f, err := excelize.OpenFile(xlsx)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if v, _ := f.GetCellValue("Referrals by source", "A4"); v != "Pastor Daniel Kim" {
			t.Errorf("xlsx source = %q", v)
		}
	})
	t.Run("a backup while it runs, never over an existing file", func(t *testing.T) {
		path := filepath.Join(u.dir, "backup.db")
		if _, errs, code := u.run("backup", path); code != 0 {
			t.Fatalf("backup: %s", errs)
		}
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("backup file: %v %v", fi, err)
		}
		if _, errs, code := u.run("backup", path); code != 3 || !strings.Contains(errs, "--force") {
			t.Errorf("second backup: %d %s", code, errs)
		}
	})
}

func TestForgetThenReimportTheSameSheet(t *testing.T) {
	u := newUser(t)
	u.run("import", demoSheet)
	u.run("contacts", "stage", "jokafor@riverside-fm.example", "opted-out")

	_, errs, code := u.run("contacts", "forget", "jokafor@riverside-fm.example")
	if code != 2 || !strings.Contains(errs, "--yes") {
		t.Fatalf("without --yes: %d %s", code, errs)
	}
	if out, errs, code := u.run("contacts", "forget", "jokafor@riverside-fm.example", "--yes"); code != 0 || !strings.Contains(out, "forgotten") {
		t.Fatalf("forget: %d %s %s", code, out, errs)
	}
	if _, _, code := u.run("contacts", "show", "jokafor@riverside-fm.example"); code == 0 {
		t.Fatal("the forgotten contact is still there")
	}
	if _, errs, code := u.run("import", demoSheet); code != 0 {
		t.Fatalf("re-import: %s", errs)
	}
	var c contactJSON
	u.json(&c, "contacts", "show", "jokafor@riverside-fm.example")
	if c.Stage != "do-not-contact" {
		t.Fatalf("back as %q", c.Stage)
	}
	t.Run("no note is ever planned for them", func(t *testing.T) {
		u.run("campaigns", "start", "intro-physicians")
		for _, when := range []time.Time{u.now, u.now.AddDate(0, 1, 0), u.now.AddDate(1, 0, 0)} {
			u.now = when
			var plan []struct {
				Contact string
				Due     bool
			}
			u.json(&plan, "campaigns", "plan", "intro-physicians")
			for _, p := range plan {
				if strings.EqualFold(p.Contact, "jokafor@riverside-fm.example") && p.Due {
					t.Errorf("%s: a note is planned for the forgotten person", when)
				}
			}
			if len(plan) == 0 {
				t.Fatal("the plan is empty: the test proves nothing")
			}
		}
	})
}
