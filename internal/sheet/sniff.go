package sheet

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

type format int

const (
	formatCSV format = iota
	formatXLSX
	formatVCard
)

func (f format) String() string {
	return [...]string{"csv", "xlsx", "vcard"}[f]
}

// unit is what a row of the format is called in messages.
func (f format) unit() string {
	if f == formatVCard {
		return "card"
	}
	return "row"
}

var (
	zipMagic      = []byte("PK\x03\x04")
	emptyZipMagic = []byte("PK\x05\x06")
	oleMagic      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	saveAs        = "open it in Excel (or Numbers, LibreOffice, Google Sheets) and save it as .xlsx or .csv"
)

// sniff decides the format from the file's first bytes rather than its
// name: users rename files, and old systems export HTML or Excel 97 files
// with whatever extension. Text is read as CSV.
func sniff(path string, limit int64) (format, error) {
	size, err := fileSize(path, math.MaxInt64)
	if err != nil {
		return 0, err
	}
	head, err := readHead(path, 4096)
	if err != nil {
		return 0, err
	}
	if vc, err := isVCard(path, head); vc || err != nil {
		if err == nil && size > vcardBytes(limit) {
			err = fmt.Errorf("the file is %d MB; rapport reads contacts exports up to %d MB (photos make them large): in Apple Contacts turn off Settings › vCard › Export photos in vCards, or export fewer contacts at a time",
				size>>20, vcardBytes(limit)>>20)
		}
		return formatVCard, err
	}
	if _, err := fileSize(path, limit); err != nil {
		return 0, err
	}
	switch {
	case bytes.HasPrefix(head, zipMagic) || bytes.HasPrefix(head, emptyZipMagic):
		return formatXLSX, checkZip(path)
	case bytes.HasPrefix(head, oleMagic):
		return 0, oleProblem(path, limit)
	case isMarkup(head):
		return 0, errors.New("this is a web page or XML file saved under a spreadsheet name, not a real spreadsheet; " + saveAs)
	case isBinary(head):
		return 0, errors.New("this is not a spreadsheet rapport can read; " + saveAs)
	}
	return formatCSV, nil
}

// vcardBytes is the largest vCard file read: larger than a spreadsheet,
// since its photos are skipped as they stream by rather than held.
func vcardBytes(limit int64) int64 { return 4 * limit }

// isVCard recognizes a contacts export (.vcf) by its first line,
// BEGIN:VCARD, whatever the file is called; a file named .vcf that does not
// start so is refused, not read as a spreadsheet.
func isVCard(path string, head []byte) (bool, error) {
	text := head
	if utf16Guess(head) != "" || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) {
		r, _ := vcardText(bytes.NewReader(head))
		text, _ = io.ReadAll(r)
	}
	text = bytes.TrimLeft(bytes.TrimPrefix(text, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(text) >= 11 && bytes.EqualFold(text[:11], []byte("BEGIN:VCARD")) {
		return true, nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".vcf", ".vcard":
		return false, errors.New("this file is named like a contacts export (.vcf) but does not start with BEGIN:VCARD, so it is not one; export your contacts again as vCard")
	}
	return false, nil
}

func readHead(path string, n int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, n)
	got, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return head[:got], nil
}

// checkZip tells an Excel workbook from the other zip-based files people
// pick by mistake, each with what to do instead.
func checkZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("the file is damaged and cannot be opened as an Excel workbook (%v); %s", err, saveAs)
	}
	defer zr.Close()
	has := func(name string) bool { return zipEntry(&zr.Reader, name) != nil }
	switch {
	case has("xl/workbook.xml"):
		return nil
	case has("xl/workbook.bin"):
		return errors.New("this is an Excel binary workbook (.xlsb); " + saveAs)
	case has("content.xml") && has("mimetype"):
		return errors.New("this is an OpenDocument file (.ods); " + saveAs)
	case has("Index/Document.iwa"):
		return errors.New("this is an Apple Numbers file; in Numbers choose File › Export To › Excel or CSV")
	case has("word/document.xml"):
		return errors.New("this is a Word document, not a spreadsheet")
	}
	return errors.New("this is a zip archive, not an Excel workbook; " + saveAs)
}

// zipEntry finds a part by name the way Excel does: case-insensitively,
// with either slash.
func zipEntry(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f
		}
	}
	return nil
}

// oleProblem explains an OLE compound file: an Excel 97-2003 workbook, or a
// password-protected .xlsx, which Excel wraps the same way.
func oleProblem(path string, limit int64) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	data = data[:min(int64(len(data)), limit)]
	switch {
	case bytes.Contains(data, utf16le("EncryptionInfo")) || bytes.Contains(data, utf16le("EncryptedPackage")):
		return errors.New("the file is password-protected; open it in Excel, remove the password (File › Info › Protect Workbook › Encrypt with Password, clear it) and save it again")
	case bytes.Contains(data, utf16le("Workbook")) || bytes.Contains(data, utf16le("Book")):
		return errors.New("this is an Excel 97-2003 workbook (.xls), which rapport cannot read; " + saveAs)
	}
	return errors.New("this is an old Office file, not a spreadsheet rapport can read; " + saveAs)
}

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		out = append(out, s[i], 0)
	}
	return out
}

// isMarkup spots HTML tables and Excel 2003 XML saved as .xls or .csv.
func isMarkup(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")), " \t\r\n")
	if len(h) == 0 || h[0] != '<' {
		return false
	}
	l := bytes.ToLower(h[:min(len(h), 200)])
	for _, p := range []string{"<html", "<!doctype", "<table", "<?xml", "<meta", "<head", "<body"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}

// isBinary reports bytes no text file holds: NULs (unless they are the
// high bytes of UTF-16 text) and other control characters.
func isBinary(head []byte) bool {
	if bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || utf16Guess(head) != "" {
		return false
	}
	bad := 0
	for _, c := range head {
		if c == 0 || c < 0x09 || c > 0x0D && c < 0x20 && c != 0x1A {
			bad++
		}
	}
	return bad > len(head)/100
}

// utf16Guess recognizes UTF-16 text without a byte-order mark by its NULs:
// mostly-ASCII text has every other byte zero. It returns "le", "be" or "".
func utf16Guess(head []byte) string {
	n := len(head) &^ 1
	if n < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	half := n / 2
	switch {
	case odd > half*3/4 && even < half/10:
		return "le"
	case even > half*3/4 && odd < half/10:
		return "be"
	}
	return ""
}
