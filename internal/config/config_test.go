package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/tomlfile"
)

func write(t *testing.T, body string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rapport.toml")
	if err := os.WriteFile(p, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func example(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExampleConfigLoads(t *testing.T) {
	c, err := Load(write(t, example(t), 0o644))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "smtp.example.com" || c.SMTP.Port != 587 || c.SMTP.PasswordEnv != "RAPPORT_SMTP_PASSWORD" {
		t.Errorf("smtp = %+v", c.SMTP)
	}
	if c.IMAP.Username != "anna@leefamilytherapy.example" {
		t.Errorf("imap username should default to the identity email, got %q", c.IMAP.Username)
	}
	if c.Sending.MinGap.Duration != 45*time.Second || c.Sending.AutoReplyPause.Duration != 7*24*time.Hour {
		t.Errorf("sending = %+v", c.Sending)
	}
	if c.Location.String() != "America/Chicago" || !strings.Contains(c.Identity.Signature, "Anna Lee, LMFT\nLee Family Therapy") {
		t.Errorf("location %v signature %q", c.Location, c.Identity.Signature)
	}
	if c.Resolve("rapport.db") != filepath.Join(c.Dir, "rapport.db") {
		t.Error("paths must resolve against the config's folder")
	}
}

func TestUnknownKeyIsAnErrorWithItsLine(t *testing.T) {
	body := strings.Replace(example(t), `host = "smtp.example.com"`, `hots = "smtp.example.com"`, 1)
	_, err := Load(write(t, body, 0o600))
	var p *tomlfile.Problem
	if !errors.As(err, &p) || p.Key != "smtp.hots" || p.Line == 0 {
		t.Fatalf("err = %v", err)
	}
	lines := strings.Split(body, "\n")
	if !strings.HasPrefix(lines[p.Line-1], "hots") {
		t.Errorf("line %d is %q", p.Line, lines[p.Line-1])
	}
}

func TestProblemsAreAllReportedWithLines(t *testing.T) {
	body := strings.NewReplacer(`window = "Mon-Fri 09:00-17:00"`, `window = "weekdays"`,
		`timezone = "America/Chicago"`, `timezone = "Chicago"`,
		`security = "starttls"`, `security = "none"`).Replace(example(t))
	_, err := Load(write(t, body, 0o600))
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 3 {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"sending.timezone", "sending.window", "smtp.security", "line "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%v", want, err)
		}
	}
}

func TestInlinePasswordNeedsAPrivateFile(t *testing.T) {
	body := strings.Replace(example(t), `password_env = "RAPPORT_SMTP_PASSWORD"`, `password = "hunter2"`, 1)
	_, err := Load(write(t, body, 0o644))
	if err == nil || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
	c, err := Load(write(t, body, 0o600))
	if err != nil {
		t.Fatal(err)
	}
	if pw, _ := c.SMTP.Secret(context.Background(), "smtp"); pw != "hunter2" {
		t.Errorf("secret = %q", pw)
	}
}

func TestSecretsFromEnvAndCommand(t *testing.T) {
	t.Setenv("RAPPORT_TEST_PW", "from-env")
	s := Server{PasswordEnv: "RAPPORT_TEST_PW"}
	if v, err := s.Secret(context.Background(), "smtp"); v != "from-env" || err != nil {
		t.Errorf("env: %q %v", v, err)
	}
	s = Server{PasswordCmd: "printf 'from-cmd\\nignored'"}
	if v, err := s.Secret(context.Background(), "imap"); v != "from-cmd" || err != nil {
		t.Errorf("cmd: %q %v", v, err)
	}
	// A helper may print the secret on either stream: neither is shown.
	s = Server{PasswordCmd: "echo secret-on-stdout; echo token-on-stderr >&2; exit 1"}
	_, err := s.Secret(context.Background(), "imap")
	if err == nil || strings.Contains(err.Error(), "secret-on-stdout") || strings.Contains(err.Error(), "token-on-stderr") ||
		!strings.Contains(err.Error(), "run it yourself") {
		t.Errorf("failing cmd: %v", err)
	}
	s = Server{PasswordEnv: "RAPPORT_TEST_UNSET"}
	if _, err := s.Secret(context.Background(), "smtp"); err == nil || !strings.Contains(err.Error(), "RAPPORT_TEST_UNSET") {
		t.Errorf("unset env: %v", err)
	}
}

func TestDashboardStaysOnLoopback(t *testing.T) {
	body := strings.Replace(example(t), `listen = "127.0.0.1:8750"`, `listen = "0.0.0.0:8750"`, 1)
	if _, err := Load(write(t, body, 0o600)); err == nil || !strings.Contains(err.Error(), "dashboard.listen") {
		t.Errorf("err = %v", err)
	}
}

func TestMissingFileSaysRunInit(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "rapport.toml"))
	if err == nil || !strings.Contains(err.Error(), "rapport init") {
		t.Errorf("err = %v", err)
	}
}

func TestKindAliases(t *testing.T) {
	body := strings.Replace(example(t), `# "Front desk" = "physician"`, `"Front desk" = "physician"
"Family doc" = "physicans"`, 1)
	_, err := Load(write(t, body, 0o600))
	var p *tomlfile.Problem
	if !errors.As(err, &p) || p.Key != "contacts.kind_aliases.Family doc" || !strings.Contains(p.Msg, `"physicans" is not one of the kinds`) {
		t.Fatalf("err = %v", err)
	}
	if lines := strings.Split(body, "\n"); !strings.HasPrefix(lines[p.Line-1], `"Family doc"`) {
		t.Errorf("line %d is %q", p.Line, lines[p.Line-1])
	}
	c, err := Load(write(t, strings.Replace(body, `"physicans"`, `"Physician"`, 1), 0o600))
	if err != nil {
		t.Fatal(err)
	}
	for word, want := range map[string]string{"front desk": "physician", "Family Doc": "physician", "Rabbi": "pastor"} {
		if got, ok := c.Kinds().Match(word); !ok || got != want {
			t.Errorf("Match(%q) = %q, %v", word, got, ok)
		}
	}
}

func TestAnExplicitZeroIsKeptExactly(t *testing.T) {
	base := strings.NewReplacer(`per_hour = 20 `, `per_hour = 0 `, `per_day = 100 `, `per_day = 0 `,
		`min_gap = "45s" `, `min_gap = "0s" `, `jitter = "30s" `, `jitter = "0s" `).Replace(example(t))
	c, err := Load(write(t, base, 0o644))
	if err != nil {
		t.Fatal(err)
	}
	s := c.Sending
	if s.PerHour != 0 || s.PerDay != 0 || s.MinGap.Duration != 0 || s.Jitter.Duration != 0 {
		t.Errorf("explicit zeros became defaults: %+v", s)
	}
	t.Run("a key left out takes its default", func(t *testing.T) {
		var kept []string
		for _, line := range strings.Split(example(t), "\n") {
			if !strings.HasPrefix(line, "per_hour") && !strings.HasPrefix(line, "min_gap") {
				kept = append(kept, line)
			}
		}
		c, err := Load(write(t, strings.Join(kept, "\n"), 0o644))
		if err != nil {
			t.Fatal(err)
		}
		if c.Sending.PerHour != 20 || c.Sending.MinGap.Duration != 45*time.Second {
			t.Errorf("defaults: %+v", c.Sending)
		}
	})
	t.Run("a zero poll is refused with its line", func(t *testing.T) {
		body := strings.Replace(example(t), "[imap]\n", "[imap]\npoll = \"0s\"\n", 1)
		_, err := Load(write(t, body, 0o644))
		if err == nil || !strings.Contains(err.Error(), "imap.poll") || !strings.Contains(err.Error(), "line ") {
			t.Errorf("poll = 0s: %v", err)
		}
	})
}

func TestAcceptedStage(t *testing.T) {
	c, err := Load(write(t, example(t), 0o644))
	if err != nil || c.Events.Accepted != "meeting" {
		t.Fatalf("the example: %q %v", c.Events.Accepted, err)
	}
	off := strings.Replace(example(t), `accepted_stage = "meeting"`, `accepted_stage = "off"`, 1)
	if c, err := Load(write(t, off, 0o644)); err != nil || c.Events.Accepted != "" {
		t.Errorf("off: %q %v", c.Events.Accepted, err)
	}
	bad := strings.Replace(example(t), `accepted_stage = "meeting"`, `accepted_stage = "coffee"`, 1)
	line := 1 + strings.Count(bad[:strings.Index(bad, "accepted_stage")], "\n")
	_, err = Load(write(t, bad, 0o644))
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("line %d: events.accepted_stage", line)) || !strings.Contains(err.Error(), "coffee") {
		t.Errorf("an unknown stage: %v", err)
	}
	side := strings.Replace(example(t), `accepted_stage = "meeting"`, `accepted_stage = "bounced"`, 1)
	if _, err := Load(write(t, side, 0o644)); err == nil || !strings.Contains(err.Error(), "side stage") {
		t.Errorf("a side stage: %v", err)
	}
}

func TestKeepInTouchRules(t *testing.T) {
	t.Run("the example's rules: tags beat kinds, kinds beat every", func(t *testing.T) {
		c, err := Load(write(t, example(t), 0o644))
		if err != nil {
			t.Fatal(err)
		}
		r := c.KeepInTouch.Rules
		if r.Default.Months != 12 || r.Kinds["physician"].Months != 12 || r.Kinds["therapist"].Months != 6 ||
			r.Tags["close-colleague"].Months != 3 {
			t.Fatalf("rules = %+v", r)
		}
	})
	t.Run("bad intervals, kinds and stages are named with their lines", func(t *testing.T) {
		body := strings.Replace(example(t), `therapist = "6 months"`, "therapist = \"6 moons\"\nplumber = \"1 year\"", 1)
		body = strings.Replace(body, `# stages = ["meeting", "partner"]`, `stages = ["opted-out"]`, 1)
		_, err := Load(write(t, body, 0o644))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Fatalf("err = %v", err)
		}
		want := map[string]string{"keep_in_touch.kinds.therapist": "6 moons", "keep_in_touch.kinds.plumber": "unknown kind",
			"keep_in_touch.stages": "never written to"}
		for _, p := range ce.Problems {
			var tp *tomlfile.Problem
			if errors.As(p, &tp) && strings.Contains(tp.Msg, want[tp.Key]) && tp.Line > 0 {
				delete(want, tp.Key)
			}
		}
		if len(want) > 0 {
			t.Errorf("not reported (with a line): %v in %v", want, err)
		}
	})
}
