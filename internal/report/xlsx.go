package report

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"rapport/internal/sheet"
)

// Workbook is the report as an .xlsx file: one sheet per section, the
// title on row 1, what is counted on row 2, the table from row 3 with a
// bold header; counts and shares are numbers, days are dates.
type Workbook struct{ f *excelize.File }

// WriteTo writes the .xlsx file.
func (b *Workbook) WriteTo(w io.Writer) (int64, error) {
	defer b.f.Close()
	return b.f.WriteTo(w)
}

type xlsxStyles struct{ bold, pct, hours, days, date int }

// Workbook lays the report out as a workbook. Text cells are neutralized
// (sheet.Neutralize): a contact named "=HYPERLINK(...)" stays text even if
// the sheet is saved as CSV.
func (r *Report) Workbook() (*Workbook, error) {
	f := excelize.NewFile()
	st, err := styles(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	for i, s := range r.Sections() {
		if err := r.writeSheet(f, i, s, st); err != nil {
			f.Close()
			return nil, fmt.Errorf("report sheet %q: %w", s.Sheet, err)
		}
	}
	return &Workbook{f: f}, nil
}

func styles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	formats := []struct {
		dst  *int
		font bool
		fmt  string
	}{{&st.bold, true, ""}, {&st.pct, false, "0%"}, {&st.hours, false, `0.0" hours"`},
		{&st.days, false, `0.#" days"`}, {&st.date, false, "yyyy-mm-dd"}}
	for _, x := range formats {
		s := &excelize.Style{}
		if x.font {
			s.Font = &excelize.Font{Bold: true}
		}
		if x.fmt != "" {
			s.CustomNumFmt = &x.fmt
		}
		if *x.dst, err = f.NewStyle(s); err != nil {
			return st, err
		}
	}
	return st, nil
}

func (r *Report) writeSheet(f *excelize.File, i int, s Section, st xlsxStyles) error {
	name := s.Sheet
	if i == 0 {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return err
	}
	title := s.Title + " — " + r.periodText()
	if err := f.SetCellValue(name, "A1", sheet.Neutralize(title)); err != nil {
		return err
	}
	f.SetCellStyle(name, "A1", "A1", st.bold)
	note := s.Note
	if len(s.Rows) == 0 {
		note = s.Empty
	}
	if err := f.SetCellValue(name, "A2", sheet.Neutralize(note)); err != nil {
		return err
	}
	if err := f.SetColWidth(name, "A", columnName(len(s.Header)), 18); err != nil {
		return err
	}
	for c, h := range s.Header {
		if err := r.setCell(f, name, c+1, 3, h, st); err != nil {
			return err
		}
	}
	if len(s.Header) > 0 {
		f.SetCellStyle(name, "A3", columnName(len(s.Header))+"3", st.bold)
	}
	for y, row := range s.Rows {
		for c, v := range row {
			if err := r.setCell(f, name, c+1, y+4, v, st); err != nil {
				return err
			}
		}
	}
	return nil
}

func columnName(n int) string {
	s, _ := excelize.ColumnNumberToName(max(n, 1))
	return s
}

func (r *Report) setCell(f *excelize.File, sheetName string, col, row int, v any, st xlsxStyles) error {
	cell, _ := excelize.CoordinatesToCellName(col, row)
	style := 0
	switch x := v.(type) {
	case string:
		v = sheet.Neutralize(x)
	case Percent:
		v, style = float64(x), st.pct
	case Hours:
		v, style = blankOr(x.OK, x.V), st.hours
	case Days:
		v, style = blankOr(x.OK, x.V), st.days
	case time.Time:
		// A wall-clock time in the user's zone: spreadsheets have none.
		t := x.In(r.loc)
		v, style = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC), st.date
	}
	if err := f.SetCellValue(sheetName, cell, v); err != nil {
		return err
	}
	if style != 0 {
		return f.SetCellStyle(sheetName, cell, cell, style)
	}
	return nil
}

func blankOr(ok bool, v float64) any {
	if !ok {
		return ""
	}
	return v
}
