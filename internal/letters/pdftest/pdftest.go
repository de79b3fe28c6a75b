// Package pdftest reads PDFs back in tests, with pdftotext from Debian's
// poppler-utils: the text a person would see, so a test can say a letter
// holds the right name and address. A test skips when pdftotext is not
// installed. It is for tests only.
package pdftest

import (
	"os/exec"
	"strings"
	"testing"
)

// Text is the text of the PDF at path, its runs of white space made one
// space.
func Text(t testing.TB, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed (Debian package poppler-utils): cannot read the PDF back")
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
