package sheet

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// headerSearchRows is how many non-blank rows are searched for the header:
// enough for a title, a date line and a few notes above it.
const headerSearchRows = 20

// headerSearchDepth bounds the physical rows looked at while collecting
// those 20, so that a sheet of a million empty rows is not walked here.
const headerSearchDepth = 1000

// bufRow is a row read ahead while looking for the header.
type bufRow struct {
	cells []string
	num   int // the spreadsheet's row number
}

// headerPick is where the header is and what each column is called.
type headerPick struct {
	at    int      // index into the buffered rows of the (first) header row
	depth int      // 1, or 2 for a group row above a sub-header row
	names []string // per column: the header text, "" for none
}

// cellRange is a merged range: rows are the sheet's row numbers, columns
// 0-based indexes.
type cellRange struct{ top, left, bottom, right int }

// pickHeader finds the row (or pair of rows) that names the most known
// fields and has an email, name or organization column. Ties go to the
// earlier row and to a single row over a pair.
func pickHeader(rows []bufRow, mt matcher) (headerPick, bool) {
	var best headerPick
	bestScore := 0
	for i := range rows {
		names := headerNames(rows[i].cells)
		single := mt.score(names)
		if single > bestScore {
			best, bestScore = headerPick{at: i, depth: 1, names: names}, single
		}
		if !isSubHeader(rows, i) {
			continue
		}
		pair := combineRows(mt, rows, i, nil)
		if s := mt.score(pair); s > bestScore && s > mt.score(headerNames(rows[i+1].cells)) {
			best, bestScore = headerPick{at: i, depth: 2, names: pair}, s
		}
	}
	return best, bestScore > 0
}

// isSubHeader reports whether row i+1 could be a sub-header under row i:
// directly below it and holding no email address (a data row would).
func isSubHeader(rows []bufRow, i int) bool {
	if i+1 >= len(rows) || rows[i+1].num != rows[i].num+1 {
		return false
	}
	for _, c := range rows[i+1].cells {
		if strings.Contains(c, "@") {
			return false
		}
	}
	return true
}

func headerNames(cells []string) []string {
	names := make([]string, len(cells))
	for i, c := range cells {
		names[i] = headerText(c)
	}
	return names
}

// combineRows names the columns of a two-row header at rows[i] and
// rows[i+1]. A group cell merged across several columns ("Address" over
// Street, City, State, Zip) names each of them; Excel keeps its text only
// in the first cell, so merges says where the rest of the group is.
func combineRows(mt matcher, rows []bufRow, i int, merges []cellRange) []string {
	top, sub := rows[i].cells, rows[i+1].cells
	names := make([]string, max(len(top), len(sub)))
	for c := range names {
		group := mergedText(rows, rows[i].num, c, merges)
		names[c] = mt.combine(group, headerText(cellAt(sub, c)))
	}
	return names
}

// mergedText is the text of the cell at row num, column c: its own, or that
// of the merged range covering it.
func mergedText(rows []bufRow, num, c int, merges []cellRange) string {
	if t := headerText(cellAt(rowCells(rows, num), c)); t != "" {
		return t
	}
	for _, m := range merges {
		if m.top <= num && num <= m.bottom && m.left <= c && c <= m.right {
			return headerText(cellAt(rowCells(rows, m.top), m.left))
		}
	}
	return ""
}

// spreadMerged names the blank cells of a one-row header that sit inside a
// merged header cell: "Phone" merged over two columns gives "Phone" and
// "Phone 2", so the second column's values are kept, not dropped.
func spreadMerged(names []string, num int, merges []cellRange) []string {
	for _, m := range merges {
		if m.top > num || num > m.bottom || m.left >= len(names) || names[m.left] == "" {
			continue
		}
		for len(names) <= m.right {
			names = append(names, "")
		}
		for c, n := m.left+1, 2; c <= m.right; c, n = c+1, n+1 {
			if names[c] == "" {
				names[c] = names[m.left] + " " + strconv.Itoa(n)
			}
		}
	}
	return names
}

func rowCells(rows []bufRow, num int) []string {
	for _, r := range rows {
		if r.num == num {
			return r.cells
		}
	}
	return nil
}

func cellAt(cells []string, i int) string {
	if i < len(cells) {
		return cells[i]
	}
	return ""
}

// readHead reads ahead the rows the header is looked for in: up to 20
// non-blank rows, within the first 1000. The rows are kept, to be returned
// by Next once the header is known; blank rows are dropped, as Next would
// skip them. (A CSV with LazyQuotes yields no bad rows, so none is lost.)
func (r *Reader) readHead() ([]bufRow, error) {
	var head []bufRow
	for len(head) < headerSearchRows {
		cells, num, err := r.src.next()
		var re *RowError
		switch {
		case errors.Is(err, io.EOF):
			return head, nil
		case errors.As(err, &re):
			continue
		case err != nil:
			return head, err
		}
		if !blank(cells) {
			head = append(head, bufRow{cells: append([]string(nil), cells...), num: num})
		}
		if num > headerSearchDepth {
			break
		}
	}
	return head, nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// noHeader explains a file whose first rows name no contact column, showing
// what the first row says so the user sees what rapport saw.
func noHeader(head []bufRow) error {
	first := headerNames(head[0].cells)
	if len(first) > 12 {
		first = append(first[:12], "…")
	}
	return fmt.Errorf("no header row with an email, name or organization column in the first %d rows (row %d says: %s); add a header row, or name the columns with --map 'Column=email'",
		headerSearchRows, head[0].num, strings.Join(first, " | "))
}
