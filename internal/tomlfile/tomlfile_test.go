package tomlfile

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type conf struct {
	SMTP struct {
		Host string
		Port int
	}
	Sending struct {
		MinGap time.Duration `toml:"min_gap"`
	}
	Sources []struct {
		Path string
		Map  map[string]string
	}
}

const sample = `# rapport
[smtp]
host = "smtp.example.com"   # the server
port = 587

[sending]
min_gap = "45s"

[[sources]]
path = "a.xlsx"

[[sources]]
path = "b.xlsx"
map = { "E-mail" = "email" }
`

func TestUnknownKeyNamesLine(t *testing.T) {
	src := strings.Replace(sample, "port = 587", "port = 587\nhots = \"x\"", 1)
	_, err := Decode("rapport.toml", src, &conf{})
	var p *Problem
	if !errors.As(err, &p) || p.Line != 5 || p.Key != "smtp.hots" {
		t.Fatalf("err = %v (%+v)", err, p)
	}
	if !strings.Contains(err.Error(), `rapport.toml line 5: smtp.hots: unknown key "hots"`) {
		t.Errorf("message = %q", err)
	}
}

func TestTypeAndSyntaxErrorsNameLine(t *testing.T) {
	_, err := Decode("rapport.toml", strings.Replace(sample, "port = 587", `port = "five"`, 1), &conf{})
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("type error = %v", err)
	}
	_, err = Decode("rapport.toml", strings.Replace(sample, "port = 587", `port = `, 1), &conf{})
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("syntax error = %v", err)
	}
}

func TestLineFindsKeysInTablesAndArrayTables(t *testing.T) {
	f, err := Decode("rapport.toml", sample, &conf{})
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]int{"smtp.port": 4, "sending.min_gap": 7, "sources.path": 10,
		"sources.1.path": 13, "sources.1.map": 14, "sending": 6, "smtp.nothing": 2, "nowhere": 0} {
		if got := f.Line(key); got != want {
			t.Errorf("Line(%q) = %d, want %d", key, got, want)
		}
	}
}

func TestSubTableOfAnArrayEntry(t *testing.T) {
	f := &File{Path: "c.toml", src: "[[steps]]\nid = \"a\"\n[steps.event]\nstart = \"x\"\n[[steps]]\nid = \"b\"\n[steps.event]\nstart = \"y\"\n"}
	for key, want := range map[string]int{"steps.0.event.start": 4, "steps.1.event.start": 8, "steps.1.event.end": 7,
		"steps.event.start": 4, "steps.0": 1, "steps.1": 5, "steps.0.event": 3} {
		if got := f.Line(key); got != want {
			t.Errorf("Line(%s) = %d, want %d", key, got, want)
		}
	}
}
