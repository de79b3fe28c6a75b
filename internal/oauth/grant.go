package oauth

import (
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// Secret is a token. It prints as "[redacted]" through fmt and slog, so a
// Grant that ends up in a log line or an error by mistake shows nothing;
// encoding/json still writes the value, which is how the token file keeps
// it.
type Secret string

const redacted = "[redacted]"

func (Secret) String() string       { return redacted }
func (Secret) GoString() string     { return redacted }
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// Grant is what a sign-in leaves: the tokens and who signed in. It is what
// the token file (or token_cmd) keeps, as JSON.
type Grant struct {
	Provider     string    `json:"provider"`
	ClientID     string    `json:"client_id"`
	Account      string    `json:"account,omitempty"` // the address that signed in, lower case; "" when the provider did not say
	AccessToken  Secret    `json:"access_token"`
	RefreshToken Secret    `json:"refresh_token"`
	Expiry       time.Time `json:"expiry"` // of the access token
	Scope        string    `json:"scope,omitempty"`
	SignedIn     time.Time `json:"signed_in"`
	Refreshed    time.Time `json:"refreshed,omitzero"`
	// Problem is why the sign-in stopped working ("" while it works), so
	// that `rapport status` can say so without asking the provider.
	Problem string `json:"problem,omitempty"`
}

// LogValue keeps the tokens out of logs even when a whole Grant is logged.
func (g *Grant) LogValue() slog.Value {
	return slog.GroupValue(slog.String("provider", g.Provider), slog.String("account", g.Account),
		slog.Time("expiry", g.Expiry))
}

// grantOf builds a Grant from a token response, with expiry counted from
// now by expires_in (the library counts from the real clock, rapport's
// clock may be another).
func grantOf(p *Provider, t *oauth2.Token, now time.Time) *Grant {
	g := &Grant{Provider: p.Name, ClientID: p.config.ClientID, AccessToken: Secret(t.AccessToken),
		RefreshToken: Secret(t.RefreshToken), Expiry: expiry(t, now)}
	if s, ok := t.Extra("scope").(string); ok {
		g.Scope = s
	}
	if id, ok := t.Extra("id_token").(string); ok {
		g.Account = accountOf(id)
	}
	return g
}

func expiry(t *oauth2.Token, now time.Time) time.Time {
	switch {
	case t.ExpiresIn > 0:
		return now.Add(time.Duration(t.ExpiresIn) * time.Second)
	case !t.Expiry.IsZero():
		return t.Expiry
	}
	return now.Add(time.Hour) // neither said: assume the usual hour, refresh early rather than late
}

// accountOf reads the signed-in address from an ID token. Its signature is
// not checked: the token came straight from the provider's token endpoint
// over TLS, which OpenID Connect Core §3.1.3.7 accepts in place of it, and
// it only serves to catch a sign-in with the wrong account.
func accountOf(idToken string) string {
	parts := strings.Split(idToken, ".")
	if len(parts) < 2 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		Email             string `json:"email"`
		PreferredUsername string `json:"preferred_username"`
		UPN               string `json:"upn"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return ""
	}
	for _, v := range []string{claims.Email, claims.PreferredUsername, claims.UPN} {
		if strings.Contains(v, "@") {
			return strings.ToLower(strings.TrimSpace(v))
		}
	}
	return ""
}

// granted reports whether every scope in want is in the space-separated
// scope list the provider returned; an absent list means all were granted
// (RFC 6749 §5.1: scope is returned only when it differs from the request).
func granted(scope string, want []string) bool {
	if scope == "" {
		return true
	}
	have := strings.Fields(scope)
	for _, w := range want {
		found := false
		for _, h := range have {
			if strings.EqualFold(h, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
