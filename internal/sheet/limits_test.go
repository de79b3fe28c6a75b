package sheet

import (
	"archive/zip"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestTooManyRows(t *testing.T) {
	rows := [][]any{{"Email"}}
	for i := range 12 {
		rows = append(rows, []any{fmt.Sprintf("p%d@x.test", i)}, []any{})
	}
	p := newBook(t).sheet("Sheet1", rows...).save("many.xlsx")
	r, err := Open(p, Options{MaxRows: 10})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for ; ; n++ {
		if _, err = r.Next(); err != nil {
			break
		}
	}
	if n != 10 || !strings.Contains(err.Error(), "more than 10 rows with data") || !strings.Contains(err.Error(), `sheet "Sheet1"`) {
		t.Errorf("after %d rows: %v", n, err)
	}
}

func TestHugeSheets(t *testing.T) {
	t.Run("a sheet claiming 1,048,576 rows and 16,384 columns", func(t *testing.T) {
		p := rawXLSX(t, `<dimension ref="A1:XFD1048576"/><sheetData><row r="1">`+inline("A1", "Email")+inline("B1", "Name")+
			`</row><row r="2">`+inline("A2", "lee@clinic.test")+inline("B2", "Anna Lee")+
			`</row><row r="1048576">`+inline("XFD1048576", "far away")+`</row></sheetData>`)
		res := readAll(t, p, Options{})
		if len(res.contacts) != 1 || len(res.errs) != 0 || res.r.Read() != 1 {
			t.Errorf("contacts %+v errors %v", res.contacts, res.errs)
		}
		if w := res.r.Warnings(); len(w) != 1 || w[0].Row != 1048576 || !strings.Contains(w[0].Message, "column XFD") {
			t.Errorf("warnings = %v", w)
		}
	})
	t.Run("a header 16,384 columns wide", func(t *testing.T) {
		b := newBook(t)
		header := make([]any, excelize.MaxColumns)
		row := make([]any, excelize.MaxColumns)
		for i := range header {
			header[i], row[i] = fmt.Sprintf("Extra %d", i), fmt.Sprintf("v%d", i)
		}
		header[0], row[0] = "Email", "lee@clinic.test"
		p := b.sheet("Sheet1", header, row).save("wide.xlsx")
		res := readAll(t, p, Options{})
		if len(res.contacts) != 1 || res.contacts[0].Fields["extra_16383"] != "v16383" {
			t.Errorf("errors %v", res.errs)
		}
	})
	t.Run("a million empty rows", func(t *testing.T) {
		if testing.Short() {
			t.Skip("builds a 40 MB sheet")
		}
		res := readAll(t, rawXLSX(t, millionEmptyRows()), Options{})
		if res.r.Read() != 0 || len(res.contacts) != 0 {
			t.Errorf("read %d", res.r.Read())
		}
	})
	t.Run("a stray cell in column XFD on every row is refused, naming the columns to delete", func(t *testing.T) {
		msg := openErr(t, rawXLSX(t, farRightRows(5000)), Options{})
		for _, want := range []string{`sheet "Contacts"`, "as far right as column XFD (the first at row 2)",
			"the header ends at column B", "select the columns after B up to XFD"} {
			if !strings.Contains(msg, want) {
				t.Errorf("error lacks %q: %s", want, msg)
			}
		}
	})
	t.Run("a header as wide as the sheet over many rows is refused", func(t *testing.T) {
		var sb strings.Builder
		sb.WriteString(`<sheetData><row r="1">` + inline("A1", "Email") + inline("XFD1", "Far") + `</row>`)
		for i := 2; i <= 4000; i++ {
			fmt.Fprintf(&sb, `<row r="%d"><c r="A%d"><v>1</v></c><c r="XFD%d"><v>1</v></c></row>`, i, i, i)
		}
		sb.WriteString(`</sheetData>`)
		if msg := openErr(t, rawXLSX(t, sb.String()), Options{}); !strings.Contains(msg, "16384 columns wide (up to column XFD)") {
			t.Errorf("error = %s", msg)
		}
	})
	t.Run("a zip bomb is refused", func(t *testing.T) {
		p := rawXLSX(t, `<sheetData><row r="1">`+inline("A1", "Email")+`</row></sheetData>`, strings.Repeat(" ", 3<<20))
		msg := openErr(t, p, Options{MaxBytes: 1 << 20})
		if !strings.Contains(msg, "unpacks to more than 1 MB") {
			t.Errorf("error = %s", msg)
		}
	})
}

// millionEmptyRows is a sheet body with a header and a million formatted
// but empty rows, as Excel writes when a whole column was formatted.
func millionEmptyRows() string {
	var sb strings.Builder
	sb.WriteString(`<sheetData><row r="1">` + inline("A1", "Email") + `</row>`)
	for i := 2; i <= excelize.TotalRows; i++ {
		fmt.Fprintf(&sb, `<row r="%d" s="1" customFormat="1"/>`, i)
	}
	sb.WriteString(`</sheetData>`)
	return sb.String()
}

// farRightRows is a sheet body with a header in A and B and rows that hold
// one number each, in column XFD.
func farRightRows(rows int) string {
	var sb strings.Builder
	sb.WriteString(`<sheetData><row r="1">` + inline("A1", "Email") + inline("B1", "Name") + `</row>`)
	for i := 2; i <= rows; i++ {
		fmt.Fprintf(&sb, `<row r="%d"><c r="XFD%d"><v>%d</v></c></row>`, i, i, i)
	}
	sb.WriteString(`</sheetData>`)
	return sb.String()
}

func TestNotASpreadsheet(t *testing.T) {
	ole := func(stream string) []byte {
		b := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
		return append(b, utf16le(stream)...)
	}
	odsZip := func() []byte {
		var sb strings.Builder
		zw := zip.NewWriter(&sb)
		for _, n := range []string{"mimetype", "content.xml"} {
			w, _ := zw.Create(n)
			w.Write([]byte("x"))
		}
		zw.Close()
		return []byte(sb.String())
	}
	tests := []struct {
		story, name string
		data        []byte
		want        string
	}{
		{"an Excel 97 workbook", "old.xls", ole("Workbook"), "save it as .xlsx or .csv"},
		{"a password-protected xlsx", "secret.xlsx", ole("EncryptionInfo"), "password-protected"},
		{"an HTML table named .xls", "web.xls", []byte("<html><table><tr><td>Email</td></tr></table></html>"), "web page"},
		{"an OpenDocument sheet", "sheet.ods", odsZip(), "OpenDocument"},
		{"a picture", "photo.csv", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 200)...), "not a spreadsheet"},
		{"an empty file", "empty.csv", nil, "the file is empty"},
		{"a broken zip", "broken.xlsx", []byte("PK\x03\x04 this is not really a zip"), "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			msg := openErr(t, writeFile(t, tt.name, tt.data), Options{})
			if !strings.HasPrefix(msg, tt.name+": ") || !strings.Contains(msg, tt.want) {
				t.Errorf("error = %s", msg)
			}
		})
	}
}

// BenchmarkHostileSheets times what the tests above only check the outcome
// of: hostile or odd sheets are read, or refused, in about the time a
// normal sheet of their size takes (on 2 cores: a million-row sheet reads in
// about 3.6 s; the million rows reaching column XFD took 101 s before they
// were counted first, and are now refused in about a second).
//
//	go test -run '^$' -bench BenchmarkHostileSheets -benchtime 1x ./internal/sheet/
func BenchmarkHostileSheets(b *testing.B) {
	cases := []struct {
		name   string
		body   func() string
		refuse bool
	}{
		{"a sheet claiming 1,048,576 rows", func() string {
			return `<dimension ref="A1:XFD1048576"/><sheetData><row r="1">` + inline("A1", "Email") +
				`</row><row r="2">` + inline("A2", "lee@clinic.test") + `</row><row r="1048576">` +
				inline("XFD1048576", "far away") + `</row></sheetData>`
		}, false},
		{"a million empty rows", millionEmptyRows, false},
		{"a million rows reaching column XFD", func() string { return farRightRows(excelize.TotalRows) }, true},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			path := rawXLSX(b, tc.body())
			for b.Loop() {
				r, err := Open(path, Options{})
				if tc.refuse != (err != nil) {
					b.Fatalf("Open: %v", err)
				}
				if err != nil {
					continue
				}
				for _, err := r.Next(); err == nil || errors.As(err, new(*RowError)); _, err = r.Next() {
				}
				r.Close()
			}
		})
	}
}
