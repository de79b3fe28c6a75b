package cli

import "context"

// signInJSON is the OAuth sign-in in `status --json`: who, since when, and
// what is wrong. Never a token.
type signInJSON struct {
	Provider string `json:"provider"`
	Account  string `json:"account,omitempty"`
	SignedIn string `json:"signed_in,omitempty"`
	Renewed  string `json:"renewed,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

// signInStatus reads the kept sign-in without asking the provider; nil when
// the config does not use one.
func (a *app) signInStatus(ctx context.Context) *signInJSON {
	if !a.cfg.UsesOAuth() {
		return nil
	}
	src, err := a.tokenSource()
	if err != nil {
		return &signInJSON{Provider: a.cfg.OAuth.Provider, Problem: err.Error()}
	}
	si := &signInJSON{Provider: src.Provider.Title}
	g, err := src.Grant(ctx)
	if err != nil {
		si.Problem = err.Error()
		return si
	}
	si.Account, si.Problem = g.Account, g.Problem
	if !g.SignedIn.IsZero() {
		si.SignedIn = a.when(g.SignedIn)
	}
	if !g.Refreshed.IsZero() {
		si.Renewed = a.when(g.Refreshed)
	}
	return si
}
