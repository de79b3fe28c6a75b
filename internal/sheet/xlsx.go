package sheet

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// rawValues asks excelize for the stored values rather than formatted
// ones: four times faster, and not dependent on the reader's locale. Dates
// and zero-padded numbers are formatted here instead (see numfmt.go).
var rawValues = excelize.Options{RawCellValue: true}

// xlsxSource streams one sheet with excelize's row iterator. excelize gives
// no row numbers, but its Next steps through every row number, empty rows
// included, so counting calls gives the number Excel shows.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	num  int
}

func (s *xlsxSource) next() (cells []string, num int, err error) {
	defer func() {
		if p := recover(); p != nil { // excelize on a damaged sheet: an error, never a crash
			cells, err = nil, fmt.Errorf("the sheet is damaged (%v); %s", p, saveAs)
		}
	}()
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, s.num, err
		}
		return nil, s.num, io.EOF
	}
	s.num++
	cells, err = s.rows.Columns(rawValues)
	return cells, s.num, err
}

// close closes the row iterator and the file: both hold temporary files
// for large sheets, which would otherwise stay behind.
func (s *xlsxSource) close() error {
	var err error
	if s.rows != nil {
		err = s.rows.Close()
		s.rows = nil
	}
	return errors.Join(err, s.f.Close())
}

func (r *Reader) openXLSX(path string, mt matcher) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("the workbook is damaged (%v); %s", p, saveAs)
		}
	}()
	f, err := excelize.OpenFile(path, excelize.Options{
		UnzipSizeLimit:    r.opts.MaxBytes,
		UnzipXMLSizeLimit: min(16<<20, r.opts.MaxBytes),
	})
	if err != nil {
		return openError(err, r.opts.MaxBytes)
	}
	src := &xlsxSource{f: f}
	r.src = src
	head, p, err := r.pickSheet(src, mt)
	if err != nil {
		return err
	}
	in := inspect(path, r.sheet, head[p.at].num, r.opts.MaxCells)
	p.names = namesWithMerges(mt, head, p, in.headerMerges(head[p.at].num))
	if err := r.useHeader(head, p, mt); err != nil {
		return r.inSheet(err)
	}
	if in.shape.over {
		return r.inSheet(r.tooWide(in.shape))
	}
	r.merges = newMergeFill(in.shape.merges, head[p.at].num+p.depth-1)
	r.setFormats(f, in.styles)
	return nil
}

// tooWide explains a sheet refused for the empty cells its rows would make
// rapport go through: a stray value far right, repeated down the sheet.
func (r *Reader) tooWide(s sheetShape) error {
	last := colLetter(r.span - 1)
	if s.widest <= r.span {
		return fmt.Errorf("its rows are %d columns wide (up to column %s) over so many rows that reading it would mean going through more than %d million cells; "+
			"delete the columns you do not need and the empty rows at the bottom in Excel, save, and import again",
			s.widest, colLetter(s.widest-1), r.opts.MaxCells/1_000_000)
	}
	return fmt.Errorf("rows below the header have cells as far right as column %s (the first at row %d), while the header ends at column %s; "+
		"reading them would mean going through more than %d million empty cells. In Excel, select the columns after %s up to %s, "+
		"delete them (right-click, Delete), save, and import again",
		colLetter(s.widest-1), s.widestAt, last, r.opts.MaxCells/1_000_000, last, colLetter(s.widest-1))
}

// openError turns excelize's errors into what the user can act on.
func openError(err error, limit int64) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "unzip size exceeds") || strings.Contains(msg, "exceeds the"):
		return fmt.Errorf("the file unpacks to more than %d MB, which is more than a contact list needs (a damaged or booby-trapped file?)", limit>>20)
	case errors.Is(err, excelize.ErrWorkbookFileFormat) || errors.Is(err, excelize.ErrWorkbookPassword):
		return errors.New("the file is password-protected or not a workbook; remove the password in Excel and save it again as .xlsx")
	}
	return fmt.Errorf("the file cannot be opened as an Excel workbook (%v); %s", err, saveAs)
}

// pickSheet opens the --sheet, or else the first sheet whose first rows
// hold a contact header, and reads ahead to its header.
func (r *Reader) pickSheet(src *xlsxSource, mt matcher) ([]bufRow, headerPick, error) {
	sheets := src.f.GetSheetList()
	if r.opts.Sheet != "" {
		name, ok := findSheet(sheets, r.opts.Sheet)
		if !ok {
			return nil, headerPick{}, fmt.Errorf("no sheet is named %q (the sheets are: %s)", r.opts.Sheet, quoteList(sheets))
		}
		sheets = []string{name}
	}
	var firstErr error
	for _, name := range sheets {
		head, p, err := r.trySheet(src, name, mt)
		if err == nil {
			return head, p, nil
		}
		firstErr = cmpErr(firstErr, err)
	}
	if r.opts.Sheet == "" && len(sheets) > 1 {
		return nil, headerPick{}, fmt.Errorf("no sheet has a header row with an email, name or organization column in its first %d rows (the sheets are: %s); pick one with --sheet and name its columns with --map",
			headerSearchRows, quoteList(sheets))
	}
	if firstErr == nil {
		firstErr = errors.New("the workbook has no sheets")
	}
	return nil, headerPick{}, firstErr
}

// cmpErr keeps the first error seen.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

func (r *Reader) trySheet(src *xlsxSource, name string, mt matcher) ([]bufRow, headerPick, error) {
	r.sheet = name
	if src.rows != nil {
		src.rows.Close()
	}
	rows, err := src.f.Rows(name)
	if err != nil {
		src.rows = nil
		return nil, headerPick{}, fmt.Errorf("sheet %q cannot be read (%v)", name, err)
	}
	src.rows, src.num = rows, 0
	head, err := r.readHead()
	switch {
	case err != nil:
		return nil, headerPick{}, fmt.Errorf("sheet %q is damaged (%v); %s", name, err, saveAs)
	case len(head) == 0:
		return nil, headerPick{}, fmt.Errorf("sheet %q is empty", name)
	}
	p, ok := pickHeader(head, mt)
	if !ok {
		return nil, headerPick{}, r.inSheet(noHeader(head))
	}
	return head, p, nil
}

func (r *Reader) inSheet(err error) error {
	return fmt.Errorf("sheet %q: %w", r.sheet, err)
}

func findSheet(sheets []string, want string) (string, bool) {
	for _, s := range sheets {
		if strings.EqualFold(strings.TrimSpace(s), strings.TrimSpace(want)) {
			return s, true
		}
	}
	return "", false
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// namesWithMerges renames the header's columns once the merged ranges are
// known: a group cell spread over its sub-headers, a merged one-row header
// cell over the columns it covers.
func namesWithMerges(mt matcher, head []bufRow, p headerPick, merges []cellRange) []string {
	if len(merges) == 0 {
		return p.names
	}
	if p.depth == 2 {
		return combineRows(mt, head, p.at, merges)
	}
	names := append([]string(nil), p.names...)
	return spreadMerged(names, head[p.at].num, merges)
}
