package app

import (
	"context"
	"log/slog"

	"rapport/internal/config"
	"rapport/internal/mailer"
	"rapport/internal/oauth"
	"rapport/internal/store"
)

// credentials are how one server section logs in: a password, or a token
// source when auth = "oauth2".
type credentials struct {
	password, auth string
	tokens         mailer.TokenSource // nil without OAuth (never a nil *oauth.Source)
	hint           string
}

// credentials resolves [smtp] or [imap]'s login. With auth = "oauth2" no
// password is read: the token comes from the sign-in `rapport login` kept.
func (a *App) credentials(ctx context.Context, section string, s config.Server) (credentials, error) {
	if s.Auth != config.AuthOAuth2 {
		pw, err := s.Secret(ctx, section)
		if err != nil {
			return credentials{}, Invalid(err)
		}
		return credentials{password: pw, auth: s.Auth}, nil
	}
	src, err := a.TokenSource()
	if err != nil {
		return credentials{}, err
	}
	return credentials{auth: mailer.AuthXOAuth2, tokens: src, hint: src.Provider.LoginHint()}, nil
}

// OAuthProvider is [oauth]'s provider; tests point it at their own server
// through Options.OAuthEndpoint.
func (a *App) OAuthProvider() (*oauth.Provider, error) {
	cfg := a.Config()
	o := cfg.OAuth
	if o.Provider == "" {
		return nil, Invalidf("%s has no [oauth] section: add provider and client_id (the README's \"Sign in with Google or Microsoft\" shows how to get one)", cfg.Path)
	}
	p, err := oauth.Lookup(oauth.Settings{Provider: o.Provider, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		Tenant: o.Tenant, Endpoint: a.oauthEndpoint})
	if err != nil {
		return nil, Invalid(err)
	}
	return p, nil
}

// TokenStore is where the sign-in is kept: token_cmd, or the file beside
// the store.
func (a *App) TokenStore() oauth.TokenStore {
	cfg := a.Config()
	if cfg.OAuth.TokenCmd != "" {
		return oauth.CommandStore{Cmd: cfg.OAuth.TokenCmd}
	}
	return oauth.FileStore{Path: oauth.TokenPath(cfg.Resolve(cfg.Store.Path))}
}

// OAuthAccount is the address the sign-in must be for.
func (a *App) OAuthAccount() string {
	cfg := a.Config()
	if cfg.SMTP.Auth == config.AuthOAuth2 {
		return cfg.SMTP.Username
	}
	return cfg.IMAP.Username
}

// TokenSource is the run's one Source (SMTP and IMAP share it, so they
// never renew at the same time); a reload with a new config makes a new
// one. When the store is open, a sign-in that stops working pauses
// sending, whichever connection finds out first.
func (a *App) TokenSource() (*oauth.Source, error) {
	cfg, st, log := a.Config(), a.Store(), a.logger()
	a.mu.Lock()
	src, srcCfg := a.oauthSrc, a.oauthCfg
	a.mu.Unlock()
	if src != nil && srcCfg == cfg {
		return src, nil
	}
	p, err := a.OAuthProvider()
	if err != nil {
		return nil, err
	}
	src = &oauth.Source{Provider: p, Store: a.TokenStore(), Account: a.OAuthAccount(), Now: a.now, Log: log}
	if st != nil {
		src.OnSignInLost = pauseOnLostSignIn(st, log)
	}
	a.mu.Lock()
	a.oauthSrc, a.oauthCfg = src, cfg
	a.mu.Unlock()
	return src, nil
}

// pauseOnLostSignIn pauses all sending with the sign-in's own words ("run
// `rapport login google` again"); `rapport login` resumes it.
func pauseOnLostSignIn(st *store.Store, log *slog.Logger) func(context.Context, *oauth.Error) {
	return func(ctx context.Context, e *oauth.Error) {
		ctx = context.WithoutCancel(ctx)
		if _, _, paused, err := st.SendingPaused(ctx); err != nil || paused {
			return
		}
		if err := st.PauseSending(ctx, e.Msg); err != nil {
			log.Warn("pause_failed", "error", err.Error())
			return
		}
		log.Warn("sending_paused", "provider", e.Provider, "reason", e.Msg)
	}
}
