package cli

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rapport/internal/config"
)

// initWith runs `rapport init DIR args...` with a DNS that answers mx (or
// fails, when mx is nil, as on a machine without internet).
func initWith(t *testing.T, mx []string, args ...string) (dir, out, errs string, code int) {
	t.Helper()
	u := &user{t: t, dir: t.TempDir(), env: func(e *Env) {
		e.LookupMX = func(_ context.Context, domain string) ([]*net.MX, error) {
			if mx == nil {
				return nil, &net.DNSError{Err: "no such host", Name: domain, IsTemporary: true}
			}
			var recs []*net.MX
			for _, h := range mx {
				recs = append(recs, &net.MX{Host: h + ".", Pref: 10})
			}
			return recs, nil
		}
	}}
	dir = filepath.Join(u.dir, "outreach")
	out, errs, code = u.run(append([]string{"init", dir}, args...)...)
	return dir, out, errs, code
}

func TestInitFillsTheProviderFromTheAddress(t *testing.T) {
	load := func(t *testing.T, dir string) string {
		b, err := os.ReadFile(filepath.Join(dir, "rapport.toml"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	t.Run("a Gmail address", func(t *testing.T) {
		dir, out, errs, code := initWith(t, nil, "--email", "Anna.Lee@gmail.com")
		cfg := load(t, dir)
		if code != 0 || !strings.Contains(cfg, `host = "smtp.gmail.com"`) || !strings.Contains(cfg, `auth = "oauth2"`) ||
			!strings.Contains(cfg, "\n[oauth]\nprovider = \"google\"") || !strings.Contains(out, "rapport login google") {
			t.Fatalf("exit %d %s\n%s", code, errs, cfg)
		}
	})
	t.Run("a practice domain hosted by Microsoft 365", func(t *testing.T) {
		dir, _, errs, code := initWith(t, []string{"leefamilytherapy-com.mail.protection.outlook.com"}, "--email", "anna@leefamilytherapy.com")
		cfg := load(t, dir)
		if code != 0 || !strings.Contains(cfg, `host = "smtp.office365.com"`) || !strings.Contains(cfg, `provider = "microsoft"`) ||
			!strings.Contains(errs, "Microsoft 365") {
			t.Fatalf("exit %d %s\n%s", code, errs, cfg)
		}
	})
	t.Run("offline and not at a terminal: say which --provider to pass", func(t *testing.T) {
		dir, _, errs, code := initWith(t, nil, "--email", "anna@leefamilytherapy.com")
		if code != exitUsage || !strings.Contains(errs, "pass --provider google, microsoft, icloud, fastmail or other") || !strings.Contains(errs, "offline") {
			t.Fatalf("exit %d %s", code, errs)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Error("files were written although init failed")
		}
	})
	t.Run("the provider named", func(t *testing.T) {
		dir, out, _, code := initWith(t, nil, "--email", "anna@leefamilytherapy.com", "--provider", "fastmail")
		cfg := load(t, dir)
		if code != 0 || !strings.Contains(cfg, `host = "smtp.fastmail.com"`) || strings.Contains(cfg, "\n[oauth]") || !strings.Contains(out, "App passwords") {
			t.Fatalf("exit %d %s\n%s", code, out, cfg)
		}
	})
}

func TestAskProviderAtATerminal(t *testing.T) {
	var out strings.Builder
	p, err := askProvider(strings.NewReader("9\nsecond\n2\n"), &out, "leefamilytherapy.com", "its mail servers could not be looked up")
	if err != nil || p.Name != "microsoft" {
		t.Fatalf("%+v %v", p, err)
	}
	if !strings.Contains(out.String(), "1) Gmail / Google Workspace") || strings.Count(out.String(), "Choose 1-5") != 3 {
		t.Errorf("the question:\n%s", out.String())
	}
	if p, err := askProvider(strings.NewReader("5\n"), &out, "x.example", ""); err != nil || p != (config.Preset{}) {
		t.Errorf("other: %+v %v", p, err)
	}
}
