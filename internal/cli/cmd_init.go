package cli

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"rapport"
)

func cmdInit() *command {
	return &command{
		name:    "init",
		args:    "[DIR]",
		summary: "write rapport.toml, sample campaigns and templates (never overwrites)",
		help: `Writes into DIR (default: the current folder) a commented rapport.toml, the
sample campaigns in campaigns/ and the sample templates in templates/. A file
that already exists is left alone and listed.`,
		example: "rapport init ~/outreach\ncd ~/outreach && $EDITOR rapport.toml",
		run:     runInit,
	}
}

func runInit(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 0, 1, "DIR"); err != nil {
		return err
	}
	dir := "."
	if len(args) == 1 {
		dir = args[0]
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var wrote, kept []string
	err := fs.WalkDir(rapport.Samples, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if p == "config.example.toml" {
			dst = filepath.Join(dir, "rapport.toml")
		}
		ok, err := writeNew(dst, p)
		if ok {
			wrote = append(wrote, dst)
		} else if err == nil {
			kept = append(kept, dst)
		}
		return err
	})
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string][]string{"written": nonNil(wrote), "kept": nonNil(kept)})
	}
	for _, p := range wrote {
		a.say("wrote %s", p)
	}
	for _, p := range kept {
		a.say("kept  %s (already there)", p)
	}
	a.say("\nNext: edit %s (your name, your mail servers), then\n  rapport check --offline\n  rapport import your-contacts.xlsx",
		filepath.Join(dir, "rapport.toml"))
	return nil
}

// writeNew copies an embedded sample to dst unless dst exists. The config
// is written private (0600): the user may put a password in it.
func writeNew(dst, sample string) (bool, error) {
	data, err := rapport.Samples.ReadFile(sample)
	if err != nil {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return false, err
	}
	mode := os.FileMode(0o644)
	if filepath.Base(dst) == "rapport.toml" {
		mode = 0o600
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(dst)
		return false, err
	}
	return true, f.Close()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
