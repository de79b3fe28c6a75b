package sheet

import (
	"archive/zip"
	"bytes"
)

// sheetShape is what one pass over a sheet's XML found: its merged ranges,
// and how many cells excelize's row iterator would hand over, counting the
// empty ones it fills in left of each row's last cell. A sheet with a stray
// cell in column XFD on every row costs 16,384 cells a row to read even
// though it holds one value: a million such rows took 101 s of CPU before
// they were refused. Counting them first refuses such a sheet in a second.
type sheetShape struct {
	merges   []cellRange
	cells    int64 // Σ over rows of the column number of the row's last cell
	widest   int   // the largest column number of a cell
	widestAt int   // the first row reaching it
	over     bool  // cells went past the limit; the scan stopped there
}

// scanShape reads the sheet part's bytes, without an XML parser: on a
// large sheet a tenth of the time. limit stops the count early.
func scanShape(part *zip.File, limit int64) sheetShape {
	rc, err := part.Open()
	if err != nil {
		return sheetShape{}
	}
	defer rc.Close()
	s := shapeScan{limit: limit}
	buf, end := make([]byte, 1<<20), 0
	for !s.over && len(s.merges) < maxMerges {
		n, err := rc.Read(buf[end:])
		end += n
		used := s.tags(buf[:end])
		if used == 0 && end == len(buf) { // one "tag" longer than the buffer: not a sheet we understand
			used = end
		}
		end = copy(buf, buf[used:end])
		if err != nil {
			break
		}
	}
	s.endRow()
	return s.sheetShape
}

type shapeScan struct {
	sheetShape
	limit       int64
	row, rowMax int // the current row's number and last column
	col         int // the last cell's column, for a cell without a reference
}

// tags handles the complete tags in b and returns how far it got. Most
// tags of a sheet are <v>, <t>, <is> and their ends; they are passed over
// on their first letters, without looking for their ends.
func (s *shapeScan) tags(b []byte) int {
	i := 0
	for {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return len(b)
		}
		lt += i
		if lt+3 >= len(b) {
			return lt
		}
		if !wanted(b[lt+1:]) {
			i = lt + 1
			continue
		}
		gt := bytes.IndexByte(b[lt:], '>')
		if gt < 0 {
			return lt
		}
		gt += lt
		s.tag(b[lt+1 : gt])
		i = gt + 1
	}
}

// wanted reports whether the tag starting at t may be one that tag
// handles: row, c, mergeCell, their ends, or any name with a namespace
// prefix ("x:row"). t holds at least three bytes.
func wanted(t []byte) bool {
	switch t[0] {
	case 'r', 'm':
		return true
	case 'c':
		return t[1] == ' ' || t[1] == '>' || t[1] == '/' || t[1] == '\t' || t[1] == '\n' || t[1] == '\r'
	case '/':
		return t[1] == 'r' || prefixed(t[1:])
	}
	return prefixed(t)
}

// prefixed reports a tag name with a namespace prefix.
func prefixed(t []byte) bool {
	for i := 0; i < len(t) && i < 12; i++ {
		switch t[i] {
		case ':':
			return true
		case ' ', '>', '/', '\t', '\n', '\r':
			return false
		}
	}
	return false
}

func (s *shapeScan) tag(t []byte) {
	if len(t) == 0 {
		return
	}
	closing := t[0] == '/'
	if closing {
		t = t[1:]
	}
	name, attrs := tagName(t)
	switch string(name) { // no allocation: the compiler compares in place
	case "row":
		s.endRow()
		if closing {
			return
		}
		s.row = refNumber(attrValue(attrs, `r="`), s.row+1)
		if bytes.HasSuffix(attrs, []byte("/")) {
			s.endRow()
		}
	case "c":
		if !closing {
			s.cell(attrValue(attrs, `r="`))
		}
	case "mergeCell":
		if r, ok := mergeRef(attrs); ok && !closing {
			s.merges = append(s.merges, r)
		}
	}
}

func (s *shapeScan) cell(ref []byte) {
	col := 0
	for _, c := range ref {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			break
		}
		col = col*26 + int(c-'A'+1)
	}
	if col == 0 {
		col = s.col + 1
	}
	s.col = col
	s.rowMax = max(s.rowMax, col)
}

func (s *shapeScan) endRow() {
	if s.rowMax > 0 {
		s.cells += int64(s.rowMax)
		if s.rowMax > s.widest {
			s.widest, s.widestAt = s.rowMax, s.row
		}
		s.over = s.cells > s.limit
	}
	s.rowMax, s.col = 0, 0
}

// tagName splits "x:row r=\"5\"" into the local name "row" and the rest.
func tagName(t []byte) (name, attrs []byte) {
	end := bytes.IndexAny(t, " \t\r\n/")
	if end < 0 {
		end = len(t)
	}
	name, attrs = t[:end], t[end:]
	if i := bytes.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	return name, attrs
}

func attrValue(attrs []byte, key string) []byte {
	i := bytes.Index(attrs, []byte(key))
	if i < 0 || i > 0 && attrs[i-1] != ' ' && attrs[i-1] != '\t' && attrs[i-1] != '\n' && attrs[i-1] != '\r' {
		return nil
	}
	v := attrs[i+len(key):]
	if j := bytes.IndexByte(v, '"'); j >= 0 {
		return v[:j]
	}
	return nil
}

// refNumber reads a row number; def when there is none.
func refNumber(b []byte, def int) int {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' || n > 1<<24 {
			return def
		}
		n = n*10 + int(c-'0')
	}
	if len(b) == 0 {
		return def
	}
	return n
}
