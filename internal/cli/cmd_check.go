package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"rapport/internal/config"

	"rapport/internal/imapconn"
	"rapport/internal/render"
)

func cmdCheck() *command {
	var offline bool
	return &command{
		name:    "check",
		args:    "[--offline]",
		summary: "validate the config, campaigns and templates; without --offline also log in to your mail servers",
		help: `Checks rapport.toml strictly (every problem listed with its line), every
campaign file, and every template, rendering each campaign's notes for every
contact of its audience: a missing field is reported by contact and field,
so no "Dear ," ever goes out. Without --offline it also logs in to your SMTP
and IMAP servers; when sending was paused by a refused login, a successful
check resumes it. Exit status 3 means something needs fixing and nothing was
changed or sent.`,
		example: "rapport check --offline\nrapport check",
		setup:   func(fs *flag.FlagSet) { fs.BoolVar(&offline, "offline", false, "do not connect to the mail servers") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runCheck(ctx, a, offline)
		},
	}
}

// checkReport is check's --json output.
type checkReport struct {
	Config    string   `json:"config"`
	OK        bool     `json:"ok"`
	Campaigns int      `json:"campaigns"`
	Templates int      `json:"templates"`
	Rendered  int      `json:"notes_rendered"`
	Problems  []string `json:"problems"`
	Warnings  []string `json:"warnings"`
	Servers   []string `json:"servers"`
}

func runCheck(ctx context.Context, a *app, offline bool) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	rep := &checkReport{Config: cfg.Path, Problems: []string{}, Warnings: []string{}, Servers: []string{}}
	if offline {
		rep.Warnings = append(rep.Warnings, unsetPasswords(cfg)...)
	}
	tpls, errs := render.LoadAll(cfg.Resolve(cfg.Paths.Templates))
	rep.Templates = len(tpls)
	for _, e := range errs {
		rep.Problems = append(rep.Problems, e.Error())
	}
	a.checkLetters(rep)
	if err := a.checkCampaigns(ctx, rep); err != nil {
		return err
	}
	if signedIn := a.checkSignIn(ctx, rep); !offline && signedIn {
		a.checkServers(ctx, rep)
	}
	rep.OK = len(rep.Problems) == 0
	if a.json {
		if err := a.printJSON(rep); err != nil {
			return err
		}
	} else {
		printCheck(a, rep)
	}
	if !rep.OK {
		return invalidf("%s to fix; nothing was changed or sent", plural(len(rep.Problems), "problem"))
	}
	if !offline {
		return a.resumeIfPaused(ctx)
	}
	return nil
}

func (a *app) checkCampaigns(ctx context.Context, rep *checkReport) error {
	list, errs := a.loadCampaigns()
	rep.Campaigns = len(list)
	for _, e := range errs {
		rep.Problems = append(rep.Problems, e.Error())
	}
	if _, err := os.Stat(a.cfg.Resolve(a.cfg.Store.Path)); len(list) == 0 || os.IsNotExist(err) {
		return nil // no contacts yet: nothing to render, and no store to create
	}
	d, done, err := a.dispatcher(ctx, nil)
	if err != nil {
		return err
	}
	defer done()
	for _, c := range list {
		problems, n, err := d.CheckCampaign(ctx, c)
		if err != nil {
			return err
		}
		rep.Rendered += n * len(c.Steps)
		for _, p := range problems {
			rep.Problems = append(rep.Problems, describeProblem(p.Campaign, p.Step, p.Err)...)
		}
	}
	return nil
}

// describeProblem writes one line per missing field, naming the contact.
func describeProblem(camp, step string, err error) []string {
	var fe render.FieldErrors
	if errors.As(err, &fe) {
		out := make([]string, 0, len(fe))
		for _, f := range fe {
			out = append(out, fmt.Sprintf("%s/%s: %v", camp, step, f))
		}
		return out
	}
	return []string{fmt.Sprintf("%s/%s: %v", camp, step, err)}
}

func (a *app) checkServers(ctx context.Context, rep *checkReport) {
	cfg := a.cfg
	if cfg.SMTP.Host == "" {
		rep.Problems = append(rep.Problems, "[smtp] host is not set: rapport cannot send")
	} else if mc, err := a.core().Mailer(ctx); err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	} else if err := mc.Check(ctx); err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("SMTP %s: %v", cfg.SMTP.Host, err))
	} else {
		rep.Servers = append(rep.Servers, "SMTP "+cfg.SMTP.Host+": logged in")
	}
	if cfg.IMAP.Host == "" {
		rep.Problems = append(rep.Problems, "[imap] host is not set: rapport cannot see replies")
		return
	}
	o, err := a.core().IMAPOptions(ctx)
	if err == nil {
		var c interface{ Close() error }
		if c, err = imapconn.Dial(ctx, o); err == nil {
			c.Close()
		}
	}
	if err != nil {
		rep.Problems = append(rep.Problems, fmt.Sprintf("IMAP %s: %v", cfg.IMAP.Host, err))
		return
	}
	rep.Servers = append(rep.Servers, "IMAP "+cfg.IMAP.Host+": logged in")
}

// checkSignIn checks, without the network, that auth = "oauth2" has a
// sign-in to use; without one the server logins are not tried (they would
// only repeat it).
func (a *app) checkSignIn(ctx context.Context, rep *checkReport) bool {
	if !a.cfg.UsesOAuth() {
		return true
	}
	src, err := a.tokenSource()
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
		return false
	}
	g, err := src.Grant(ctx)
	switch {
	case err != nil:
		rep.Problems = append(rep.Problems, "sign-in: "+err.Error())
		return false
	case g.Problem != "":
		rep.Problems = append(rep.Problems, "sign-in: "+g.Problem)
		return false
	}
	rep.Servers = append(rep.Servers, fmt.Sprintf("sign-in with %s as %s", src.Provider.Title, orDash(g.Account)))
	return true
}

func (a *app) resumeIfPaused(ctx context.Context) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	why, _, paused, err := st.SendingPaused(ctx)
	if err != nil || !paused {
		return err
	}
	if err := st.ResumeSending(ctx); err != nil {
		return err
	}
	a.note("sending was paused (%s); the login works now, so sending is resumed", why)
	return nil
}

func printCheck(a *app, rep *checkReport) {
	a.say("config:    %s", rep.Config)
	a.say("templates: %d, campaigns: %d, notes rendered: %d", rep.Templates, rep.Campaigns, rep.Rendered)
	for _, s := range rep.Servers {
		a.say("server:    %s", s)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(a.stderr, "warning:   %s\n", w)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(a.stderr, "problem:   %s\n", p)
	}
	if rep.OK {
		a.say("all good")
	}
}

// unsetPasswords warns, without the network, about password variables the
// config names that this shell does not have: the first `send` or `run`
// would stop on them.
func unsetPasswords(cfg *config.Config) []string {
	var out []string
	for _, s := range []struct {
		section string
		srv     config.Server
	}{{"smtp", cfg.SMTP.Server}, {"imap", cfg.IMAP.Server}} {
		env := s.srv.PasswordEnv
		if s.srv.Host == "" || env == "" {
			continue
		}
		if v, ok := os.LookupEnv(env); !ok || v == "" {
			out = append(out, fmt.Sprintf("[%s] password_env: %s is not set in this shell; "+
				"`export %s=…` (your app password) before `rapport send` or `rapport run`, or use password_cmd", s.section, env, env))
		}
	}
	return out
}
