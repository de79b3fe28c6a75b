package cli

import (
	"context"
	"time"

	core "rapport/internal/app"

	"rapport/internal/campaign"
	"rapport/internal/daemon"
	"rapport/internal/dispatch"
	"rapport/internal/imapconn"
	"rapport/internal/inbox"
	"rapport/internal/mailer"
	"rapport/internal/oauth"
	"rapport/internal/store"
)

// core is the run's use cases (package app) over the config and store
// this run has loaded so far; the dashboard is served the same.
func (a *app) core() *core.App {
	if a.uc == nil {
		a.uc = core.New(nil, nil, &core.Options{Now: a.env.Now, OAuthEndpoint: a.env.OAuthEndpoint, Senders: lockSenders{},
			Open: a.store, Post: a.post,
			Sleep: func(ctx context.Context, d time.Duration) error { return daemon.Sleep(ctx, clockOf(a), d) }})
	}
	a.uc.Set(a.cfg, a.st, a.log)
	return a.uc
}

// lockSenders reads the store's sender lock for the use cases.
type lockSenders struct{}

func (lockSenders) LiveToken(storePath string) string {
	return daemon.LiveToken(daemon.LockPath(storePath))
}

func (lockSenders) Holder(storePath string) string {
	h, _ := daemon.Running(daemon.LockPath(storePath))
	return h.String()
}

// campaigns loads every campaign file; a file with problems is an error
// naming it (use loadCampaigns to get the good ones and the problems).
func (a *app) campaigns() ([]*campaign.Campaign, error) {
	if _, err := a.config(); err != nil {
		return nil, err
	}
	return a.core().Campaigns()
}

func (a *app) loadCampaigns() ([]*campaign.Campaign, []error) {
	if _, err := a.config(); err != nil {
		return nil, []error{err}
	}
	return a.core().LoadCampaigns()
}

// campaign loads one campaign by name.
func (a *app) campaign(name string) (*campaign.Campaign, error) {
	if _, err := a.config(); err != nil {
		return nil, err
	}
	return a.core().Campaign(name)
}

// dispatcher wires a Dispatcher (see core.App.Dispatcher), opening the
// store first.
func (a *app) dispatcher(ctx context.Context, s *core.Sending) (*dispatch.Dispatcher, func(), error) {
	if _, err := a.store(ctx); err != nil {
		return nil, nil, err
	}
	return a.core().Dispatcher(ctx, s)
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
