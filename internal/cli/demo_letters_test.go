package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTheDemoPrintsTheCounselorsCard: the demo's postal-only contact gets
// a card, written with its labels where --keep DIR keeps them to open.
func TestTheDemoPrintsTheCounselorsCard(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	var out bytes.Buffer
	code := RunEnv(context.Background(), Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}, []string{"demo", "--keep", dir})
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s", code, out.String())
	}
	for _, want := range []string{"A handwritten note by post", "Ms. Carol Jensen                intro-by-post/card  written to print batch 1",
		"Open them: the folder is kept.", "every step is done; by post only", "(kept)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo does not show %q:\n%s", want, out.String())
		}
	}
	cards, _ := filepath.Glob(filepath.Join(dir, "letters", "*-cards.pdf"))
	labels, _ := filepath.Glob(filepath.Join(dir, "letters", "*-labels.pdf"))
	if len(cards) != 1 || len(labels) != 1 || !strings.Contains(out.String(), cards[0]) {
		t.Fatalf("cards %v, labels %v", cards, labels)
	}
	if text := pdfText(t, cards[0]); !strings.Contains(text, "Dear Ms. Jensen,") || !strings.Contains(text, "Dear Pastor Kim,") {
		t.Errorf("cards: %s", text)
	}
	if text := pdfText(t, labels[0]); !strings.Contains(text, "Ms. Carol Jensen Lincoln Middle School 300 School Rd Springfield, IL 62711") {
		t.Errorf("labels: %s", text)
	}
	out.Reset()
	code = RunEnv(context.Background(), Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}, []string{"demo", "--keep=" + dir})
	if code != exitUsage || !strings.Contains(out.String(), "not empty") {
		t.Errorf("a second demo into the same folder: exit %d %s", code, out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "rapport.toml")); err != nil {
		t.Error("the kept folder was touched")
	}
}
