package cli

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/config"
	"rapport/internal/daemon"
	"rapport/internal/dispatch"
	"rapport/internal/imapconn"
	"rapport/internal/inbox"
	"rapport/internal/mailer"
	"rapport/internal/oauth"
	"rapport/internal/render"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// campaigns loads every campaign file; a file with problems is an error
// naming it (use loadCampaigns to get the good ones and the problems).
func (a *app) campaigns() ([]*campaign.Campaign, error) {
	list, errs := a.loadCampaigns()
	if len(errs) > 0 {
		return list, invalid(errors.Join(errs...))
	}
	return list, nil
}

func (a *app) loadCampaigns() ([]*campaign.Campaign, []error) {
	cfg, err := a.config()
	if err != nil {
		return nil, []error{err}
	}
	return campaign.LoadDir(cfg.Resolve(cfg.Paths.Campaigns), a.campaignEnv())
}

func (a *app) campaignEnv() campaign.Env {
	cfg := a.cfg
	tdir := cfg.Resolve(cfg.Paths.Templates)
	return campaign.Env{Location: cfg.Location, Pipeline: cfg.Pipeline, Kinds: cfg.Contacts.Kinds,
		Templates: func(channel, name string) error {
			dir := tdir
			if channel == "letter" {
				dir = filepath.Join(tdir, "letters") // [paths] letters is where print runs go
			}
			if _, err := os.Stat(filepath.Join(dir, name+".md")); err != nil {
				return fmt.Errorf("template %q: there is no %s", name, filepath.Join(dir, name+".md"))
			}
			return nil
		}}
}

// campaign loads one campaign by name.
func (a *app) campaign(name string) (*campaign.Campaign, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	dir := cfg.Resolve(cfg.Paths.Campaigns)
	list, errs := campaign.LoadDir(dir, a.campaignEnv())
	c, ferr := campaign.Find(list, name)
	if ferr == nil {
		return c, nil
	}
	for _, e := range errs {
		var ce *campaign.Error
		if errors.As(e, &ce) && strings.Contains(e.Error(), name+".toml") {
			return nil, invalid(e)
		}
	}
	return nil, usagef("%v", ferr)
}

// sender is [identity] as templates see it.
func (a *app) sender() render.Sender {
	id := a.cfg.Identity
	return render.Sender{Name: id.Name, Email: id.Email, ReplyTo: id.ReplyTo, Practice: id.Practice,
		Phone: id.Phone, PostalAddress: id.PostalAddress, BookingURL: id.BookingURL, Signature: id.Signature}
}

// sending is what a dispatcher that sends needs beyond the config: the
// sender lock's token, and where copies of sent notes go (nil: nowhere).
type sending struct {
	owner    string
	sentCopy dispatch.SentCopier
	// printOnly makes a dispatcher that prints letters for the lock's
	// owner but has no mail server (it cannot be reached or is not set).
	printOnly bool
}

// liveOwner is the lock token of the process that sends for the store
// now, or "".
func (a *app) liveOwner() string {
	if a.st == nil {
		return ""
	}
	return daemon.LiveToken(daemon.LockPath(a.st.Path()))
}

// dispatcher wires a Dispatcher; with s it also connects the mailer
// (lazily: nothing is dialled until the first message). Without s it can
// plan, check and compose, not send.
func (a *app) dispatcher(ctx context.Context, s *sending) (*dispatch.Dispatcher, func(), error) {
	cfg, err := a.config()
	if err != nil {
		return nil, nil, err
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, nil, err
	}
	win, _ := schedule.ParseWindow(cfg.Sending.Window)
	hol, _ := schedule.ParseHolidays(cfg.Sending.Holidays)
	o := dispatch.Options{Store: st, Templates: cfg.Resolve(cfg.Paths.Templates), Sender: a.sender(),
		Window: win, Holidays: hol, Location: cfg.Location, Now: a.env.Now, Log: a.log,
		Sleep:           func(ctx context.Context, d time.Duration) error { return daemon.Sleep(ctx, clockOf(a), d) },
		ListUnsubscribe: cfg.Sending.ListUnsubscribe, LiveOwner: a.liveOwner, Post: a.post(cfg),
		Limits: mailer.Limits{PerHour: cfg.Sending.PerHour, PerDay: cfg.Sending.PerDay,
			MinGap: cfg.Sending.MinGap.Duration, Jitter: cfg.Sending.Jitter.Duration}}
	closer := func() {}
	if s != nil && s.printOnly {
		o.Owner = s.owner
	} else if s != nil {
		mc, err := a.mailer(ctx)
		if err != nil {
			return nil, nil, err
		}
		o.Mailer, o.Owner, o.SentCopy = mc, s.owner, s.sentCopy
		closer = func() { mc.Close() }
	}
	return dispatch.New(o), closer, nil
}

// mailer builds the SMTP client from [smtp].
func (a *app) mailer(ctx context.Context) (*mailer.Client, error) {
	cfg := a.cfg
	s := cfg.SMTP
	if s.Host == "" {
		return nil, invalidf("%s: [smtp] host is not set: rapport needs your mail server to send", cfg.Path)
	}
	cr, err := a.credentials(ctx, "smtp", s.Server)
	if err != nil {
		return nil, err
	}
	roots, err := a.roots(s.CAFile)
	if err != nil {
		return nil, err
	}
	dsn := s.DSN == nil || *s.DSN
	return mailer.New(mailer.Options{Host: s.Host, Port: s.Port, Security: s.Security, Username: s.Username,
		Password: cr.password, Auth: cr.auth, Tokens: cr.tokens, TokenHint: cr.hint, RootCAs: roots, Timeout: s.Timeout.Duration, DSN: dsn})
}

// imapOptions builds the IMAP connection options from [imap].
func (a *app) imapOptions(ctx context.Context) (imapconn.Options, error) {
	cfg := a.cfg
	s := cfg.IMAP
	if s.Host == "" {
		return imapconn.Options{}, invalidf("%s: [imap] host is not set", cfg.Path)
	}
	cr, err := a.credentials(ctx, "imap", s.Server)
	if err != nil {
		return imapconn.Options{}, err
	}
	roots, err := a.roots(s.CAFile)
	if err != nil {
		return imapconn.Options{}, err
	}
	timeout := s.Timeout.Duration
	if timeout == 0 {
		timeout = time.Minute
	}
	return imapconn.Options{Host: s.Host, Port: s.Port, Security: s.Security, Username: s.Username,
		Password: cr.password, Auth: cr.auth, Tokens: cr.tokens, TokenHint: cr.hint, RootCAs: roots, Timeout: timeout}, nil
}

// roots loads a private CA, or returns nil for the system's.
func (a *app) roots(caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(a.cfg.Resolve(caFile))
	if err != nil {
		return nil, fmt.Errorf("ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, invalidf("ca_file %s holds no PEM certificate", caFile)
	}
	return pool, nil
}

// sentFolder opens the IMAP Sent folder for copies and recovery.
func (a *app) sentFolder(ctx context.Context) (*mailer.SentFolder, error) {
	o, err := a.imapOptions(ctx)
	if err != nil {
		return nil, err
	}
	return mailer.OpenSentFolder(ctx, o, a.cfg.IMAP.Sent)
}

// wantSentCopy decides whether rapport appends a copy to Sent.
func wantSentCopy(cfg *config.Config) bool {
	switch cfg.SMTP.SentCopy {
	case "always":
		return true
	case "never":
		return false
	}
	return cfg.IMAP.Host != "" && !mailer.ProviderSavesSent(cfg.SMTP.Host)
}

// The components the CLI wires into each other's interfaces.
var (
	_ daemon.Watcher       = (*inbox.Watcher)(nil)
	_ daemon.Source        = (*daemon.SheetSource)(nil)
	_ daemon.Clock         = envClock{}
	_ imapconn.TokenSource = (*oauth.Source)(nil)
	_ dispatch.SentFinder  = (*mailer.SentFolder)(nil)
	_ inbox.Directory      = (*store.Store)(nil)
)
