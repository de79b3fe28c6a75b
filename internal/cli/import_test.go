package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	workbook   = "../sheet/testdata/therapist-contacts.xlsx" // 39 rows kept by hand: see sheet/fixtures_test.go
	windowsCSV = "../sheet/testdata/clinics-export.csv"      // some of the same people, saved by Excel on Windows
)

// golden compares what the user saw with testdata/NAME, rewritten with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n%s", path, got)
	}
}

// mustSay checks lines the user must read, whatever the golden file says.
func mustSay(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("output lacks %q:\n%s", l, out)
		}
	}
}

type contactOut struct {
	Email        string
	FirstName    string `json:"first_name"`
	Organization string
	Kind         string
	Phone        string
	Notes        string
	Address      struct {
		Street     string
		City       string
		PostalCode string `json:"postal_code"`
	}
	Fields  map[string]string
	Missing bool `json:"missing_from_source"`
}

func TestASecondSpreadsheetLosesNothing(t *testing.T) {
	u := newUser(t)
	var rep struct {
		Read, Created, Skipped int
		OtherKinds             []struct {
			Row  int
			Word string
		} `json:"other_kinds"`
	}
	u.json(&rep, "import", workbook)
	if rep.Read != 38 || rep.Created != 34 || rep.Skipped != 4 || len(rep.OtherKinds) != 4 {
		t.Fatalf("workbook: %+v", rep)
	}
	show := func(email string) contactOut {
		var c contactOut
		u.json(&c, "contacts", "show", email)
		return c
	}
	t.Run("the workbook as she typed it", func(t *testing.T) {
		becker := show("tom.becker@elmpeds.test")
		if becker.Organization != "Elm Street Pediatrics" || becker.Address.Street != "410 Elm St" || becker.Kind != "physician" {
			t.Errorf("a practice merged down its doctors' rows: %+v", becker)
		}
		lee := show("dr.lee@clinic.test")
		if lee.Kind != "physician" || lee.Address.City != "Springfield" || lee.Address.PostalCode != "62703" ||
			lee.Notes != "Met at the fall open house\nAsked for our brochure" {
			t.Errorf("family doc, one-cell address, notes over two lines: %+v", lee)
		}
	})
	dry, _, code := u.run("import", windowsCSV, "--dry-run")
	if code != 0 {
		t.Fatalf("dry run: exit %d", code)
	}
	golden(t, "reimport-dry-run.txt", dry)
	mustSay(t, dry, "1 new, 2 updated, 2 unchanged",
		"row 2: Dr. Grace Lee <dr.lee@clinic.test>",
		`    phone: kept "2175550142" (this file says "(217) 555-0199")`,
		`    notes: kept "Met at the fall open house ↵ Asked for our brochure" (this file says "call on Tuesdays")`,
		"row 4: Mr. Luis Ortega <lortega@shs.test>\n    phone: 217-555-0185\n",
		"3 values not taken: those contacts came from therapist-contacts.xlsx. To take this file's values, import it again with --overwrite.")
	u.run("import", windowsCSV)
	t.Run("the second file fills gaps and changes nothing typed", func(t *testing.T) {
		lee := show("DR.LEE@clinic.test")
		if lee.Email != "dr.lee@clinic.test" || lee.Phone != "2175550142" || lee.Fields["date_met"] != "2025-10-02" ||
			!strings.HasPrefix(lee.Notes, "Met at the fall open house") {
			t.Errorf("after the CSV: %+v", lee)
		}
		if ortega := show("lortega@shs.test"); ortega.Email != "lortega@shs.test" || ortega.Phone != "217-555-0185" {
			t.Errorf("an empty phone is filled: %+v", ortega)
		}
	})
	t.Run("--overwrite lists what it would replace, then replaces it", func(t *testing.T) {
		out, _, _ := u.run("import", windowsCSV, "--overwrite", "--dry-run")
		golden(t, "reimport-overwrite-dry-run.txt", out)
		mustSay(t, out, "    phone: 2175550142 → (217) 555-0199\n",
			"    notes: Testing and assessment → Testing and assessment ↵ Also sees adolescents\n")
		u.run("import", windowsCSV, "--overwrite")
		if lee := show("dr.lee@clinic.test"); lee.Phone != "(217) 555-0199" || lee.Fields["date_met"] != "2025-10-02" || lee.Email != "dr.lee@clinic.test" {
			t.Errorf("after --overwrite: %+v", lee)
		}
	})
}

func TestKindAliasesFromTheConfig(t *testing.T) {
	u := newUser(t)
	out, _, _ := u.run("import", workbook, "--dry-run")
	mustSay(t, out, "4 rows would be imported with kind \"other\"", `  "Front desk": row 6 Janet Ruiz`,
		`    "Front desk" = "KIND"`)
	cfg := filepath.Join(u.dir, "rapport.toml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(b), `# "Front desk" = "physician"`, `"Front desk" = "physician"`, 1)), 0o600)
	var rep struct {
		OtherKinds []struct{ Word string } `json:"other_kinds"`
	}
	u.json(&rep, "import", workbook)
	if len(rep.OtherKinds) != 3 {
		t.Errorf("other kinds: %+v", rep.OtherKinds)
	}
	var janet contactOut
	u.json(&janet, "contacts", "show", "frontdesk@elmpeds.test")
	if janet.Kind != "physician" {
		t.Errorf("janet: %+v", janet)
	}
}

func TestManualImportOfASourceFlagsRemovedRows(t *testing.T) {
	u := newUser(t)
	cfg := filepath.Join(u.dir, "rapport.toml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(b, "\n[[sources]]\npath = \"sources.csv\"\ntags = [\"sheet\"]\n"...), 0o600)
	sheet := filepath.Join(u.dir, "sources.csv")
	os.WriteFile(sheet, []byte("Email,Name,Type\nann@a.test,Ann Ames,GP\nbo@b.test,Bo Bell,Priest\ncy@c.test,Cy Cole,LCSW\n"), 0o644)
	u.run("import", sheet)
	os.WriteFile(sheet, []byte("Email,Name,Type\nann@a.test,Ann Ames,GP\ncy@c.test,Cy Cole,LCSW\n"), 0o644)
	dry, _, _ := u.run("import", sheet, "--dry-run")
	mustSay(t, dry, "No longer in sources.csv; they would be kept, with their history, marked \"missing from its sheet\", and sent nothing until their rows are back:\n  Bo Bell <bo@b.test> (was row 3)")
	var rep struct {
		Missing []struct{ Email string }
	}
	u.json(&rep, "import", sheet)
	if len(rep.Missing) != 1 || rep.Missing[0].Email != "bo@b.test" {
		t.Fatalf("missing: %+v", rep.Missing)
	}
	var list []contactOut
	u.json(&list, "contacts", "list")
	if len(list) != 3 || !list[1].Missing || list[0].Missing {
		t.Errorf("contacts list --json: %+v", list)
	}
	out, _, _ := u.run("contacts", "list")
	mustSay(t, out, "new (missing from its sheet)",
		"1 contact is missing from the spreadsheet it came from (sources.csv)")
	t.Run("another file flags no one", func(t *testing.T) {
		other := filepath.Join(u.dir, "other.csv")
		os.WriteFile(other, []byte("Email,Name\nann@a.test,Ann Ames\n"), 0o644)
		u.json(&rep, "import", other)
		if len(rep.Missing) != 0 {
			t.Errorf("a file that is not a source flagged %+v", rep.Missing)
		}
	})
	t.Run("the row comes back", func(t *testing.T) {
		os.WriteFile(sheet, []byte("Email,Name,Type\nann@a.test,Ann Ames,GP\nbo@b.test,Bo Bell,Priest\ncy@c.test,Cy Cole,LCSW\n"), 0o644)
		out, _, _ := u.run("import", sheet)
		mustSay(t, out, "  row 3: Bo Bell <bo@b.test>\n    back in the sheet: no longer marked missing from it")
	})
}
