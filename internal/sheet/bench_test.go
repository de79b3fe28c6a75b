package sheet

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

const benchRows = 100_000

// benchFile generates the 100,000-row × 10-column workbook once and keeps
// it under the system temp dir: generating takes longer than reading it.
func benchFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("rapport-sheet-bench-%d-v1.xlsx", benchRows))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"Email", "First Name", "Last Name", "Title", "Organization", "Kind", "Phone", "City", "Zip", "Notes"})
	kinds := []string{"physician", "pastor", "school counselor", "therapist", "agency"}
	for i := range benchRows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		err := sw.SetRow(cell, []any{
			fmt.Sprintf("person%d@clinic%d.test", i, i%500), "Anna", fmt.Sprintf("Lee%d", i%977), "Dr.",
			fmt.Sprintf("Family Practice %d", i%300), kinds[i%len(kinds)], 15551230000 + i, "Springfield",
			fmt.Sprintf("%05d", i%99999), "met at the spring open house",
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	tmp := path + ".tmp.xlsx"
	if err := f.SaveAs(tmp); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReadXLSX reads the whole file through Open and Next: what an
// import costs before the store.
func BenchmarkReadXLSX(b *testing.B) {
	path := benchFile(b)
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		r.Close()
		if n != benchRows {
			b.Fatalf("read %d contacts, want %d", n, benchRows)
		}
	}
}

// BenchmarkBareRowsXLSX is the floor: excelize alone opening the file and
// streaming raw cell values, with nothing done with them.
func BenchmarkBareRowsXLSX(b *testing.B) {
	path := benchFile(b)
	b.ReportAllocs()
	for b.Loop() {
		f, err := excelize.OpenFile(path)
		if err != nil {
			b.Fatal(err)
		}
		rows, err := f.Rows("Sheet1")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			if _, err := rows.Columns(excelize.Options{RawCellValue: true}); err != nil {
				b.Fatal(err)
			}
			n++
		}
		rows.Close()
		f.Close()
		if n != benchRows+1 {
			b.Fatalf("read %d rows", n)
		}
	}
}

// BenchmarkScanShape is the pass over the whole sheet that every XLSX
// import makes first (merged ranges, and the count of cells that refuses a
// sheet whose rows reach column XFD): a small share of BenchmarkReadXLSX.
func BenchmarkScanShape(b *testing.B) {
	path := benchFile(b)
	zr, err := zip.OpenReader(path)
	if err != nil {
		b.Fatal(err)
	}
	defer zr.Close()
	part := sheetPart(&zr.Reader, "Sheet1")
	for b.Loop() {
		if s := scanShape(part, defaultMaxCells); s.cells != 10*(benchRows+1) {
			b.Fatalf("cells = %d", s.cells)
		}
	}
}
