package cli

import (
	"context"
	"errors"
	"log/slog"
	"os"

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
func (a *app) credentials(ctx context.Context, section string, s config.Server) (credentials, error) {
	if s.Auth != config.AuthOAuth2 {
		pw, err := s.Secret(ctx, section)
		if err != nil {
			return credentials{}, invalid(err)
		}
		return credentials{password: pw, auth: s.Auth}, nil
	}
	src, err := a.tokenSource()
	if err != nil {
		return credentials{}, err
	}
	return credentials{auth: mailer.AuthXOAuth2, tokens: src, hint: src.Provider.LoginHint()}, nil
}

// oauthProvider is [oauth]'s provider; tests point it at their own server
// through Env.OAuthEndpoint.
func (a *app) oauthProvider() (*oauth.Provider, error) {
	o := a.cfg.OAuth
	if o.Provider == "" {
		return nil, invalidf("%s has no [oauth] section: add provider and client_id (the README's \"Sign in with Google or Microsoft\" shows how to get one)", a.cfg.Path)
	}
	p, err := oauth.Lookup(oauth.Settings{Provider: o.Provider, ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		Tenant: o.Tenant, Endpoint: a.env.OAuthEndpoint})
	if err != nil {
		return nil, invalid(err)
	}
	return p, nil
}

// tokenStore is where the sign-in is kept: token_cmd, or the file beside
// the store.
func (a *app) tokenStore() oauth.TokenStore {
	if a.cfg.OAuth.TokenCmd != "" {
		return oauth.CommandStore{Cmd: a.cfg.OAuth.TokenCmd}
	}
	return oauth.FileStore{Path: oauth.TokenPath(a.cfg.Resolve(a.cfg.Store.Path))}
}

// oauthAccount is the address the sign-in must be for.
func (a *app) oauthAccount() string {
	if a.cfg.SMTP.Auth == config.AuthOAuth2 {
		return a.cfg.SMTP.Username
	}
	return a.cfg.IMAP.Username
}

// tokenSource is the run's one Source (SMTP and IMAP share it, so they
// never renew at the same time); a reload with a new config makes a new
// one. When the store is open, a sign-in that stops working pauses
// sending, whichever connection finds out first.
func (a *app) tokenSource() (*oauth.Source, error) {
	if a.oauthSrc != nil && a.oauthCfg == a.cfg {
		return a.oauthSrc, nil
	}
	p, err := a.oauthProvider()
	if err != nil {
		return nil, err
	}
	src := &oauth.Source{Provider: p, Store: a.tokenStore(), Account: a.oauthAccount(), Now: a.env.Now, Log: a.log}
	if a.st != nil {
		src.OnSignInLost = pauseOnLostSignIn(a.st, a.log)
	}
	a.oauthSrc, a.oauthCfg = src, a.cfg
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

// storeExists reports whether the store file is there, so that commands
// that only look do not create it.
func (a *app) storeExists() bool {
	_, err := os.Stat(a.cfg.Resolve(a.cfg.Store.Path))
	return !errors.Is(err, os.ErrNotExist)
}
