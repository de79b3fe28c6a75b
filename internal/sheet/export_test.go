package sheet

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
)

func exportSample() []ExportRow {
	sent := time.Date(2024, 3, 14, 9, 30, 0, 0, time.UTC)
	return []ExportRow{
		{Contact: contact.Contact{
			Email: "anna.lee@clinic.test", Title: "Dr.", FirstName: "Anna", LastName: "Lee",
			Organization: "Lee Family Medicine", Kind: "physician", Phone: "+1 555 123 4567",
			Address: contact.Address{Street: "12 Main St, Suite 4", City: "Boston", Region: "MA", PostalCode: "02134", Country: "USA"},
			Tags:    []string{"newsletter", "spring-2024"}, Stage: contact.StageContacted,
			Notes: `=HYPERLINK("http://evil.test","click")`, TimeZone: "America/New_York",
			Fields: map[string]string{"referral_source": "Conference", "front_desk": "Maria"},
		}, LastSent: sent, Referrals: 2},
		{Contact: contact.Contact{
			Email: "zoe@schule.test", FirstName: "Zoë", LastName: "Łukasz-大松", Kind: "other",
			Fields: map[string]string{"kind_original": "Yoga studio"}, Stage: contact.StageNew,
		}, LastReply: sent.Add(48 * time.Hour)},
		{Contact: contact.Contact{
			Organization: "Grace Chapel", Kind: "pastor", Stage: contact.StageNew,
			Address: contact.Address{Street: "4 Oak Ave", City: "Springfield", Region: "MA", PostalCode: "01102"},
		}},
	}
}

var exportKeys = []string{"front_desk", "kind_original", "referral_source"}

func TestExportRoundTrip(t *testing.T) {
	for _, ext := range []string{".xlsx", ".csv"} {
		t.Run("export then import gives the same contacts ("+ext+")", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "contacts"+ext)
			rows := exportSample()
			if err := Export(path, rows, exportKeys); err != nil {
				t.Fatal(err)
			}
			res := readAll(t, path, Options{})
			if len(res.errs) != 0 || len(res.contacts) != len(rows) {
				t.Fatalf("contacts %d errors %v", len(res.contacts), res.errs)
			}
			for i, got := range res.contacts {
				want := rows[i].Contact
				want.Source = contact.Source{File: "contacts" + ext, Row: i + 2}
				if !equalContact(got, want) {
					t.Errorf("row %d:\n got %+v\nwant %+v", i+2, got, want)
				}
			}
		})
	}
}

func TestExportCSVBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "contacts.csv")
	if err := Export(path, exportSample()[:1], exportKeys); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBFEmail,Title,First Name,")) {
		t.Errorf("no BOM or header: %q", b[:40])
	}
	if bytes.Count(b, []byte("\r\n")) != 2 || bytes.Count(b, []byte("\n")) != 2 {
		t.Errorf("want two CRLF lines: %q", b)
	}
	for _, want := range []string{`"'=HYPERLINK(""http://evil.test"",""click"")"`, ",+1 555 123 4567,", ",2024-03-14 09:30,"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("missing %s in %s", want, b)
		}
	}
}

func TestExportXLSXLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "contacts.xlsx")
	if err := Export(path, exportSample(), exportKeys); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "Contacts"
	notes, _ := f.GetCellValue(sheet, "S2")
	if notes != `'=HYPERLINK("http://evil.test","click")` {
		t.Errorf("notes cell = %q", notes)
	}
	if formula, _ := f.GetCellFormula(sheet, "S2"); formula != "" {
		t.Errorf("a formula was written: %q", formula)
	}
	raw, _ := f.GetCellValue(sheet, "P2", excelize.Options{RawCellValue: true})
	shown, _ := f.GetCellValue(sheet, "P2")
	if raw != "45365.395833333336" && !strings.HasPrefix(raw, "45365.39") || shown != "2024-03-14 09:30" {
		t.Errorf("last sent: raw %q shown %q", raw, shown)
	}
	style, _ := f.GetCellStyle(sheet, "A1")
	if st, _ := f.GetStyle(style); st.Font == nil || !st.Font.Bold {
		t.Errorf("header not bold")
	}
	panes, _ := f.GetPanes(sheet)
	if !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("panes = %+v", panes)
	}
	names := f.GetDefinedName()
	if len(names) != 1 || names[0].Name != "_xlnm._FilterDatabase" || !strings.HasSuffix(names[0].RefersTo, "$A$1:$V$4") {
		t.Errorf("autofilter = %+v", names)
	}
}

func TestNeutralize(t *testing.T) {
	tests := []struct{ story, in, want string }{
		{"a formula", `=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"a DDE payload", "@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"plus formula", "+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"minus formula", "-2+3", "'-2+3"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"US phone in international form", "+1 555 123 4567", "+1 555 123 4567"},
		{"German mobile", "+49 151 1234 5678", "+49 151 1234 5678"},
		{"phone with dashes and parentheses", "+1 (555) 123-4567", "+1 (555) 123-4567"},
		{"too short to be a phone", "+12", "'+12"},
		{"negative number", "-12.5", "-12.5"},
		{"a lone dash", "-", "-"},
		{"plain text", "Anna Lee", "Anna Lee"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			if got := Neutralize(tt.in); got != tt.want {
				t.Errorf("Neutralize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestExportNeverHalfWritten(t *testing.T) {
	t.Run("a failing export leaves the old file and no temporary file", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "contacts.xlsx")
		os.WriteFile(path, []byte("the previous export"), 0o600)
		tooWide := make([]string, excelize.MaxColumns) // more columns than a sheet has
		for i := range tooWide {
			tooWide[i] = "f" + strings.Repeat("x", i%7)
		}
		if err := Export(path, exportSample(), tooWide); err == nil {
			t.Fatal("export succeeded")
		}
		assertOnly(t, dir, "contacts.xlsx")
		if b, _ := os.ReadFile(path); string(b) != "the previous export" {
			t.Errorf("old file changed: %q", b)
		}
	})
	t.Run("onto a folder", func(t *testing.T) {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, "out.csv"), 0o755)
		if err := Export(filepath.Join(dir, "out.csv"), exportSample(), nil); err == nil {
			t.Fatal("export succeeded")
		}
		assertOnly(t, dir, "out.csv")
	})
	t.Run("into a read-only folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root writes into read-only folders")
		}
		dir := t.TempDir()
		os.Chmod(dir, 0o555)
		defer os.Chmod(dir, 0o755)
		err := Export(filepath.Join(dir, "contacts.csv"), exportSample(), nil)
		if err == nil || !strings.Contains(err.Error(), "export contacts.csv") {
			t.Fatalf("error = %v", err)
		}
		assertOnly(t, dir)
	})
	t.Run("an unknown extension", func(t *testing.T) {
		err := Export(filepath.Join(t.TempDir(), "contacts.numbers"), nil, nil)
		if err == nil || !strings.Contains(err.Error(), ".xlsx or .csv") {
			t.Errorf("error = %v", err)
		}
	})
}

func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("folder holds %v, want %v", got, names)
	}
}
