package app

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"rapport/internal/config"
	"rapport/internal/dispatch"
	"rapport/internal/oauth"
	"rapport/internal/store"
)

// Senders is the store's sender lock as the use cases need it: who sends
// for the store now. Package daemon owns the lock; the faces wire it in.
type Senders interface {
	// LiveToken is the lock token of the process that sends for the store
	// at storePath now, or "".
	LiveToken(storePath string) string
	// Holder names that process for a person: "rapport run (pid 12, since
	// Nov 23 08:00)".
	Holder(storePath string) string
}

// Options are what App takes from the world; a nil *Options means the
// defaults.
type Options struct {
	Now func() time.Time // nil: time.Now
	// Sleep waits between two notes (the pace of the caps); nil: the
	// dispatcher's real timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Senders tells who holds the sender lock; nil: nobody is known to.
	Senders Senders
	// OAuthEndpoint replaces the provider's sign-in endpoints (tests run
	// their own authorization server); nil means the real ones.
	OAuthEndpoint *oauth2.Endpoint
	Log           *slog.Logger // nil: discard
	// Post is how campaigns' letter steps are printed with the config
	// given ([letters], [paths] letters); nil: no letter steps print.
	Post func(cfg *config.Config) *dispatch.Post
	// Open opens the store the first time a use case needs it (the CLI
	// creates no store for a command that fails before); nil means the
	// store is given to New or Set.
	Open func(ctx context.Context) (*store.Store, error)
}

// App is the use cases over one config and one store. It is safe for
// concurrent use: the dashboard serves while the daemon reloads.
type App struct {
	now           func() time.Time
	sleep         func(ctx context.Context, d time.Duration) error
	senders       Senders
	oauthEndpoint *oauth2.Endpoint
	open          func(ctx context.Context) (*store.Store, error)
	post          func(cfg *config.Config) *dispatch.Post

	mu       sync.Mutex
	cfg      *config.Config
	st       *store.Store
	log      *slog.Logger
	oauthSrc *oauth.Source  // the run's token source (see tokenSource)
	oauthCfg *config.Config // the config oauthSrc was made for
}

// New makes an App over cfg and st; either may be nil until Set gives it
// (the CLI opens the store only for commands that need it). No I/O.
func New(cfg *config.Config, st *store.Store, o *Options) *App {
	if o == nil {
		o = &Options{}
	}
	a := &App{now: o.Now, sleep: o.Sleep, senders: o.Senders, oauthEndpoint: o.OAuthEndpoint, cfg: cfg, st: st, log: o.Log, open: o.Open, post: o.Post}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	return a
}

// Set replaces what is not nil among the config (a reload), the store
// (opened late) and the logger.
func (a *App) Set(cfg *config.Config, st *store.Store, log *slog.Logger) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if cfg != nil {
		a.cfg = cfg
	}
	if st != nil {
		a.st = st
	}
	if log != nil {
		a.log = log
	}
}

// Config is the config as last loaded; nil before the first.
func (a *App) Config() *config.Config {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.cfg
}

// Store is the store; nil before it is opened.
func (a *App) Store() *store.Store {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.st
}

// Now is the App's clock.
func (a *App) Now() time.Time { return a.now() }

func (a *App) logger() *slog.Logger {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.log
}

// errNoConfig and errNoStore are a face's wiring mistakes, never a user's.
var (
	errNoConfig = errors.New("app: no config loaded")
	errNoStore  = errors.New("app: no store open")
)

// config is the config, or errNoConfig.
func (a *App) config() (*config.Config, error) {
	if c := a.Config(); c != nil {
		return c, nil
	}
	return nil, errNoConfig
}

// store is the store, opened now if need be, or errNoStore.
func (a *App) store(ctx context.Context) (*store.Store, error) {
	if s := a.Store(); s != nil {
		return s, nil
	}
	if a.open == nil {
		return nil, errNoStore
	}
	s, err := a.open(ctx)
	if err != nil {
		return nil, err
	}
	a.Set(nil, s, nil)
	return s, nil
}
