package cli

import (
	"context"
	"flag"
	"fmt"

	"rapport/internal/config"
	"rapport/internal/oauth"
)

func cmdLogin() *command {
	var device, noBrowser bool
	return &command{
		name:    "login",
		args:    "[google|microsoft] [--device]",
		summary: "sign in with Google or Microsoft, so rapport can send and watch your inbox without a password",
		help: `Opens the sign-in page of the provider named in [oauth] of rapport.toml in your
browser (the address is printed too, for when no browser opens), and keeps
the sign-in in a file beside rapport.db that only you can read (or hands it
to token_cmd). rapport renews it by itself; run login again only when rapport
says so (you changed your password, or withdrew its access). If sending was
paused because the sign-in stopped working, a successful login resumes it.

--device (Microsoft only) is for a computer without a browser: it prints an
address and a code to type on any phone or computer.`,
		example: "rapport login google\nrapport login microsoft --device",
		setup: func(fs *flag.FlagSet) {
			fs.BoolVar(&device, "device", false, "sign in on another device with a code (Microsoft)")
			fs.BoolVar(&noBrowser, "no-browser", false, "only print the sign-in address")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 1, "google or microsoft"); err != nil {
				return err
			}
			return runLogin(ctx, a, args, device, noBrowser)
		},
	}
}

// loginJSON is login's --json output: who signed in, never a token.
type loginJSON struct {
	Provider string `json:"provider"`
	Account  string `json:"account"`
	KeptIn   string `json:"kept_in"`
	Resumed  bool   `json:"sending_resumed"`
}

func runLogin(ctx context.Context, a *app, args []string, device, noBrowser bool) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if len(args) == 1 && cfg.OAuth.Provider != "" && args[0] != cfg.OAuth.Provider {
		return usagef("rapport.toml signs in with %s ([oauth] provider = %q): run `rapport login %s`, or change [oauth]", cfg.OAuth.Provider, cfg.OAuth.Provider, cfg.OAuth.Provider)
	}
	p, err := a.oauthProvider()
	if err != nil {
		return err
	}
	g, err := a.signIn(ctx, p, device, noBrowser)
	if err != nil {
		return err
	}
	ts := a.tokenStore()
	if err := ts.Save(ctx, g); err != nil {
		return fmt.Errorf("keep the sign-in: %w", err)
	}
	out := loginJSON{Provider: p.Name, Account: g.Account, KeptIn: ts.Where()}
	a.say("Signed in to %s as %s. The sign-in is kept in %s (only you can read it); rapport renews it by itself.", p.Title, orDash(g.Account), ts.Where())
	for _, sec := range []struct {
		name string
		s    config.Server
	}{{"smtp", cfg.SMTP.Server}, {"imap", cfg.IMAP.Server}} {
		if sec.s.Host != "" && sec.s.Auth != config.AuthOAuth2 {
			a.note("note: [%s] does not use it yet: set auth = \"oauth2\" there (and remove its password line)", sec.name)
		}
	}
	if out.Resumed, err = a.resumeAfterLogin(ctx); err != nil {
		return err
	}
	if a.json {
		return a.printJSON(out)
	}
	return nil
}

// signIn runs the browser or the device sign-in, telling the user where to
// go on stderr (stdout may be --json).
func (a *app) signIn(ctx context.Context, p *oauth.Provider, device, noBrowser bool) (*oauth.Grant, error) {
	o := oauth.LoginOptions{Account: a.oauthAccount(), Now: a.env.Now, After: a.env.After}
	if device {
		o.Show = func(url, code string) {
			fmt.Fprintf(a.stderr, "On any phone or computer, open %s and enter the code %s\nSign in as %s and allow rapport to send and read your mail. Waiting…\n", url, code, o.Account)
		}
		return p.DeviceLogin(ctx, o)
	}
	o.Show = func(url, _ string) {
		fmt.Fprintf(a.stderr, "Sign in to %s as %s in your browser and allow rapport to send and read your mail.\nIf no browser opens, open this address yourself:\n\n  %s\n\nWaiting for the sign-in…\n", p.Title, o.Account, url)
	}
	if !noBrowser {
		o.Open = a.env.OpenBrowser
		if o.Open == nil {
			o.Open = oauth.OpenBrowser
		}
	}
	return p.Login(ctx, o)
}

// resumeAfterLogin lifts a pause of sending when the new sign-in logs in to
// the SMTP server: the pause was most likely the old sign-in's.
func (a *app) resumeAfterLogin(ctx context.Context) (bool, error) {
	if !a.storeExists() || a.cfg.SMTP.Auth != config.AuthOAuth2 || a.cfg.SMTP.Host == "" {
		return false, nil
	}
	st, err := a.store(ctx)
	if err != nil {
		return false, err
	}
	why, _, paused, err := st.SendingPaused(ctx)
	if err != nil || !paused {
		return false, err
	}
	mc, err := a.core().Mailer(ctx)
	if err == nil {
		err = mc.Check(ctx)
	}
	if err != nil {
		a.note("sending stays paused (%s): %v", why, err)
		return false, nil
	}
	if err := st.ResumeSending(ctx); err != nil {
		return false, err
	}
	a.note("Sending was paused (%s); the new sign-in works, so sending is resumed.", why)
	return true, nil
}
