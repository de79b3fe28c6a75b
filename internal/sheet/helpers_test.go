package sheet

import (
	"archive/zip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
)

// result is everything a Reader gave for one file.
type result struct {
	contacts []contact.Contact
	errs     []*RowError
	r        *Reader
}

// readAll opens path and reads it to the end, failing the test on a fatal
// error.
func readAll(t testing.TB, path string, opts Options) result {
	t.Helper()
	r, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", filepath.Base(path), err)
	}
	t.Cleanup(func() { r.Close() })
	res := result{r: r}
	for {
		c, err := r.Next()
		var re *RowError
		switch {
		case errors.Is(err, io.EOF):
			return res
		case errors.As(err, &re):
			res.errs = append(res.errs, re)
		case err != nil:
			t.Fatalf("Next: %v", err)
		default:
			res.contacts = append(res.contacts, c)
		}
	}
}

// openErr opens path expecting Open to fail, and returns the message.
func openErr(t *testing.T, path string, opts Options) string {
	t.Helper()
	r, err := Open(path, opts)
	if err == nil {
		r.Close()
		t.Fatalf("Open(%s) succeeded, want an error", filepath.Base(path))
	}
	return err.Error()
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// book builds a workbook with excelize: each sheet is a list of rows
// starting at A1; a row's cells may be strings, numbers or excelize.Cell.
type book struct {
	t *testing.T
	f *excelize.File
}

func newBook(t *testing.T) *book {
	t.Helper()
	return &book{t: t, f: excelize.NewFile()}
}

func (b *book) sheet(name string, rows ...[]any) *book {
	b.t.Helper()
	if _, err := b.f.GetSheetIndex(name); err != nil || !b.has(name) {
		if _, err := b.f.NewSheet(name); err != nil {
			b.t.Fatal(err)
		}
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := b.f.SetSheetRow(name, cell, &row); err != nil {
			b.t.Fatal(err)
		}
	}
	return b
}

func (b *book) has(name string) bool {
	for _, s := range b.f.GetSheetList() {
		if s == name {
			return true
		}
	}
	return false
}

// save writes the workbook, dropping the default Sheet1 when other sheets
// were made.
func (b *book) save(name string) string {
	b.t.Helper()
	if len(b.f.GetSheetList()) > 1 && !b.used("Sheet1") {
		b.f.DeleteSheet("Sheet1")
	}
	path := filepath.Join(b.t.TempDir(), name)
	if err := b.f.SaveAs(path); err != nil {
		b.t.Fatal(err)
	}
	b.f.Close()
	return path
}

func (b *book) used(name string) bool {
	rows, _ := b.f.GetRows(name)
	return len(rows) > 0
}

// rawXLSX builds the smallest workbook Excel opens, around a worksheet XML
// body written by hand: for what excelize cannot make (a formula with its
// cached value, a sheet claiming a million rows).
func rawXLSX(t testing.TB, sheetData string, extra ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "raw.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
			sheetData + strings.Join(extra, "") + `</worksheet>`,
	}
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

// inline is a cell holding an inline string, as rawXLSX sheets use them.
func inline(ref, text string) string {
	return `<c r="` + ref + `" t="inlineStr"><is><t>` + text + `</t></is></c>`
}

func writeFileAt(t testing.TB, path, body string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
