package sheet

// The vCard benchmark: 2,000 Apple-style cards, each with a 40 KB photo
// (about 80 MB, what an address book with photos exports), read into a
// fresh store. The photos must cost time to skip but no memory: peak RSS
// stays far below the file's size.
//
//	go test -run '^$' -bench BenchmarkImportVCard -benchtime 3x -count 1 ./internal/sheet/

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const benchCards = 2000

func benchVCardFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "contacts.vcf")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	photo := strings.Repeat(" /9j/4AAQSkZJRgABAQEAYABgAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0a\r\n", 40<<10/80)
	for i := range benchCards {
		fmt.Fprintf(f, "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee%d;Anna;;Dr.;\r\nFN:Dr. Anna Lee%d\r\nORG:Clinic %d;\r\n"+
			"item1.EMAIL;type=INTERNET;type=pref:anna%d@clinic.test\r\nTEL;type=WORK;type=VOICE:(217) 555-%04d\r\n"+
			"item2.ADR;type=WORK;type=pref:;;%d Main St;Springfield;IL;62701;United States\r\n"+
			"NOTE:Met at the open house.\\nAsked for our brochure.\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/\r\n%sEND:VCARD\r\n",
			i, i, i, i, i%10000, i, photo)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkImportVCard(b *testing.B) {
	path := benchVCardFile(b)
	info, _ := os.Stat(path)
	b.SetBytes(info.Size())
	benchImport(b, path, benchCards)
}
