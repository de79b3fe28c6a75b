package sheet

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"rapport/internal/contact"
)

// rowSource yields a file's rows one by one: the cells as text and the row
// number the user sees in Excel (for a CSV, the line the record starts on).
// It returns io.EOF after the last row; any other error means the file is
// broken.
type rowSource interface {
	next() (cells []string, num int, err error)
	close() error
}

// Reader reads one spreadsheet into contacts, row by row. It is not safe for
// concurrent use. Close it when done, also after an error.
type Reader struct {
	file     string // base name, as contacts and messages carry it
	opts     Options
	src      rowSource
	sheet    string
	encoding string
	cols     []*column
	headRow  int      // the header's row number, for notes about columns
	head     []bufRow // rows read ahead while looking for the header, still to be returned
	span     int      // columns covered by the header; values right of it are ignored
	vals     []string // the current row's values, by column; reused
	read     int
	err      error // sticky: io.EOF or the fatal error
	notes    notes
	seen     map[string]int // lower-case email → row
	postal   map[string]int // PostalKey → row, for postal-only contacts
	zones    map[string]bool
	wide     bool // a value right of the header has been reported
	delim    rune // a CSV's delimiter; 0 for an XLSX
	format   format
	merges   mergeFill
	others   []OtherKind
}

// Open opens a spreadsheet, finds its header row and maps its columns. The
// format comes from the file's content, then its extension: .xlsx/.xlsm,
// or text (.csv, .tsv, .txt). Errors name the file, and the sheet when there
// is one, and say what the user can do.
func Open(path string, opts Options) (*Reader, error) {
	r, err := open(path, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return r, nil
}

func open(path string, opts Options) (*Reader, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	mt, err := newMatcher(opts.Map)
	if err != nil {
		return nil, err
	}
	format, err := sniff(path, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	r := &Reader{file: filepath.Base(path), opts: opts, seen: map[string]int{},
		postal: map[string]int{}, zones: map[string]bool{}, format: format}
	switch format {
	case formatXLSX:
		err = r.openXLSX(path, mt)
	case formatVCard:
		err = r.openVCard(path)
	default:
		err = r.openCSV(path, mt)
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// useHeader maps the columns named by the header found in head, and keeps
// the rows below it to be returned first.
func (r *Reader) useHeader(head []bufRow, p headerPick, mt matcher) error {
	cols, notes, err := buildColumns(p.names, mt, head[p.at].num)
	if err != nil {
		return err
	}
	r.cols, r.span, r.vals = cols, len(cols), make([]string, len(cols))
	r.headRow = head[p.at].num
	for _, n := range notes {
		r.notes.add(n)
	}
	r.head = head[p.at+p.depth:]
	return nil
}

// Next returns the next good row as a Contact. A bad row returns a
// *RowError, and the caller goes on calling Next; io.EOF ends the file. Any
// other error means the file cannot be read further; Next keeps returning it.
func (r *Reader) Next() (contact.Contact, error) {
	for r.err == nil {
		cells, num, err := r.nextRow()
		var bad *RowError
		if errors.As(err, &bad) {
			r.read++
			return contact.Contact{}, bad
		}
		if err != nil {
			r.err = err
			break
		}
		cells = r.merges.fill(cells, num)
		if !r.values(cells, num) {
			continue // a blank row: skipped, not counted
		}
		r.read++
		if r.read > r.opts.MaxRows {
			r.err = fmt.Errorf("%s: %w", r.where(), r.tooMany())
			break
		}
		c, bad := r.build(num)
		if bad != nil {
			bad.key = r.rowKey()
			if l, ok := r.src.(interface{ label() string }); ok {
				bad.Contact = l.label()
			}
			return contact.Contact{}, bad
		}
		return c, nil
	}
	return contact.Contact{}, r.err
}

// rowKey is the email of the current row when it has a good one: a row
// skipped for another reason is still in the sheet, and its contact must
// not be flagged as missing from it.
func (r *Reader) rowKey() string {
	for i, col := range r.cols {
		if col.id == fEmail {
			if e, err := contact.NormalizeEmail(r.vals[i]); err == nil {
				return e
			}
		}
	}
	return ""
}

func (r *Reader) tooMany() error {
	return fmt.Errorf("more than %d rows with data; rapport imports at most %d rows from one file, so split it into smaller files",
		r.opts.MaxRows, r.opts.MaxRows)
}

func (r *Reader) nextRow() ([]string, int, error) {
	if len(r.head) > 0 {
		row := r.head[0]
		r.head = r.head[1:]
		return row.cells, row.num, nil
	}
	cells, num, err := r.src.next()
	var bad *RowError
	if err != nil && !errors.Is(err, io.EOF) && !errors.As(err, &bad) {
		err = fmt.Errorf("%s: row %d: %w", r.where(), num, err)
	}
	return cells, num, err
}

// where names the file, and the sheet for a workbook, for fatal errors.
func (r *Reader) where() string {
	if r.sheet == "" {
		return r.file
	}
	return fmt.Sprintf("%s, sheet %q", r.file, r.sheet)
}

// Columns returns the mapping in use: every header column with the field it
// feeds ("-" when ignored). A column without a header is listed once a value
// has shown up in it.
func (r *Reader) Columns() []Column {
	var out []Column
	for _, c := range r.cols {
		if !c.lazy || c.seen {
			out = append(out, c.Column)
		}
	}
	return out
}

// Format is "xlsx", "csv" or "vcard".
func (r *Reader) Format() string { return r.format.String() }

// Unit is what the file's rows are called: "card" in a vCard file, else
// "row".
func (r *Reader) Unit() string { return r.format.unit() }

// Sheet is the XLSX sheet being read; "" for a CSV.
func (r *Reader) Sheet() string { return r.sheet }

// Encoding is the text encoding of a CSV: "UTF-8", "Windows-1252" when the
// file was not valid UTF-8, or "UTF-16LE"/"UTF-16BE" (Excel's "Unicode
// text"). It is "" for an XLSX, whose encoding is not the user's concern.
func (r *Reader) Encoding() string { return r.encoding }

// Warnings are notes about rows and columns that were kept but changed or
// guessed at: an unknown kind kept as "other", a column of dates written as
// ISO dates, a 4-digit zip padded. After 1000 of them one last note counts
// the rest.
func (r *Reader) Warnings() []RowError { return r.notes.list() }

// OtherKind is a row whose kind word matched none of the kinds, so that
// it was imported as "other".
type OtherKind struct {
	Row     int    `json:"row"`
	Word    string `json:"word"`
	Contact string `json:"contact"`
}

// OtherKinds lists the rows read so far that became kind "other", with the
// word they had.
func (r *Reader) OtherKinds() []OtherKind { return r.others }

// Read is the number of data rows read so far; blank rows do not count.
func (r *Reader) Read() int { return r.read }

// Close releases the file, and for an XLSX the temporary files excelize
// unpacks large sheets into. It is safe to call more than once.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	if r.err == nil {
		r.err = errors.New("reader closed")
	}
	return err
}

// notes collects warnings, up to a cap: a file where every row has the same
// unknown kind must not hold a hundred thousand copies of the same note.
type notes struct {
	items []RowError
	more  int
}

const maxNotes = 1000

func (n *notes) add(e RowError) {
	if len(n.items) < maxNotes {
		n.items = append(n.items, e)
	} else {
		n.more++
	}
}

func (n *notes) list() []RowError {
	out := slices.Clone(n.items)
	if n.more > 0 {
		out = append(out, RowError{Message: fmt.Sprintf("%d more notes like these are not shown", n.more)})
	}
	return out
}

// fileSize refuses what is not a regular file of a sane size before
// anything reads it.
func fileSize(path string, limit int64) (int64, error) {
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return 0, errors.New("there is no such file")
	case err != nil:
		return 0, err
	case info.IsDir():
		return 0, errors.New("this is a folder, not a spreadsheet file")
	case info.Size() == 0:
		return 0, errors.New("the file is empty")
	case info.Size() > limit:
		return 0, fmt.Errorf("the file is %d MB; rapport reads files up to %d MB, so split it into smaller files",
			info.Size()>>20, limit>>20)
	}
	return info.Size(), nil
}
