package sheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// This file reads what excelize's row iterator does not give: the style of
// the first data cells (to know a date column), the merged ranges, and the
// sheet's shape (see shapescan.go). excelize's GetCellStyle and
// GetMergeCells would do, but each first parses the whole sheet into
// memory: 6.5 s on a 100,000-row sheet, longer than reading it. So the
// sheet's XML is read directly here, only as far as needed.

// styleSampleRows is how many rows below the header are looked at for the
// style of each column's first number.
const styleSampleRows = 20

// maxMerges bounds what a sheet full of merged cells can make us keep.
const maxMerges = 10_000

// sheetInfo is what inspect found: for each column index, the style of its
// first numeric data cell; and the sheet's shape with its merged ranges.
type sheetInfo struct {
	styles map[int]int
	shape  sheetShape
}

// inspect reads the sheet's XML part for styles below headerRow, and for
// its shape, counting cells up to maxCells. It is best effort: a file
// excelize could open but this cannot read gets no date conversion and no
// merge handling, rather than no import.
func inspect(file, sheet string, headerRow int, maxCells int64) sheetInfo {
	var in sheetInfo
	zr, err := zip.OpenReader(file)
	if err != nil {
		return in
	}
	defer zr.Close()
	part := sheetPart(&zr.Reader, sheet)
	if part == nil {
		return in
	}
	in.styles = firstStyles(part, headerRow+1, headerRow+styleSampleRows)
	in.shape = scanShape(part, maxCells)
	return in
}

// headerMerges are the merged ranges that start near the header.
func (in sheetInfo) headerMerges(headerRow int) []cellRange {
	var out []cellRange
	for _, m := range in.shape.merges {
		if m.top <= headerRow+headerSearchRows {
			out = append(out, m)
		}
	}
	return out
}

// sheetPart finds a sheet's XML part: workbook.xml gives the sheet's
// relationship id, workbook.xml.rels the part it points to.
func sheetPart(zr *zip.Reader, sheet string) *zip.File {
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodePart(zr, "xl/workbook.xml", &wb) != nil || decodePart(zr, "xl/_rels/workbook.xml.rels", &rels) != nil {
		return nil
	}
	for _, s := range wb.Sheets {
		if !strings.EqualFold(s.Name, sheet) {
			continue
		}
		for _, rel := range rels.Rels {
			if rel.ID == attr(s.Attrs, "id") {
				return zipEntry(zr, partPath(rel.Target))
			}
		}
	}
	return nil
}

func partPath(target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(path.Clean(target), "/")
	}
	return path.Join("xl", target)
}

func decodePart(zr *zip.Reader, name string, v any) error {
	f := zipEntry(zr, name)
	if f == nil {
		return errors.New("missing " + name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 16<<20)).Decode(v)
}

func attr(attrs []xml.Attr, local string) string {
	for _, a := range attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// firstStyles streams the sheet's rows from..to and records, per column,
// the style of the first cell holding a number. It stops at the first row
// past to, so a sheet of a million rows costs no more than a small one.
func firstStyles(part *zip.File, from, to int) map[int]int {
	styles := map[int]int{}
	rc, err := part.Open()
	if err != nil {
		return styles
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var st styleScan
	for {
		tok, err := d.RawToken()
		if err != nil {
			return styles
		}
		if !st.step(tok, from, styles) || st.row > to {
			return styles
		}
	}
}

// styleScan follows rows and cells through the token stream.
type styleScan struct {
	row, col, style int
	number          bool // the current cell is a number (no t, or t="n")
}

// step handles one token and reports whether to go on.
func (s *styleScan) step(tok xml.Token, from int, styles map[int]int) bool {
	switch t := tok.(type) {
	case xml.StartElement:
		switch t.Name.Local {
		case "row":
			s.row, s.col = intAttr(t.Attr, "r", s.row+1), 0
		case "c":
			s.cell(t.Attr)
		case "v":
			if _, done := styles[s.col-1]; s.number && s.style > 0 && s.row >= from && !done {
				styles[s.col-1] = s.style
			}
		}
	case xml.EndElement:
		return t.Name.Local != "sheetData"
	}
	return true
}

func (s *styleScan) cell(attrs []xml.Attr) {
	s.col++
	if ref := attr(attrs, "r"); ref != "" {
		if c, _, err := excelize.CellNameToCoordinates(ref); err == nil {
			s.col = c
		}
	}
	s.style = intAttr(attrs, "s", 0)
	t := attr(attrs, "t")
	s.number = t == "" || t == "n"
}

func intAttr(attrs []xml.Attr, local string, def int) int {
	if n, err := strconv.Atoi(attr(attrs, local)); err == nil && n >= 0 {
		return n
	}
	return def
}

// mergeRef reads ref="C1:F2" from the rest of a mergeCell element.
func mergeRef(el []byte) (cellRange, bool) {
	if len(el) == 0 || (el[0] != ' ' && el[0] != '\t' && el[0] != '\r' && el[0] != '\n') {
		return cellRange{}, false // <mergeCells ...>, not <mergeCell ...>
	}
	_, after, ok := bytes.Cut(el, []byte(`ref="`))
	ref, _, ok2 := bytes.Cut(after, []byte(`"`))
	from, to, ok3 := strings.Cut(string(ref), ":")
	if !ok || !ok2 || !ok3 {
		return cellRange{}, false
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if err1 != nil || err2 != nil {
		return cellRange{}, false
	}
	return cellRange{top: min(r1, r2), left: min(c1, c2) - 1, bottom: max(r1, r2), right: max(c1, c2) - 1}, true
}
