package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// user runs rapport commands in a folder, as a person at a terminal would.
type user struct {
	t   *testing.T
	dir string
	now time.Time
	env func(*Env) // changes the environment of every command, when set
}

func newUser(t *testing.T) *user {
	u := &user{t: t, dir: t.TempDir(), now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	if _, _, code := u.run("init", u.dir); code != 0 {
		t.Fatal("init failed")
	}
	return u
}

func (u *user) run(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: func() time.Time { return u.now },
		Getenv: func(k string) string {
			if k == "RAPPORT_CONFIG" {
				return filepath.Join(u.dir, "rapport.toml")
			}
			return ""
		}}
	if u.env != nil {
		u.env(&env)
	}
	code = RunEnv(context.Background(), env, args)
	return out.String(), errb.String(), code
}

func (u *user) json(v any, args ...string) {
	u.t.Helper()
	out, errs, code := u.run(append([]string{"--json"}, args...)...)
	if code != 0 {
		u.t.Fatalf("rapport %v: exit %d: %s", args, code, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		u.t.Fatalf("rapport %v: stdout is not JSON: %v\n%s", args, err, out)
	}
}

func TestInitNeverOverwrites(t *testing.T) {
	u := newUser(t)
	cfg := filepath.Join(u.dir, "rapport.toml")
	os.WriteFile(cfg, []byte("# mine\n"), 0o600)
	out, _, code := u.run("init", u.dir)
	if code != 0 || !strings.Contains(out, "kept") {
		t.Fatalf("second init: %d %s", code, out)
	}
	if b, _ := os.ReadFile(cfg); string(b) != "# mine\n" {
		t.Error("init overwrote the user's config")
	}
}

func TestImportAMessySpreadsheetAndReimport(t *testing.T) {
	u := newUser(t)
	var rep struct {
		Read, Created, Updated, Unchanged, Skipped int
		Errors                                     []struct {
			Row     int
			Column  string
			Message string
		}
	}
	u.json(&rep, "import", "testdata/messy.csv", "--tag", "2026", "--dry-run")
	if rep.Created != 2 || rep.Skipped != 2 {
		t.Fatalf("dry run: %+v", rep)
	}
	var list []map[string]any
	u.json(&list, "contacts", "list")
	if len(list) != 0 {
		t.Fatalf("a dry run stored %d contacts", len(list))
	}
	u.json(&rep, "import", "testdata/messy.csv", "--tag", "2026")
	if rep.Read != 4 || rep.Created != 2 || rep.Skipped != 2 || len(rep.Errors) != 2 {
		t.Fatalf("import: %+v", rep)
	}
	if rep.Errors[0].Row != 6 || rep.Errors[1].Row != 7 || !strings.Contains(rep.Errors[1].Message, "row 4") {
		t.Errorf("row errors must carry the spreadsheet's row numbers: %+v", rep.Errors)
	}
	u.run("contacts", "stage", "lee@clinic.test", "meeting", "--note", "coffee on Tuesday")
	u.json(&rep, "import", "testdata/messy.csv")
	if rep.Created != 0 || rep.Unchanged != 2 {
		t.Errorf("re-import: %+v", rep)
	}
	var lee struct {
		Stage   string
		Kind    string
		Tags    []string
		Fields  map[string]string
		History []struct{ Type, Detail string }
	}
	u.json(&lee, "contacts", "show", "LEE@clinic.test")
	if lee.Stage != "meeting" || lee.Kind != "physician" || lee.Fields["best_day"] != "Tuesday" || len(lee.Tags) != 1 {
		t.Errorf("contact after re-import: %+v", lee)
	}
	if len(lee.History) != 2 || !strings.Contains(lee.History[1].Detail, "coffee on Tuesday") {
		t.Errorf("history: %+v", lee.History)
	}
}

func TestExportKeepsStagesAndNeutralizesFormulas(t *testing.T) {
	u := newUser(t)
	u.run("import", "testdata/messy.csv")
	path := filepath.Join(u.dir, "out.csv")
	if _, errs, code := u.run("contacts", "export", path); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(strings.ToLower(string(b)), "lee@clinic.test") || !strings.Contains(string(b), "Stage") {
		t.Errorf("export:\n%s", b)
	}
	if _, _, code := u.run("contacts", "export", filepath.Join(u.dir, "out.pdf")); code != 2 {
		t.Errorf("export to .pdf: exit %d, want 2", code)
	}
}

func TestExitCodesAndMessages(t *testing.T) {
	u := newUser(t)
	if _, _, code := u.run("nonsense"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
	if _, errs, code := u.run("contacts", "show", "nobody@clinic.test"); code != 1 || !strings.HasPrefix(errs, "rapport: contacts show: ") {
		t.Errorf("unknown contact: exit %d %q", code, errs)
	}
	if _, _, code := u.run("contacts", "stage", "x@clinic.test", "sideways"); code != 2 {
		t.Errorf("unknown stage: exit %d", code)
	}
	cfg := filepath.Join(u.dir, "rapport.toml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(b), "[smtp]\nhost", "[smtp]\nhots", 1)), 0o600)
	_, errs, code := u.run("check", "--offline")
	if code != 3 || !strings.Contains(errs, "smtp.hots") || !strings.Contains(errs, "line ") {
		t.Errorf("a typo in the config: exit %d %q", code, errs)
	}
	out, _, code := u.run("import", "--help")
	if code != 0 || !strings.Contains(out, "Example:") {
		t.Errorf("help: %d %q", code, out)
	}
}

func TestJSONStdoutCarriesOnlyJSON(t *testing.T) {
	u := newUser(t)
	out, _, _ := u.run("--json", "import", "testdata/messy.csv")
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Errorf("stdout with --json: %v\n%s", err, out)
	}
}

func TestDemoRunsTheWholeLoop(t *testing.T) {
	var out bytes.Buffer
	code := RunEnv(context.Background(), Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}, []string{"demo"})
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out.String())
	}
	for _, want := range []string{"2 skipped", "7 sent", "bounce      hbecker@closed-practice.example  contacted → bounced",
		"reply       malvarez@elmpeds.example         contacted → replied", "auto-reply", "opted-out",
		"4 notes due of 7 contacts", "6 invited: 2 coming, 1 not coming, 0 maybe", "Tom Reyes, Reyes Couples Therapy <tom@reyescouples.example> (by email",
		"Meet & Greet for Local Clinicians (", "): accepted"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo does not show %q:\n%s", want, out.String())
		}
	}
}

func TestListByCampaign(t *testing.T) {
	u := newUser(t)
	u.run("import", "testdata/messy.csv")
	var list []struct{ Email string }
	u.json(&list, "contacts", "list", "--campaign", "intro-physicians")
	if len(list) != 1 || !strings.EqualFold(list[0].Email, "lee@clinic.test") {
		t.Errorf("the physicians' campaign lists %+v", list)
	}
	if _, _, code := u.run("contacts", "list", "--campaign", "nope"); code != 2 {
		t.Errorf("unknown campaign: exit %d", code)
	}
}
