package sheet

import (
	"archive/zip"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
)

func TestXLSXStories(t *testing.T) {
	t.Run("title row and blank row above the header", func(t *testing.T) {
		p := newBook(t).sheet("Sheet1",
			[]any{"Referral contacts 2024"},
			[]any{},
			[]any{"E-mail", "First", "Surname", "Practice"},
			[]any{"lee@clinic.test", "Anna", "Lee", "Lee Family Medicine"},
		).save("title.xlsx")
		res := readAll(t, p, Options{})
		want := contact.Contact{Email: "lee@clinic.test", FirstName: "Anna", LastName: "Lee",
			Organization: "Lee Family Medicine", Source: contact.Source{File: "title.xlsx", Row: 4}}
		if len(res.contacts) != 1 || !equalContact(res.contacts[0], want) {
			t.Fatalf("got %+v, want %+v", res.contacts, want)
		}
		if res.r.Sheet() != "Sheet1" || res.r.Read() != 1 {
			t.Errorf("sheet %q read %d", res.r.Sheet(), res.r.Read())
		}
	})
	t.Run("non-Latin names, trailing spaces and non-breaking spaces", func(t *testing.T) {
		p := newBook(t).sheet("Sheet1",
			[]any{"Email", "First Name", "Last Name", "Organization"},
			[]any{"zoe@praxis.test ", "Zoë ", "Müller\u00a0", "Praxis\u00a0\u00a0Müller"},
			[]any{"lukasz@example.test", "Łukasz", "Wiśniewski", ""},
			[]any{"omatsu@example.jp", "大松", "太郎", ""},
		).save("names.xlsx")
		res := readAll(t, p, Options{})
		got := names(res.contacts)
		want := []string{"Zoë Müller|Praxis Müller", "Łukasz Wiśniewski|", "大松 太郎|"}
		if !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("mixed-case duplicate email points at the first row", func(t *testing.T) {
		p := newBook(t).sheet("Sheet1",
			[]any{"Email", "Name"},
			[]any{"Anna.Lee@Clinic.test", "Anna Lee"},
			[]any{"kim@church.test", "Pastor Kim"},
			[]any{"anna.lee@clinic.TEST", "Anna Lee again"},
		).save("dup.xlsx")
		res := readAll(t, p, Options{})
		if len(res.contacts) != 2 || len(res.errs) != 1 {
			t.Fatalf("contacts %d, errors %v", len(res.contacts), res.errs)
		}
		if got := res.errs[0].Error(); got != `row 4, column "Email": same email as row 2` {
			t.Errorf("error = %s", got)
		}
	})
	t.Run("a line break in a single-line cell is a row error naming the column", func(t *testing.T) {
		p := newBook(t).sheet("Sheet1",
			[]any{"Email", "Name", "Street", "City", "Notes"},
			[]any{"lee@clinic.test", "Anna\nLee", "12 Main St", "Boston", ""},
			[]any{"kim@church.test", "Pastor Kim", "1 Church Rd\nSuite 4", "Boston", ""},
			[]any{"ortiz@school.test", "Sam Ortiz", "", "", "Met at the fair\r\nLikes email"},
		).save("linebreak.xlsx")
		res := readAll(t, p, Options{})
		if len(res.contacts) != 1 || len(res.errs) != 2 {
			t.Fatalf("contacts %d, errors %v", len(res.contacts), res.errs)
		}
		for i, col := range []string{"Name", "Street"} {
			if e := res.errs[i]; e.Row != i+2 || e.Column != col || !strings.Contains(e.Message, "line breaks are not allowed in this column") {
				t.Errorf("error = %+v", e)
			}
		}
		if n := res.contacts[0].Notes; n != "Met at the fair\nLikes email" {
			t.Errorf("a line break in a Notes cell is kept: %q", n)
		}
	})
	t.Run("postal-only contacts are kept, incomplete ones reported", func(t *testing.T) {
		p := newBook(t).sheet("Sheet1",
			[]any{"Organization", "Address", "Suite", "City", "State", "Zip"},
			[]any{"First Baptist Church", "12 Elm St", "Office 3", "Springfield", "MA", "01101"},
			[]any{"Grace Chapel", "4 Oak Ave", "", "", "MA", "01102"},
		).save("postal.xlsx")
		res := readAll(t, p, Options{})
		if len(res.contacts) != 1 || len(res.errs) != 1 {
			t.Fatalf("contacts %+v, errors %v", res.contacts, res.errs)
		}
		want := contact.Address{Street: "12 Elm St, Office 3", City: "Springfield", Region: "MA", PostalCode: "01101"}
		if c := res.contacts[0]; c.Email != "" || c.Address != want {
			t.Errorf("contact = %+v", c)
		}
		if e := res.errs[0]; e.Row != 3 || !strings.Contains(e.Message, "needs an email, or a street, city and postal code") {
			t.Errorf("error = %+v", e)
		}
	})
	t.Run("invalid email says why", func(t *testing.T) {
		p := newBook(t).sheet("Sheet1",
			[]any{"Email", "Name"},
			[]any{"lee@clinic", "Anna Lee"},
			[]any{"lee@clinic.test; kim@church.test", "Two people"},
		).save("bad.xlsx")
		res := readAll(t, p, Options{})
		if len(res.errs) != 2 {
			t.Fatalf("errors %v", res.errs)
		}
		if got := res.errs[0].Message; got != `"lee@clinic" is not a valid email address: the domain has no dot` {
			t.Errorf("message = %s", got)
		}
		if !strings.Contains(res.errs[1].Message, "more than one address") {
			t.Errorf("message = %s", res.errs[1].Message)
		}
	})
}

func TestXLSXCellValues(t *testing.T) {
	b := newBook(t)
	dateStyle, _ := b.f.NewStyle(&excelize.Style{NumFmt: 14})
	euroDate := "dd.mm.yyyy"
	euroStyle, _ := b.f.NewStyle(&excelize.Style{CustomNumFmt: &euroDate})
	zipFmt := "00000"
	zipStyle, _ := b.f.NewStyle(&excelize.Style{CustomNumFmt: &zipFmt})
	b.sheet("Sheet1",
		[]any{"Email", "Phone", "Zip", "Last Visit", "Met On", "Fax"},
		[]any{"a@x.test", 15551234567, 2134, 45365, 45366.5, "555-0100"},
		[]any{"b@x.test", "+1 555 123 4567", "02134", 45000, "not sure", 4915112345680},
		[]any{"c@x.test", 4915112345680.0, 90210, nil, nil, 1.5551234567e10},
	)
	for _, c := range []string{"C2", "C3", "C4"} {
		b.f.SetCellStyle("Sheet1", c, c, zipStyle)
	}
	b.f.SetCellStyle("Sheet1", "D2", "D4", dateStyle)
	b.f.SetCellStyle("Sheet1", "E2", "E4", euroStyle)
	res := readAll(t, b.save("values.xlsx"), Options{})
	tests := []struct {
		story string
		row   int
		get   func(contact.Contact) string
		want  string
	}{
		{"phone stored as a number stays digits", 0, phone, "15551234567"},
		{"phone stored as text stays as typed", 1, phone, "+1 555 123 4567"},
		{"a big phone number stored as a number", 2, phone, "4915112345680"},
		{"zip stored as a number with 00000 format is padded", 0, postal, "02134"},
		{"zip stored as text keeps its zero", 1, postal, "02134"},
		{"five-digit zip as a number", 2, postal, "90210"},
		{"date column becomes ISO", 0, field("last_visit"), "2024-03-14"},
		{"second date", 1, field("last_visit"), "2023-03-15"},
		{"custom date format with a time", 0, field("met_on"), "2024-03-15 12:00"},
		{"text in a date column stays text", 1, field("met_on"), "not sure"},
		{"number in a text column without exponent", 2, field("fax"), "15551234567"},
		{"large number without exponent", 1, field("fax"), "4915112345680"},
	}
	if len(res.contacts) != 3 {
		t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			if got := tt.get(res.contacts[tt.row]); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if !hasNote(res.r, "Last Visit", "dates") {
		t.Errorf("no note about the date column: %v", res.r.Warnings())
	}
}

func TestFormulaCellUsesCachedValue(t *testing.T) {
	p := rawXLSX(t, `<sheetData><row r="1">`+inline("A1", "Email")+inline("B1", "Name")+inline("C1", "Referrals")+`</row>`+
		`<row r="2">`+inline("A2", "lee@clinic.test")+`<c r="B2" t="str"><f>CONCAT("Anna"," ","Lee")</f><v>Anna Lee</v></c><c r="C2"><f>SUM(1,2)</f><v>3</v></c></row></sheetData>`)
	res := readAll(t, p, Options{})
	if len(res.contacts) != 1 {
		t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
	}
	c := res.contacts[0]
	if c.FirstName != "Anna" || c.LastName != "Lee" || c.Fields["referrals"] != "3" {
		t.Errorf("contact = %+v", c)
	}
}

func TestMergedHeaderCells(t *testing.T) {
	b := newBook(t).sheet("Sheet1",
		[]any{"Name", "Email", "Address", nil, nil, nil, "Phone", nil},
		[]any{nil, nil, "Street", "City", "State", "Zip", "Office", "Mobile"},
		[]any{"Anna Lee", "lee@clinic.test", "12 Main St", "Boston", "MA", "02134", "555-0100", "555-0199"},
	)
	for _, m := range [][2]string{{"A1", "A2"}, {"B1", "B2"}, {"C1", "F1"}, {"G1", "H1"}} {
		if err := b.f.MergeCell("Sheet1", m[0], m[1]); err != nil {
			t.Fatal(err)
		}
	}
	p := b.save("merged.xlsx")
	res := readAll(t, p, Options{})
	if len(res.contacts) != 1 {
		t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
	}
	c := res.contacts[0]
	wantAddr := contact.Address{Street: "12 Main St", City: "Boston", Region: "MA", PostalCode: "02134"}
	if c.Address != wantAddr || c.Phone != "555-0100" || c.Fields["mobile_phone"] != "555-0199" || c.Source.Row != 3 {
		t.Errorf("contact = %+v", c)
	}
	t.Run("the merged ranges read from the XML match excelize's GetMergeCells", func(t *testing.T) {
		assertMergesMatch(t, p, "Sheet1")
	})
}

func TestMergedOneRowHeader(t *testing.T) {
	b := newBook(t).sheet("Sheet1",
		[]any{"Email", "Address", nil, "Zip", "City"},
		[]any{"lee@clinic.test", "12 Main St", "Suite 4", "02134", "Boston"},
	)
	b.f.MergeCell("Sheet1", "B1", "C1")
	res := readAll(t, b.save("merged1.xlsx"), Options{})
	if len(res.contacts) != 1 || res.contacts[0].Address.Street != "12 Main St, Suite 4" {
		t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
	}
}

func assertMergesMatch(t *testing.T, path, sheet string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want, _ := f.GetMergeCells(sheet)
	zr, _ := zip.OpenReader(path)
	defer zr.Close()
	got := scanShape(sheetPart(&zr.Reader, sheet), defaultMaxCells).merges
	if len(got) != len(want) {
		t.Fatalf("merges %v, excelize %v", got, want)
	}
	for i, m := range want {
		c1, r1, _ := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, _ := excelize.CellNameToCoordinates(m.GetEndAxis())
		if g := got[i]; g != (cellRange{top: r1, left: c1 - 1, bottom: r2, right: c2 - 1}) {
			t.Errorf("merge %d: %+v, excelize %v", i, g, m)
		}
	}
}

func TestSheets(t *testing.T) {
	b := newBook(t).
		sheet("Read me", []any{"This workbook lists our referral sources."}).
		sheet("Doctors", []any{"Email", "Name"}, []any{"lee@clinic.test", "Dr. Anna Lee"}).
		sheet("Pastors", []any{"Email", "Name"}, []any{"kim@church.test", "Pastor Kim"})
	p := b.save("sheets.xlsx")
	t.Run("default is the first sheet with a contact header", func(t *testing.T) {
		res := readAll(t, p, Options{})
		if res.r.Sheet() != "Doctors" || len(res.contacts) != 1 || res.contacts[0].Email != "lee@clinic.test" {
			t.Errorf("sheet %q contacts %+v", res.r.Sheet(), res.contacts)
		}
	})
	t.Run("--sheet picks another, in any case", func(t *testing.T) {
		res := readAll(t, p, Options{Sheet: "pastors"})
		if res.r.Sheet() != "Pastors" || len(res.contacts) != 1 || res.contacts[0].LastName != "Kim" {
			t.Errorf("sheet %q contacts %+v", res.r.Sheet(), res.contacts)
		}
	})
	t.Run("unknown --sheet lists the sheets", func(t *testing.T) {
		msg := openErr(t, p, Options{Sheet: "Agencies"})
		want := `sheets.xlsx: no sheet is named "Agencies" (the sheets are: "Read me", "Doctors", "Pastors")`
		if msg != want {
			t.Errorf("error = %s\nwant    %s", msg, want)
		}
	})
	t.Run("--sheet without a header says what row 1 holds", func(t *testing.T) {
		msg := openErr(t, p, Options{Sheet: "Read me"})
		if !strings.Contains(msg, `sheet "Read me": no header row with an email, name or organization column`) ||
			!strings.Contains(msg, "This workbook lists") {
			t.Errorf("error = %s", msg)
		}
	})
}

func TestEmptyWorkbook(t *testing.T) {
	p := newBook(t).save("empty.xlsx")
	msg := openErr(t, p, Options{})
	if msg != `empty.xlsx: sheet "Sheet1" is empty` {
		t.Errorf("error = %s", msg)
	}
}

func TestMapOverrides(t *testing.T) {
	p := newBook(t).sheet("Sheet1",
		[]any{"Correo", "Nombre", "Email", "Referral Source", "Internal ID"},
		[]any{"lee@clinic.test", "Anna Lee", "old@clinic.test", "Conference", "17"},
	).save("map.xlsx")
	t.Run("--map names a column, drops one, and makes a custom field", func(t *testing.T) {
		res := readAll(t, p, Options{Map: map[string]string{
			"correo": "email", "Nombre": "name", "Internal ID": "-", "Referral Source": "fields.source",
		}})
		if len(res.contacts) != 1 {
			t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
		}
		c := res.contacts[0]
		if c.Email != "lee@clinic.test" || c.LastName != "Lee" || c.Fields["source"] != "Conference" ||
			c.Fields["email"] != "old@clinic.test" || c.Fields["internal_id"] != "" {
			t.Errorf("contact = %+v", c)
		}
		if !hasNote(res.r, "Email", "custom field") {
			t.Errorf("no note about the second email column: %v", res.r.Warnings())
		}
		cols := res.r.Columns()
		if cols[4] != (Column{Header: "Internal ID", Letter: "E", Field: "-"}) || cols[0].Field != "email" {
			t.Errorf("columns = %+v", cols)
		}
	})
	t.Run("--map with an unknown column", func(t *testing.T) {
		msg := openErr(t, p, Options{Map: map[string]string{"Mail": "email"}})
		if !strings.Contains(msg, `--map "Mail": no column has that header (the columns are: Correo, Nombre, Email`) {
			t.Errorf("error = %s", msg)
		}
	})
	t.Run("--map with an unknown field", func(t *testing.T) {
		msg := openErr(t, p, Options{Map: map[string]string{"Correo": "e-mail"}})
		if !strings.Contains(msg, `unknown field "e-mail"`) {
			t.Errorf("error = %s", msg)
		}
	})
}

func TestKindsStagesZones(t *testing.T) {
	p := newBook(t).sheet("Sheet1",
		[]any{"Email", "Type", "Status", "Time Zone", "Tags"},
		[]any{"a@x.test", "Pediatrician", "contacted", "America/Chicago", "Newsletter; School"},
		[]any{"b@x.test", "Yoga studio", "", "Pacific", ""},
		[]any{"c@x.test", "", "lunch", "", ""},
		[]any{"d@x.test", "", "", "Mars/Base", ""},
	).save("kinds.xlsx")
	res := readAll(t, p, Options{Kind: "therapist", Tags: []string{"Spring 2024"}})
	if len(res.contacts) != 2 || len(res.errs) != 2 {
		t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
	}
	a, b := res.contacts[0], res.contacts[1]
	if a.Kind != "physician" || a.Stage != contact.StageContacted || a.TimeZone != "America/Chicago" ||
		!slices.Equal(a.Tags, []string{"newsletter", "school", "spring-2024"}) {
		t.Errorf("a = %+v", a)
	}
	if b.Kind != "other" || b.Fields["kind_original"] != "Yoga studio" || b.Stage != "" || b.TimeZone != "America/Los_Angeles" {
		t.Errorf("b = %+v", b)
	}
	if e := res.errs[0]; e.Row != 4 || e.Column != "Status" || !strings.Contains(e.Message, `"lunch" is not a stage`) {
		t.Errorf("stage error = %+v", e)
	}
	if e := res.errs[1]; e.Row != 5 || e.Column != "Time Zone" {
		t.Errorf("zone error = %+v", e)
	}
	if o := res.r.OtherKinds(); len(o) != 1 || o[0] != (OtherKind{Row: 3, Word: "Yoga studio", Contact: "b@x.test"}) {
		t.Errorf("rows that became kind other: %+v", o)
	}
	t.Run("an unknown kind is an error when other is not allowed", func(t *testing.T) {
		res := readAll(t, p, Options{Kinds: []string{"physician", "pastor"}})
		if len(res.errs) < 1 || res.errs[0].Column != "Type" {
			t.Errorf("errors = %v", res.errs)
		}
	})
	t.Run("an unknown --kind is refused before reading", func(t *testing.T) {
		if msg := openErr(t, p, Options{Kind: "plumber"}); !strings.Contains(msg, `--kind "plumber"`) {
			t.Errorf("error = %s", msg)
		}
	})
}

func TestColumnsWithoutHeaders(t *testing.T) {
	p := newBook(t).sheet("Sheet1",
		[]any{"Email", "Name", nil, "Email Address", "Notes"},
		[]any{"lee@clinic.test", "Anna Lee", "met 2019", "anna@home.test", "likes tea"},
	).save("noheader.xlsx")
	res := readAll(t, p, Options{})
	c := res.contacts[0]
	if c.Fields["column_c"] != "met 2019" || c.Fields["email_address"] != "anna@home.test" || c.Notes != "likes tea" {
		t.Errorf("contact = %+v", c)
	}
	if !slices.ContainsFunc(res.r.Columns(), func(c Column) bool { return c.Field == "fields.column_c" }) || !hasNote(res.r, "column C", "no header") {
		t.Errorf("columns %v warnings %v", res.r.Columns(), res.r.Warnings())
	}
}

func TestRapportExportColumnsAreIgnored(t *testing.T) {
	p := newBook(t).sheet("Sheet1",
		[]any{"Email", "Last Sent", "Last Reply", "Referrals"},
		[]any{"lee@clinic.test", "2024-03-01 10:00", "", "2"},
	).save("export.xlsx")
	res := readAll(t, p, Options{})
	if len(res.contacts[0].Fields) != 0 {
		t.Errorf("fields = %v", res.contacts[0].Fields)
	}
}

func equalContact(a, b contact.Contact) bool {
	return a.Email == b.Email && a.FirstName == b.FirstName && a.LastName == b.LastName && a.Title == b.Title &&
		a.Organization == b.Organization && a.Kind == b.Kind && a.Phone == b.Phone && a.Address == b.Address &&
		slices.Equal(a.Tags, b.Tags) && fmt.Sprint(a.Fields) == fmt.Sprint(b.Fields) && a.Stage == b.Stage &&
		a.Notes == b.Notes && a.TimeZone == b.TimeZone && a.Source == b.Source
}

func names(cs []contact.Contact) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.FullName()+"|"+c.Organization)
	}
	return out
}

func phone(c contact.Contact) string  { return c.Phone }
func postal(c contact.Contact) string { return c.Address.PostalCode }
func field(k string) func(contact.Contact) string {
	return func(c contact.Contact) string { return c.Fields[k] }
}

func hasNote(r *Reader, column, text string) bool {
	for _, w := range r.Warnings() {
		if w.Column == column && strings.Contains(w.Message, text) {
			return true
		}
	}
	return false
}

func TestExcelErrorValuesAreEmpty(t *testing.T) {
	p := rawXLSX(t, `<sheetData><row r="1">`+inline("A1", "Email")+inline("B1", "First Name")+inline("C1", "Last Name")+`</row>`+
		`<row r="2">`+inline("A2", "lee@clinic.test")+`<c r="B2" t="e"><f>VLOOKUP(A2,Names!A:B,2,0)</f><v>#N/A</v></c>`+inline("C2", "Lee")+`</row></sheetData>`)
	res := readAll(t, p, Options{})
	if len(res.contacts) != 1 || res.contacts[0].FirstName != "" || res.contacts[0].LastName != "Lee" {
		t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
	}
	if !hasNote(res.r, "First Name", "#N/A") {
		t.Errorf("warnings = %v", res.r.Warnings())
	}
}
