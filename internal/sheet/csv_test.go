package sheet

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"
)

func utf16LE(t *testing.T, s string, bom bool) []byte {
	t.Helper()
	policy := unicode.IgnoreBOM
	if bom {
		policy = unicode.UseBOM
	}
	b, err := unicode.UTF16(unicode.LittleEndian, policy).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCSVEncodingsAndDelimiters(t *testing.T) {
	tests := []struct {
		story, name string
		data        []byte
		encoding    string
	}{
		{"UTF-8", "plain.csv", []byte("Email,First Name,Last Name\nzoe@x.test,Zoë,Adler\n"), "UTF-8"},
		{"UTF-8 with a BOM, CRLF", "bom.csv", []byte("\xEF\xBB\xBFEmail,First Name,Last Name\r\nzoe@x.test,Zoë,Adler\r\n"), "UTF-8"},
		{"Windows-1252 from Excel on Windows", "cp1252.csv", []byte("Email,First Name,Last Name\r\nzoe@x.test,Zo\xEB,Adler\r\n"), "Windows-1252"},
		{"semicolons from German Excel", "de.csv", []byte("E-Mail;Vorname;Nachname\r\nzoe@x.test;Zo\xEB;Adler\r\n"), "Windows-1252"},
		{"tabs", "tabs.txt", []byte("Email\tFirst Name\tLast Name\nzoe@x.test\tZoë\tAdler\n"), "UTF-8"},
		{"a .tsv", "list.tsv", []byte("Email\tFirst Name\tLast Name\nzoe@x.test\tZoë\tAdler\n"), "UTF-8"},
		{"UTF-16 LE with BOM (Excel's Unicode Text)", "unicode.txt", utf16LE(t, "Email\tFirst Name\tLast Name\r\nzoe@x.test\tZoë\tAdler\r\n", true), "UTF-16LE"},
		{"UTF-16 LE without BOM", "nobom.csv", utf16LE(t, "Email,First Name,Last Name\r\nzoe@x.test,Zoë,Adler\r\n", false), "UTF-16LE"},
		{"title line with commas above a semicolon header", "title.csv", []byte("Contacts, spring, 2024\nEmail;First Name;Last Name\nzoe@x.test;Zoë;Adler\n"), "UTF-8"},
		{"trailing empty columns", "trailing.csv", []byte("Email,First Name,Last Name,,,\nzoe@x.test,Zoë,Adler,,,\n"), "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			res := readAll(t, writeFile(t, tt.name, tt.data), Options{})
			if len(res.contacts) != 1 || len(res.errs) != 0 {
				t.Fatalf("contacts %+v errors %v", res.contacts, res.errs)
			}
			c := res.contacts[0]
			if c.Email != "zoe@x.test" || c.FirstName != "Zoë" || c.LastName != "Adler" {
				t.Errorf("contact = %+v", c)
			}
			if res.r.Encoding() != tt.encoding || res.r.Sheet() != "" {
				t.Errorf("encoding %q, want %q", res.r.Encoding(), tt.encoding)
			}
		})
	}
}

func TestCSVRowNumbersAreLines(t *testing.T) {
	data := "Email,Name,Notes\n" +
		"lee@clinic.test,Anna Lee,\"first line\n" +
		"second line\"\n" +
		"\n" +
		"kim@church.test,Pastor Kim,ok\n" +
		"KIM@church.test,Pastor Kim,again\n"
	res := readAll(t, writeFile(t, "lines.csv", []byte(data)), Options{})
	if len(res.contacts) != 2 || res.contacts[0].Source.Row != 2 || res.contacts[1].Source.Row != 5 {
		t.Fatalf("contacts %+v", res.contacts)
	}
	if n := res.contacts[0].Notes; n != "first line\nsecond line" {
		t.Errorf("notes typed over two lines: %q", n)
	}
	if len(res.errs) != 1 {
		t.Fatalf("errors %v", res.errs)
	}
	if e := res.errs[0]; e.Error() != `row 6, column "Email": same email as row 5` {
		t.Errorf("error = %v", e)
	}
	if res.r.Read() != 3 {
		t.Errorf("read %d", res.r.Read())
	}
}

func TestCSVStrayQuoteSwallowingRows(t *testing.T) {
	data := "Email,Name,Organization,Notes\n" +
		"lee@clinic.test,Anna Lee,Elm Pediatrics,\"says \"hi\n" +
		"kim@church.test,Pastor Kim,Grace Church,ok\n" +
		"ortiz@school.test,Sam Ortiz,Lincoln High,fine\n"
	res := readAll(t, writeFile(t, "quote.csv", []byte(data)), Options{})
	if len(res.errs) != 1 || res.errs[0].Column != "Notes" || !strings.Contains(res.errs[0].Message, "stray quote") {
		t.Errorf("a cell that swallowed the next rows: contacts %d, errors %v", len(res.contacts), res.errs)
	}
}

func TestCSVFormulaApostropheIsUndone(t *testing.T) {
	data := "Email,Notes,Phone\nlee@clinic.test,'=HYPERLINK(\"http://x\"),'+1 555\n"
	res := readAll(t, writeFile(t, "escaped.csv", []byte(data)), Options{})
	c := res.contacts[0]
	if c.Notes != `=HYPERLINK("http://x")` || c.Phone != "+1 555" {
		t.Errorf("contact = %+v", c)
	}
}

func TestCSVEmptyAndHeaderOnly(t *testing.T) {
	t.Run("only blank lines", func(t *testing.T) {
		msg := openErr(t, writeFile(t, "blank.csv", []byte("\n\n,,\n")), Options{})
		if msg != "blank.csv: the file has no rows" {
			t.Errorf("error = %s", msg)
		}
	})
	t.Run("a header and no rows", func(t *testing.T) {
		res := readAll(t, writeFile(t, "header.csv", []byte("Email,Name\n")), Options{})
		if len(res.contacts)+len(res.errs) != 0 || len(res.r.Columns()) != 2 {
			t.Errorf("columns %v", res.r.Columns())
		}
	})
	t.Run("no contact header", func(t *testing.T) {
		msg := openErr(t, writeFile(t, "numbers.csv", []byte("a,b,c\n1,2,3\n")), Options{})
		if !strings.Contains(msg, "no header row with an email, name or organization column") || !strings.Contains(msg, "a | b | c") {
			t.Errorf("error = %s", msg)
		}
	})
	t.Run("too big", func(t *testing.T) {
		msg := openErr(t, writeFile(t, "big.csv", []byte(strings.Repeat("x", 2<<20))), Options{MaxBytes: 1 << 20})
		if !strings.Contains(msg, "rapport reads files up to 1 MB") {
			t.Errorf("error = %s", msg)
		}
	})
}

func TestSplitName(t *testing.T) {
	tests := []struct {
		story, in                 string
		title, first, last, creds string
	}{
		{"last, first", "Lee, Anna", "", "Anna", "Lee", ""},
		{"title first last", "Dr. Anna Lee", "Dr.", "Anna", "Lee", ""},
		{"title and a family name only", "Pastor Kim", "Pastor", "", "Kim", ""},
		{"a single name is a first name", "Maria", "", "Maria", "", ""},
		{"credentials after a comma", "Anna Lee, LCSW", "", "Anna", "Lee", "LCSW"},
		{"MD makes a doctor", "Anna Lee, MD", "", "Anna", "Lee", "MD"},
		{"last, title first, credentials", "Lee, Dr. Anna, MD, PhD", "Dr.", "Anna", "Lee", "MD, PhD"},
		{"a Vietnamese given name that looks like a credential", "Tran, Do", "", "Do", "Tran", ""},
		{"middle name stays with the first", "Anna Marie Lee", "", "Anna Marie", "Lee", ""},
		{"particles go with the last name", "Anna van der Berg", "", "Anna", "van der Berg", ""},
		{"suffix stays with the last name", "Rev. Martin King Jr.", "Rev.", "Martin", "King Jr.", ""},
		{"the reverend", "The Reverend Jo Smith", "Reverend", "Jo", "Smith", ""},
		{"CJK name without spaces", "大松太郎", "", "大松太郎", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			title, first, last, creds := splitName(tt.in)
			if title != tt.title || first != tt.first || last != tt.last || creds != tt.creds {
				t.Errorf("splitName(%q) = %q %q %q %q", tt.in, title, first, last, creds)
			}
		})
	}
}

func TestNamesOnContacts(t *testing.T) {
	data := "Email,First Name,Last Name,Title\n" +
		"a@x.test,Dr. Anna,Lee,\n" +
		"b@x.test,Rev. Jo,Smith,Pastor\n" +
		"c@x.test,Anna,\"Lee, DO\",\n"
	res := readAll(t, writeFile(t, "parts.csv", []byte(data)), Options{})
	got := []string{}
	for _, c := range res.contacts {
		got = append(got, c.Title+"|"+c.FirstName+"|"+c.LastName+"|"+c.Fields["credentials"])
	}
	want := []string{"Dr.|Anna|Lee|", "Pastor|Jo|Smith|", "Dr.|Anna|Lee|DO"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
