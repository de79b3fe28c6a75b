package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/term"

	core "rapport/internal/app"
	"rapport/internal/config"
	"rapport/internal/store"
)

// Env is what a run of rapport takes from the world; tests replace parts.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Now            func() time.Time
	After          func(time.Duration) <-chan time.Time
	Getenv         func(string) string
	// OpenBrowser opens the sign-in page of `rapport login`; nil means
	// xdg-open or open when installed. The address is printed either way.
	OpenBrowser func(url string) error
	// OAuthEndpoint replaces the provider's sign-in endpoints (tests run
	// their own authorization server); nil means the real ones.
	OAuthEndpoint *oauth2.Endpoint
	// LookupMX finds a domain's mail servers for `rapport init --email`;
	// nil means the system's resolver.
	LookupMX func(ctx context.Context, domain string) ([]*net.MX, error)
}

// Run runs rapport with args (without the program name) and returns the
// exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return RunEnv(ctx, Env{Stdin: stdin, Stdout: stdout, Stderr: stderr}, args)
}

// RunEnv is Run with an explicit environment.
func RunEnv(ctx context.Context, env Env, args []string) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.After == nil {
		env.After = time.After
	}
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	a := &app{env: env, stdout: env.Stdout, stderr: env.Stderr}
	defer a.close()
	cmds := commands()
	globals, rest := splitGlobals(args)
	cmd, rest := findCommand(cmds, rest)
	if cmd == nil {
		return a.topLevel(cmds, globals, rest)
	}
	fs := a.flagSet(cmd)
	pos, err := parseInterleaved(fs, append(globals, rest...))
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err == nil {
		a.setupLog(cmd.name == "run")
		err = cmd.run(ctx, a, pos)
	}
	return exitCode(err, cmd.name, a.stderr)
}

// command is one subcommand.
type command struct {
	name    string // "import", "contacts list"
	args    string // "FILE [flags]"
	summary string
	help    string // longer description
	example string
	setup   func(fs *flag.FlagSet)
	run     func(ctx context.Context, a *app, args []string) error
}

func commands() []*command {
	return []*command{
		cmdInit(), cmdCheck(), cmdImport(),
		cmdContactsList(), cmdContactsShow(), cmdContactsStage(), cmdContactsExport(),
		cmdContactsAdd(), cmdContactsEdit(), cmdContactsLog(), cmdContactsTag(false), cmdContactsTag(true),
		cmdContactsFind(), cmdContactsForget(), cmdReferralsAdd(), cmdReferralsList(), cmdReferralsRemove(),
		cmdTouch(), cmdReport(), cmdBackup(),
		cmdCampaignsList(), cmdCampaignsPlan(), cmdCampaignsPreview(), cmdCampaignsTest(),
		cmdCampaignsStart(), cmdCampaignsPause(), cmdSend(), cmdOutboxList(), cmdOutboxResolve(),
		cmdStatus(), cmdRun(), cmdInboxSync(), cmdLetters(), cmdLettersBatches(), cmdLettersMailed(), cmdLogin(), cmdVersion(), cmdLog(),
		cmdEventsList(), cmdEventsShow(), cmdEventsExport(), cmdEventsUpdate(), cmdEventsCancel(),
		cmdEventsAttended(), cmdEventsAnswer(),
		cmdDemo(), cmdDashboard(),
	}
}

func findCommand(cmds []*command, args []string) (*command, []string) {
	for _, n := range []int{2, 1} {
		if len(args) < n {
			continue
		}
		name := strings.Join(args[:n], " ")
		for _, c := range cmds {
			if c.name == name {
				return c, args[n:]
			}
		}
	}
	return nil, args
}

// app is one run of rapport: its output, its flags, and what it opened.
type app struct {
	env            Env
	stdout, stderr io.Writer
	configPath     string
	json           bool
	quiet, verbose bool
	log            *slog.Logger
	cfg            *config.Config
	st             *store.Store
	uc             *core.App // the use cases over cfg and st (see core)
}

func (a *app) flagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet("rapport "+c.name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	def := a.env.Getenv("RAPPORT_CONFIG")
	if def == "" {
		def = "rapport.toml"
	}
	fs.StringVar(&a.configPath, "config", def, "the config file (env RAPPORT_CONFIG)")
	fs.BoolVar(&a.json, "json", false, "machine-readable JSON on stdout, nothing else on stdout")
	fs.BoolVar(&a.quiet, "q", false, "quiet: only errors")
	fs.BoolVar(&a.verbose, "v", false, "verbose: more detail in logs")
	if c.setup != nil {
		c.setup(fs)
	}
	fs.Usage = func() { a.commandHelp(c, fs) }
	return fs
}

func (a *app) commandHelp(c *command, fs *flag.FlagSet) {
	w := a.stdout
	fmt.Fprintf(w, "Usage: rapport %s %s\n\n%s\n", c.name, c.args, c.summary)
	if c.help != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.help))
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(a.stderr)
	if c.example != "" {
		fmt.Fprintf(w, "\nExample:\n%s\n", indent(strings.TrimSpace(c.example)))
	}
}

func (a *app) topLevel(cmds []*command, globals, rest []string) int {
	if len(rest) > 0 && (rest[0] == "--version" || rest[0] == "-version") {
		fmt.Fprintln(a.stdout, versionLine())
		return exitOK
	}
	if len(rest) == 1 && a.group(cmds, rest[0]) {
		return exitOK
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "--help" || rest[0] == "-h" {
		if len(rest) > 1 {
			if c, _ := findCommand(cmds, rest[1:]); c != nil {
				a.commandHelp(c, a.flagSet(c))
				return exitOK
			}
		}
		a.overview(cmds)
		if len(rest) == 0 && len(globals) == 0 {
			return exitUsage
		}
		return exitOK
	}
	fmt.Fprintf(a.stderr, "rapport: unknown command %q\nRun `rapport help` for the list of commands.\n", strings.Join(rest, " "))
	return exitUsage
}

// group lists the subcommands of a command group ("rapport contacts"),
// if name is one.
func (a *app) group(cmds []*command, name string) bool {
	var sub []*command
	for _, c := range cmds {
		if strings.HasPrefix(c.name, name+" ") {
			sub = append(sub, c)
		}
	}
	if len(sub) == 0 {
		return false
	}
	sort.SliceStable(sub, func(i, j int) bool { return sub[i].name < sub[j].name })
	fmt.Fprintf(a.stdout, "rapport %s has these commands:\n\n", name)
	for _, c := range sub {
		fmt.Fprintf(a.stdout, "  %-22s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(a.stdout, "\nRun `rapport %s --help` for one's flags and an example.\n", sub[0].name)
	return true
}

func (a *app) overview(cmds []*command) {
	w := a.stdout
	fmt.Fprint(w, "rapport sends personal notes to your referral sources from your own mailbox,\n"+
		"follows up at a humane pace, and notices who answered.\n\nUsage: rapport COMMAND [flags]\n\nCommands:\n")
	sorted := append([]*command(nil), cmds...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nGlobal flags: --config PATH, --json, -q, -v\n"+
		"Run `rapport COMMAND --help` for a command's flags and an example.\n")
}

// setupLog logs what the daemon does at info level; the other commands
// report on stdout and log only warnings unless -v is given.
func (a *app) setupLog(daemon bool) {
	level := slog.LevelWarn
	if daemon {
		level = slog.LevelInfo
	}
	switch {
	case a.quiet:
		level = slog.LevelError
	case a.verbose:
		level = slog.LevelDebug
	}
	// Log times are the user's local time with its offset, so a line of
	// the daemon's log reads as the clock on the wall.
	loc := time.Local
	if c, err := a.config(); err == nil && c.Location != nil { // read once: the command uses it too
		loc = c.Location
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: func(groups []string, at slog.Attr) slog.Attr {
		if at.Key == slog.TimeKey && len(groups) == 0 && at.Value.Kind() == slog.KindTime {
			return slog.String(slog.TimeKey, at.Value.Time().In(loc).Format("2006-01-02T15:04:05-07:00"))
		}
		return at
	}}
	if a.isTTY() {
		a.log = slog.New(slog.NewTextHandler(a.stderr, opts))
	} else {
		a.log = slog.New(slog.NewJSONHandler(a.stderr, opts))
	}
}

// isTTY reports whether stderr is a terminal (progress bars, text logs).
func (a *app) isTTY() bool {
	f, ok := a.stderr.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// config loads the config once.
func (a *app) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	c, err := config.Load(a.configPath)
	if err != nil {
		return nil, err
	}
	a.cfg = c
	return c, nil
}

// store opens the store named by the config once.
func (a *app) store(ctx context.Context) (*store.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, c.Resolve(c.Store.Path), &store.Options{Now: a.env.Now, Pipeline: &c.Pipeline})
	if err != nil {
		return nil, err
	}
	a.st = st
	return st, nil
}

func (a *app) close() {
	if a.st != nil {
		a.st.Close()
	}
}

// say prints a human line on stdout unless --json or -q is set.
func (a *app) say(format string, args ...any) {
	if a.json || a.quiet {
		return
	}
	fmt.Fprintf(a.stdout, format+"\n", args...)
}

// note prints a human line on stderr unless -q is set (used with --json,
// where stdout carries only JSON).
func (a *app) note(format string, args ...any) {
	if a.quiet {
		return
	}
	fmt.Fprintf(a.stderr, format+"\n", args...)
}
