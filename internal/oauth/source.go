package oauth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// DefaultLeeway is how long before its expiry an access token is renewed:
// long enough that a token handed to a slow SMTP or IMAP login does not
// expire on the way.
const DefaultLeeway = 5 * time.Minute

// Source gives the access token for each SMTP or IMAP login, renewing it
// with the refresh token when it is within Leeway of its expiry, and
// keeping the renewed grant in Store (Microsoft hands out a new refresh
// token with each renewal). It reads Store on every call, so a new
// `rapport login` in another process is taken up by a running daemon at its
// next login. Safe for concurrent use.
type Source struct {
	Provider *Provider
	Store    TokenStore
	// Account is the address rapport logs in as; a grant for another
	// account is refused (WrongAccount). "" accepts any.
	Account string
	Now     func() time.Time // nil means time.Now
	Leeway  time.Duration    // 0 means DefaultLeeway
	Log     *slog.Logger     // nil discards
	// OnSignInLost, when set, is told when the sign-in stops working and
	// only a new `rapport login` can fix it (revoked, expired, consent
	// withdrawn, wrong account): the CLI pauses sending with it.
	OnSignInLost func(ctx context.Context, err *Error)

	mu sync.Mutex
}

// AccessToken returns a token valid for at least Leeway, renewing it if
// needed. Its error is an *Error (or a store failure) and holds no token.
func (s *Source) AccessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, err := s.grant(ctx)
	if err != nil {
		return "", s.lost(ctx, err)
	}
	if g.Problem != "" {
		// The provider already refused this sign-in: asking again (every
		// reconnect of the watcher) would only repeat it. A new login
		// replaces the grant, and with it the problem.
		return "", s.lost(ctx, newError(SignInAgain, s.Provider, "", g.Problem, nil))
	}
	now := s.now()
	if g.AccessToken != "" && now.Add(s.leeway()).Before(g.Expiry) {
		return string(g.AccessToken), nil
	}
	ng, err := s.refresh(ctx, g, now)
	if err != nil {
		return "", s.lost(ctx, err)
	}
	return string(ng.AccessToken), nil
}

// Grant loads the kept grant and checks that it belongs to this provider
// and account, without renewing anything (`rapport check --offline`,
// `rapport status`).
func (s *Source) Grant(ctx context.Context) (*Grant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.grant(ctx)
}

func (s *Source) grant(ctx context.Context) (*Grant, error) {
	p := s.Provider
	g, err := s.Store.Load(ctx)
	if errors.Is(err, ErrNotSignedIn) {
		return nil, newError(NotSignedIn, p, "", "rapport is not signed in to "+p.Title+" yet: run `rapport login "+p.Name+"`", err)
	}
	if err != nil {
		return nil, err
	}
	switch {
	case g.Provider != p.Name:
		return nil, newError(NotSignedIn, p, "", fmt.Sprintf("the sign-in kept in %s is for %s, but rapport.toml says [oauth] provider = %q: run `rapport login %s`",
			s.Store.Where(), title(g.Provider), p.Name, p.Name), nil)
	case g.ClientID != p.config.ClientID:
		return nil, newError(NotSignedIn, p, "", "the sign-in kept in "+s.Store.Where()+" was made with another [oauth] client_id: run `rapport login "+p.Name+"` again", nil)
	case s.Account != "" && g.Account != "" && !strings.EqualFold(g.Account, s.Account):
		return nil, wrongAccount(p, g.Account, s.Account)
	}
	return g, nil
}

func wrongAccount(p *Provider, got, want string) *Error {
	return newError(WrongAccount, p, "", fmt.Sprintf("you are signed in to %s as %s, but rapport.toml sends as %s: run `rapport login %s` again and choose %s (or change [identity] email)",
		p.Title, got, want, p.Name, want), nil)
}

// refresh renews the access token and keeps the result.
func (s *Source) refresh(ctx context.Context, g *Grant, now time.Time) (*Grant, error) {
	p := s.Provider
	if g.RefreshToken == "" {
		return nil, newError(SignInAgain, p, "", "the sign-in with "+p.Title+" has expired and cannot be renewed: "+p.LoginHint(), nil)
	}
	cfg := p.oauthConfig("")
	old := &oauth2.Token{RefreshToken: string(g.RefreshToken)}
	t, err := cfg.TokenSource(p.ctx(ctx), old).Token()
	if err != nil {
		e := classify(p, err, g.RefreshToken, g.AccessToken)
		if e.NeedsLogin() {
			g.Problem = e.Msg
			if serr := s.Store.Save(ctx, g); serr != nil {
				s.log().Warn("oauth_save_failed", "provider", p.Name, "error", serr.Error())
			}
		}
		return nil, e
	}
	ng := grantOf(p, t, now)
	if ng.RefreshToken == "" { // Google keeps the refresh token it gave at sign-in
		ng.RefreshToken = g.RefreshToken
	}
	if ng.Account == "" {
		ng.Account = g.Account
	}
	if ng.Scope == "" {
		ng.Scope = g.Scope
	}
	ng.SignedIn, ng.Refreshed = g.SignedIn, now
	if err := s.Store.Save(ctx, ng); err != nil {
		return nil, fmt.Errorf("keep the renewed sign-in: %w", err)
	}
	s.log().Info("oauth_refreshed", "provider", p.Name, "account", ng.Account, "expires_at", ng.Expiry.Format(time.RFC3339))
	return ng, nil
}

// lost tells OnSignInLost about failures only a new sign-in fixes.
func (s *Source) lost(ctx context.Context, err error) error {
	var e *Error
	if s.OnSignInLost != nil && errors.As(err, &e) && e.NeedsLogin() {
		s.OnSignInLost(ctx, e)
	}
	return err
}

func (s *Source) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Source) leeway() time.Duration {
	if s.Leeway > 0 {
		return s.Leeway
	}
	return DefaultLeeway
}

func (s *Source) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}
