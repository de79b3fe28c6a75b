package cli

import (
	"errors"
	"os"

	"rapport/internal/oauth"
)

// oauthProvider is [oauth]'s provider; tests point it at their own server
// through Env.OAuthEndpoint.
func (a *app) oauthProvider() (*oauth.Provider, error) { return a.core().OAuthProvider() }

// tokenStore is where the sign-in is kept: token_cmd, or the file beside
// the store.
func (a *app) tokenStore() oauth.TokenStore { return a.core().TokenStore() }

// oauthAccount is the address the sign-in must be for.
func (a *app) oauthAccount() string { return a.core().OAuthAccount() }

// tokenSource is the run's one Source (see core.App.TokenSource).
func (a *app) tokenSource() (*oauth.Source, error) { return a.core().TokenSource() }

// storeExists reports whether the store file is there, so that commands
// that only look do not create it.
func (a *app) storeExists() bool {
	_, err := os.Stat(a.cfg.Resolve(a.cfg.Store.Path))
	return !errors.Is(err, os.ErrNotExist)
}
