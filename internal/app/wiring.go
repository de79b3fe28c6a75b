package app

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
	"rapport/internal/dispatch"
	"rapport/internal/imapconn"
	"rapport/internal/mailer"
	"rapport/internal/render"
	"rapport/internal/schedule"
)

// Campaigns loads every campaign file; a file with problems is an error
// naming it (use LoadCampaigns to get the good ones and the problems).
func (a *App) Campaigns() ([]*campaign.Campaign, error) {
	list, errs := a.LoadCampaigns()
	if len(errs) > 0 {
		return list, Invalid(errors.Join(errs...))
	}
	return list, nil
}

// LoadCampaigns loads the campaign files that are good, and says what is
// wrong with the others.
func (a *App) LoadCampaigns() ([]*campaign.Campaign, []error) {
	cfg, err := a.config()
	if err != nil {
		return nil, []error{err}
	}
	return campaign.LoadDir(cfg.Resolve(cfg.Paths.Campaigns), campaignEnv(cfg))
}

func campaignEnv(cfg *config.Config) campaign.Env {
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

// Campaign loads one campaign by name.
func (a *App) Campaign(name string) (*campaign.Campaign, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	dir := cfg.Resolve(cfg.Paths.Campaigns)
	list, errs := campaign.LoadDir(dir, campaignEnv(cfg))
	c, ferr := campaign.Find(list, name)
	if ferr == nil {
		return c, nil
	}
	for _, e := range errs {
		var ce *campaign.Error
		if errors.As(e, &ce) && strings.Contains(e.Error(), name+".toml") {
			return nil, Invalid(e)
		}
	}
	return nil, Usagef("%v", ferr)
}

// Sender is [identity] as templates see it.
func (a *App) Sender() render.Sender {
	id := a.Config().Identity
	return render.Sender{Name: id.Name, Email: id.Email, ReplyTo: id.ReplyTo, Practice: id.Practice,
		Phone: id.Phone, PostalAddress: id.PostalAddress, BookingURL: id.BookingURL, Signature: id.Signature}
}

// Sending is what a dispatcher that sends needs beyond the config: the
// sender lock's token, and where copies of sent notes go (nil: nowhere).
type Sending struct {
	Owner    string
	SentCopy dispatch.SentCopier
	// PrintOnly makes a dispatcher that prints letters for the lock's
	// owner but has no mail server (it cannot be reached or is not set).
	PrintOnly bool
}

// LiveOwner is the lock token of the process that sends for the store
// now, or "".
func (a *App) LiveOwner() string {
	st := a.Store()
	if st == nil || a.senders == nil {
		return ""
	}
	return a.senders.LiveToken(st.Path())
}

// holder names the process that sends for the store now.
func (a *App) holder() string {
	st := a.Store()
	if st == nil || a.senders == nil {
		return "rapport run"
	}
	return a.senders.Holder(st.Path())
}

// Dispatcher wires a Dispatcher; with s it also connects the mailer
// (lazily: nothing is dialled until the first message). Without s it can
// plan, check and compose, not send.
func (a *App) Dispatcher(ctx context.Context, s *Sending) (*dispatch.Dispatcher, func(), error) {
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
	o := dispatch.Options{Store: st, Templates: cfg.Resolve(cfg.Paths.Templates), Sender: a.Sender(),
		Window: win, Holidays: hol, Location: cfg.Location, Now: a.now, Log: a.logger(),
		Sleep:           a.sleep,
		ListUnsubscribe: cfg.Sending.ListUnsubscribe, LiveOwner: a.LiveOwner,
		Limits: mailer.Limits{PerHour: cfg.Sending.PerHour, PerDay: cfg.Sending.PerDay,
			MinGap: cfg.Sending.MinGap.Duration, Jitter: cfg.Sending.Jitter.Duration}}
	if a.post != nil {
		o.Post = a.post(cfg)
	}
	closer := func() {}
	if s != nil && s.PrintOnly {
		o.Owner = s.Owner
	} else if s != nil {
		mc, err := a.Mailer(ctx)
		if err != nil {
			return nil, nil, err
		}
		o.Mailer, o.Owner, o.SentCopy = mc, s.Owner, s.SentCopy
		closer = func() { mc.Close() }
	}
	return dispatch.New(o), closer, nil
}

// Mailer builds the SMTP client from [smtp].
func (a *App) Mailer(ctx context.Context) (*mailer.Client, error) {
	cfg := a.Config()
	s := cfg.SMTP
	if s.Host == "" {
		return nil, Invalidf("%s: [smtp] host is not set: rapport needs your mail server to send", cfg.Path)
	}
	cr, err := a.credentials(ctx, "smtp", s.Server)
	if err != nil {
		return nil, err
	}
	roots, err := roots(cfg, s.CAFile)
	if err != nil {
		return nil, err
	}
	dsn := s.DSN == nil || *s.DSN
	return mailer.New(mailer.Options{Host: s.Host, Port: s.Port, Security: s.Security, Username: s.Username,
		Password: cr.password, Auth: cr.auth, Tokens: cr.tokens, TokenHint: cr.hint, RootCAs: roots, Timeout: s.Timeout.Duration, DSN: dsn})
}

// IMAPOptions builds the IMAP connection options from [imap].
func (a *App) IMAPOptions(ctx context.Context) (imapconn.Options, error) {
	cfg := a.Config()
	s := cfg.IMAP
	if s.Host == "" {
		return imapconn.Options{}, Invalidf("%s: [imap] host is not set", cfg.Path)
	}
	cr, err := a.credentials(ctx, "imap", s.Server)
	if err != nil {
		return imapconn.Options{}, err
	}
	roots, err := roots(cfg, s.CAFile)
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
func roots(cfg *config.Config, caFile string) (*x509.CertPool, error) {
	if caFile == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(cfg.Resolve(caFile))
	if err != nil {
		return nil, fmt.Errorf("ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, Invalidf("ca_file %s holds no PEM certificate", caFile)
	}
	return pool, nil
}

// SentFolder opens the IMAP Sent folder for copies and recovery.
func (a *App) SentFolder(ctx context.Context) (*mailer.SentFolder, error) {
	o, err := a.IMAPOptions(ctx)
	if err != nil {
		return nil, err
	}
	return mailer.OpenSentFolder(ctx, o, a.Config().IMAP.Sent)
}

// WantSentCopy decides whether rapport appends a copy to Sent.
func WantSentCopy(cfg *config.Config) bool {
	switch cfg.SMTP.SentCopy {
	case "always":
		return true
	case "never":
		return false
	}
	return cfg.IMAP.Host != "" && !mailer.ProviderSavesSent(cfg.SMTP.Host)
}
