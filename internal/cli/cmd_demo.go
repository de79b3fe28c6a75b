package cli

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rapport"
	"rapport/internal/localmail"
)

func cmdDemo() *command {
	var keep keepFlag
	return &command{
		name:    "demo",
		args:    "[--keep [DIR]]",
		summary: "the whole loop on sample data, with built-in mail servers, narrated (under a minute)",
		help: `Starts a private mail server on this computer (nothing leaves it), a temporary
store and sample contacts, and runs what a user does: import a spreadsheet,
look at the notes, start a campaign, send, receive a reply from a front desk,
an out-of-office answer, a bounce and an opt-out, and see every contact move;
then invite the contacts to a meet-and-greet and watch the answers sort
themselves, then a card by post, printed with its labels. --keep DIR runs it in DIR (new
or empty) and keeps it, cards and labels included, to open.`,
		example: "go run ./cmd/rapport demo\nrapport demo --keep ~/rapport-demo   # keep the folder to look around",
		setup:   func(fs *flag.FlagSet) { fs.Var(&keep, "keep", "keep the demo folder afterwards (in DIR, if given)") },
		run: func(ctx context.Context, a *app, args []string) error {
			if keep.on && keep.dir == "" && len(args) == 1 {
				keep.dir, args = args[0], nil // --keep DIR
			}
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runDemo(ctx, a, keep)
		},
	}
}

// keepFlag is --keep, alone (keep the temporary folder) or with the
// folder to run the demo in.
type keepFlag struct {
	on  bool
	dir string
}

func (k *keepFlag) String() string   { return k.dir }
func (k *keepFlag) IsBoolFlag() bool { return true }
func (k *keepFlag) Set(v string) error {
	k.on = true
	switch v {
	case "true":
	case "false":
		k.on = false
	default:
		k.dir = v
	}
	return nil
}

const demoUser = "anna@leefamilytherapy.example"

// demo is one run of the demo: a folder, a mail server, and a narrator.
type demo struct {
	a    *app
	dir  string
	srv  *localmail.Server
	keep bool // the folder stays afterwards
}

func runDemo(ctx context.Context, a *app, k keepFlag) error {
	dir, err := demoDir(k)
	if err != nil {
		return err
	}
	keep := k.on
	if !keep {
		defer os.RemoveAll(dir)
	}
	srv, err := localmail.Start(localmail.Options{TLS: true, RequireAuth: true, BounceUnknownDomain: "closed-practice.example"})
	if err != nil {
		return err
	}
	defer srv.Close()
	srv.AddUser(demoUser, "demo-app-password")
	d := &demo{a: a, dir: dir, srv: srv, keep: keep}
	if err := d.setup(); err != nil {
		return err
	}
	start := time.Now()
	err = d.story(ctx)
	if err == nil {
		d.say("\nThat was the whole loop, in %s. The folder was %s%s.", time.Since(start).Round(100*time.Millisecond), dir,
			map[bool]string{true: " (kept)", false: " (removed)"}[keep])
		d.say("Your turn: `rapport init ~/outreach`, then see README.md.")
	}
	return err
}

// demoDir is the folder the demo runs in: --keep DIR, new or empty, or a
// temporary one.
func demoDir(k keepFlag) (string, error) {
	if k.dir == "" {
		return os.MkdirTemp("", "rapport-demo-")
	}
	dir, err := filepath.Abs(k.dir)
	if err != nil {
		return "", err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return "", usagef("--keep %s: the folder is not empty; give a new or empty one", k.dir)
	}
	return dir, os.MkdirAll(dir, 0o755)
}

func (d *demo) say(format string, args ...any) { fmt.Fprintf(d.a.stdout, format+"\n", args...) }

// setup writes the demo folder: the samples, a config pointing at the
// private servers, and the spreadsheet.
func (d *demo) setup() error {
	err := fs.WalkDir(rapport.Samples, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || p == "config.example.toml" {
			return err
		}
		_, err = writeNewIn(d.dir, p)
		return err
	})
	if err != nil {
		return err
	}
	if err := d.datedMeetAndGreet(); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.dir, "ca.pem"), d.srv.CAPEM(), 0o644); err != nil {
		return err
	}
	sheetData, err := rapport.Demo.ReadFile("demo/contacts.csv")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.dir, "contacts.csv"), sheetData, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(d.dir, "rapport.toml"), []byte(d.config()), 0o600)
}

func writeNewIn(dir, sample string) (bool, error) {
	return writeNew(filepath.Join(dir, filepath.FromSlash(sample)), sample)
}

func (d *demo) config() string {
	smtpHost, smtpPort, _ := strings.Cut(d.srv.SMTPAddr(), ":")
	imapHost, imapPort, _ := strings.Cut(d.srv.IMAPAddr(), ":")
	return fmt.Sprintf(`[identity]
name = "Anna Lee, LMFT"
email = %q
practice = "Lee Family Therapy"
phone = "(555) 010-2030"
postal_address = "12 Elm Street, Suite 4, Springfield, IL 62701"
booking_url = "https://booking.example/anna-lee"
signature = """
Anna Lee, LMFT
Lee Family Therapy · (555) 010-2030
"""

[smtp]
host = %q
port = %s
security = "starttls"
password = "demo-app-password"
ca_file = "ca.pem"
sent_copy = "always"

[imap]
host = %q
port = %s
security = "starttls"
password = "demo-app-password"
ca_file = "ca.pem"

[sending]
timezone = "America/Chicago"
window = "Mon-Sun 00:00-24:00"   # the demo runs whenever you do; yours: "Mon-Fri 09:00-17:00"
per_hour = 100
per_day = 500
min_gap = "150ms"                # yours: "45s", so a batch never looks like a blast
jitter = "100ms"
`, demoUser, smtpHost, smtpPort, imapHost, imapPort)
}

// run runs one rapport command as the user would type it.
func (d *demo) run(ctx context.Context, args ...string) error {
	d.say("\n$ rapport %s", strings.ReplaceAll(shellWords(args), d.dir+string(filepath.Separator), ""))
	env := d.a.env
	env.Stdout, env.Stderr = d.a.stdout, d.a.stdout
	code := RunEnv(ctx, env, append([]string{"--config", filepath.Join(d.dir, "rapport.toml")}, args...))
	if code != exitOK {
		return fmt.Errorf("`rapport %s` failed (exit %d)", strings.Join(args, " "), code)
	}
	return ctx.Err()
}

// shellWords joins args as a user would type them, quoting those with
// spaces, so a line of the demo can be copied and run.
func shellWords(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " \t'\"$`\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
