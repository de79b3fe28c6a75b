package cli

import (
	"context"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"rapport/internal/config"

	"rapport"
)

func cmdInit() *command {
	var email, provider string
	return &command{
		name:    "init",
		args:    "[DIR] [--email ADDRESS [--provider NAME]]",
		summary: "write rapport.toml, sample campaigns and templates (never overwrites)",
		help: `Writes into DIR (default: the current folder) a commented rapport.toml, the
sample campaigns in campaigns/ and the sample templates in templates/. A file
that already exists is left alone and listed.

With --email, rapport.toml gets your address and your provider's mail servers:
Gmail and Outlook.com addresses are known; for your own domain rapport looks
up who receives its mail (Google Workspace, Microsoft 365, iCloud, Fastmail).
When it cannot tell (no internet, another provider), it asks, or, when no one
can answer, says to pass --provider google|microsoft|icloud|fastmail|other.`,
		example: "rapport init ~/outreach --email anna@leefamilytherapy.com\ncd ~/outreach && $EDITOR rapport.toml",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&email, "email", "", "your address: fills in your mail provider's settings")
			fs.StringVar(&provider, "provider", "", "your mail provider when it cannot be told from the address: google, microsoft, icloud, fastmail or other")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			return runInit(ctx, a, args, email, provider)
		},
	}
}

func runInit(ctx context.Context, a *app, args []string, email, provider string) error {
	if err := wantArgs(args, 0, 1, "DIR"); err != nil {
		return err
	}
	cfgText, preset, err := a.initConfig(ctx, email, provider)
	if err != nil {
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
	err = fs.WalkDir(rapport.Samples, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if p == "config.example.toml" {
			dst = filepath.Join(dir, "rapport.toml")
		}
		var ok bool
		if p == "config.example.toml" && cfgText != nil {
			ok, err = writeBytesNew(dst, cfgText)
		} else {
			ok, err = writeNew(dst, p)
		}
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
	// Every folder the new config names exists, empty ones included.
	if cfg, err := config.Load(filepath.Join(dir, "rapport.toml")); err == nil {
		for _, p := range []string{cfg.Paths.Templates, cfg.Paths.Campaigns, cfg.Paths.Letters, filepath.Dir(cfg.Store.Path)} {
			if err := os.MkdirAll(cfg.Resolve(p), 0o755); err != nil {
				return err
			}
		}
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
	a.say("%s", nextSteps(filepath.Join(dir, "rapport.toml"), preset))
	return nil
}

// writeNew copies an embedded sample to dst unless dst exists.
func writeNew(dst, sample string) (bool, error) {
	data, err := rapport.Samples.ReadFile(sample)
	if err != nil {
		return false, err
	}
	return writeBytesNew(dst, data)
}

// writeBytesNew writes data to dst unless dst exists. The config is
// written private (0600): the user may put a password in it.
func writeBytesNew(dst string, data []byte) (bool, error) {
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
