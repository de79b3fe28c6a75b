package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
)

// ExportRow is one contact with what the store knows about it beyond the
// contact itself.
type ExportRow struct {
	contact.Contact
	LastSent  time.Time // zero: never
	LastReply time.Time // zero: never
	Referrals int
}

// exportHeaders are the fixed columns of an export, in order; the custom
// field keys follow. Reading an export back maps each of them to its field
// (and ignores the three history columns, see exportColumns).
var exportHeaders = []string{
	"Email", "Title", "First Name", "Last Name", "Organization", "Kind", "Phone",
	"Street", "City", "Region", "Postal Code", "Country", "Time Zone", "Tags", "Stage",
	"Last Sent", "Last Reply", "Referrals", "Notes",
}

// lastSentCol is the index of Last Sent in exportHeaders; Last Reply follows.
const lastSentCol = 15

// Export writes rows to path as .xlsx or .csv, chosen by the extension,
// with one column per custom field key after the fixed ones. It writes a
// temporary file in the same folder and renames it over path, so path is
// never left half-written. Times are written as given, without a zone:
// callers pass them in the zone the user reads them in.
func Export(path string, rows []ExportRow, fieldKeys []string) error {
	var write func(io.Writer, []ExportRow, []string) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx":
		write = writeXLSX
	case ".csv":
		write = writeCSV
	default:
		return fmt.Errorf("export %s: the file name must end in .xlsx or .csv", filepath.Base(path))
	}
	if err := WriteAtomic(path, 0o600, func(w io.Writer) error { return write(w, rows, fieldKeys) }); err != nil {
		return fmt.Errorf("export %s: %w", filepath.Base(path), err)
	}
	return nil
}

// WriteAtomic writes a file whole or not at all: through a temporary file
// next to path, synced, given perm, then renamed over path; any failure
// removes the temporary file. Exports, reports and sign-in sheets go
// through it, so a full disk or a Ctrl-C never leaves half a spreadsheet.
func WriteAtomic(path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp.Name(), perm); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// exportRecord is one row as text, every value neutralized; times are kept
// aside so the XLSX can write them as real dates.
func exportRecord(r *ExportRow, keys []string) []string {
	c := &r.Contact
	a := c.Address
	rec := []string{
		c.Email, c.Title, c.FirstName, c.LastName, c.Organization, c.Kind, c.Phone,
		a.Street, a.City, a.Region, a.PostalCode, a.Country, c.TimeZone, strings.Join(c.Tags, ", "), string(c.Stage),
		timeText(r.LastSent), timeText(r.LastReply), strconv.Itoa(r.Referrals), c.Notes,
	}
	for _, k := range keys {
		rec = append(rec, c.Fields[k])
	}
	for i, v := range rec {
		rec[i] = Neutralize(v)
	}
	return rec
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02 15:04")
}

func exportHeader(keys []string) []string {
	h := append([]string(nil), exportHeaders...)
	for _, k := range keys {
		h = append(h, Neutralize(k))
	}
	return h
}

// writeCSV writes UTF-8 with a byte-order mark, which is how Excel knows
// it is UTF-8 (without it "Zoë" opens as "ZoÃ«"), and CRLF line ends.
func writeCSV(w io.Writer, rows []ExportRow, keys []string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(exportHeader(keys)); err != nil {
		return err
	}
	for i := range rows {
		if err := cw.Write(exportRecord(&rows[i], keys)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeXLSX streams the rows with a bold, frozen header row and a filter
// on it; dates are real dates, everything else text (strings never become
// formulas in a StreamWriter, and are neutralized all the same for users
// who save the sheet as CSV).
func writeXLSX(w io.Writer, rows []ExportRow, keys []string) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Contacts"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := exportStyles(f)
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	header := exportHeader(keys)
	if err := xlsxLayout(sw, header, st); err != nil {
		return err
	}
	if err := xlsxRows(sw, rows, keys, st); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(header), len(rows)+1)
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

type exportStyle struct{ bold, date int }

func exportStyles(f *excelize.File) (exportStyle, error) {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return exportStyle{}, err
	}
	format := "yyyy-mm-dd hh:mm"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	return exportStyle{bold: bold, date: date}, err
}

func xlsxLayout(sw *excelize.StreamWriter, header []string, st exportStyle) error {
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetColWidth(1, len(header), 16); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: st.bold, Value: h}
	}
	return sw.SetRow("A1", cells, excelize.RowOpts{StyleID: st.bold})
}

func xlsxRows(sw *excelize.StreamWriter, rows []ExportRow, keys []string, st exportStyle) error {
	for i := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, xlsxRow(&rows[i], keys, st)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func xlsxRow(r *ExportRow, keys []string, st exportStyle) []any {
	rec := exportRecord(r, keys)
	cells := make([]any, len(rec))
	for i, v := range rec {
		cells[i] = v
	}
	for i, t := range []time.Time{r.LastSent, r.LastReply} {
		if !t.IsZero() {
			cells[lastSentCol+i] = excelize.Cell{StyleID: st.date, Value: t}
		}
	}
	cells[lastSentCol+2] = r.Referrals
	return cells
}
