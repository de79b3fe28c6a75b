package sheet

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"rapport/internal/contact"
)

var update = flag.Bool("update", false, "remake the generated fixtures in testdata and rewrite the golden files")

// TestGolden reads every fixture in testdata and compares what the Reader
// made of it with testdata/golden/NAME.json. The hand-written CSVs are
// committed as typed; the binary ones (XLSX, Windows-1252, UTF-16) are made
// by makeFixtures, run with -update (see go:generate in doc.go).
func TestGolden(t *testing.T) {
	if *update {
		makeFixtures(t)
	}
	files, _ := filepath.Glob("testdata/*.*")
	if len(files) < 6 {
		t.Fatalf("fixtures missing: %v", files)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			got := summarize(readAll(t, path, Options{}))
			golden := filepath.Join("testdata", "golden", filepath.Base(path)+".json")
			if *update {
				os.MkdirAll(filepath.Dir(golden), 0o755)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -run TestGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", path, golden, got)
			}
		})
	}
}

// summary is what a golden file holds: what the user would see.
type summary struct {
	Sheet      string           `json:"sheet,omitempty"`
	Encoding   string           `json:"encoding,omitempty"`
	Read       int              `json:"read"`
	Columns    []Column         `json:"columns"`
	OtherKinds []OtherKind      `json:"other_kinds,omitempty"`
	Contacts   []map[string]any `json:"contacts"`
	Errors     []*RowError      `json:"errors"`
	Warnings   []RowError       `json:"warnings"`
}

func summarize(res result) []byte {
	s := summary{Sheet: res.r.Sheet(), Encoding: res.r.Encoding(), Read: res.r.Read(), Columns: res.r.Columns(),
		OtherKinds: res.r.OtherKinds(), Errors: res.errs, Warnings: res.r.Warnings()}
	for _, c := range res.contacts {
		s.Contacts = append(s.Contacts, contactMap(c))
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	return append(b, '\n')
}

// contactMap keeps the fields that are set, named as in the contract.
func contactMap(c contact.Contact) map[string]any {
	m := map[string]any{"row": c.Source.Row}
	for k, v := range map[string]string{
		"email": c.Email, "first_name": c.FirstName, "last_name": c.LastName, "title": c.Title,
		"organization": c.Organization, "kind": c.Kind, "phone": c.Phone, "stage": string(c.Stage),
		"notes": c.Notes, "timezone": c.TimeZone, "street": c.Address.Street, "city": c.Address.City,
		"region": c.Address.Region, "postal_code": c.Address.PostalCode, "country": c.Address.Country,
	} {
		if v != "" {
			m[k] = v
		}
	}
	if len(c.Tags) > 0 {
		m["tags"] = c.Tags
	}
	if len(c.Fields) > 0 {
		m["fields"] = c.Fields
	}
	return m
}

func makeFixtures(t *testing.T) {
	german := "E-Mail;Anrede;Vorname;Nachname;Praxis;Straße;PLZ;Ort\r\n" +
		"mueller@praxis-mueller.test;Dr.;Jürgen;Müller;Praxis Müller;Hauptstraße 5;01067;Dresden\r\n" +
		"zoe@beratung.test;Frau;Zoë;Weiß;Beratungsstelle Süd;;;\r\n"
	cp, err := charmap.Windows1252.NewEncoder().Bytes([]byte(german))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile("testdata/german-excel.csv", cp, 0o644)
	unicodeText := "Email\tName\tOrganization\tCity\r\nomatsu@example.jp\t大松 太郎\t大松クリニック\t東京\r\nlukasz@example.pl\tŁukasz Wiśniewski\tPoradnia\tKraków\r\n"
	os.WriteFile("testdata/unicode-text.txt", utf16LE(t, unicodeText, true), 0o644)
	makeReferralsXLSX(t, "testdata/referrals.xlsx")
	makeTherapistXLSX(t, "testdata/therapist-contacts.xlsx")
	makeClinicsCSV(t, "testdata/clinics-export.csv")
}

// makeReferralsXLSX builds a workbook the way users' files look: a title
// row, a header merged over two rows, dates, numbers for phones and zips,
// a formula, and the usual mistakes.
func makeReferralsXLSX(t *testing.T, path string) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "Referrals")
	sw, _ := f.NewStreamWriter("Referrals")
	zipFmt, dateFmt := "00000", "m/d/yyyy"
	zipStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &zipFmt})
	dateStyle, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFmt})
	zip := func(v int) excelize.Cell { return excelize.Cell{StyleID: zipStyle, Value: v} }
	date := func(y, m, d int) excelize.Cell {
		return excelize.Cell{StyleID: dateStyle, Value: time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)}
	}
	rows := [][]any{
		{"Referral sources — updated March 2024"},
		{},
		{"Contact", "E-mail", "Practice", "Type", "Office Phone", "Mailing address", nil, nil, nil, "Last Visit", "Referral Source"},
		{nil, nil, nil, nil, nil, "Street", "City", "State", "Zip", nil, nil},
		{"Dr. Anna Lee", "anna.lee@leefamilymed.test", "Lee Family Medicine", "Pediatrics", 6175550100, "12 Main St", "Boston", "MA", zip(2134), date(2024, 3, 14), "Conference"},
		{"Pastor Kim ", "kim@firstchurch.test", "First Church", "Church", "+1 617 555 0101", "1 Church Rd", "Cambridge", "MA", zip(2139), date(2023, 11, 2), excelize.Cell{Formula: `CONCAT("Open ","house")`, Value: "Open house"}},
		{"Zoë Adler", "ZOE@Schule.test", "Riverside Middle School", "School counselor", nil, nil, nil, nil, nil, nil, "Colleague"},
		{"Zoe Adler", "zoe@schule.test", "Riverside Middle School", "School counselor"},
		{"Łukasz Wiśniewski", "lukasz@poradnia.test", "Poradnia Rodzinna", "Therapist\u00a0", nil, "ul. Długa 5", "Chicago", "IL", zip(60601)},
		{"大松 太郎", "omatsu@clinic.test", "大松クリニック", "Physician"},
		{"Grace Chapel", nil, "Grace Chapel", "Church", nil, "4 Oak Ave", "Springfield", "MA", zip(1102)},
		{"Bob Smith", "bob@smith", "Smith Clinic"},
		{"Dana Reyes", "dana@lincoln.test", "Lincoln High", "school", nil, "9 School St\nRoom 4", "Quincy", "MA", zip(2169)},
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range [][2]string{{"A3", "A4"}, {"B3", "B4"}, {"C3", "C4"}, {"D3", "D4"}, {"E3", "E4"}, {"F3", "I3"}, {"J3", "J4"}, {"K3", "K4"}} {
		sw.MergeCell(m[0], m[1])
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}
