package oauth

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/endpoints"
	"golang.org/x/oauth2/microsoft"
)

// Provider names.
const (
	Google    = "google"
	Microsoft = "microsoft"
)

// Scopes each provider is asked for. The mail scopes are what SMTP and IMAP
// need; openid/email (and profile for Microsoft's preferred_username) tell
// rapport which account signed in, so a sign-in with the wrong account is
// caught at once; offline_access is Microsoft's way of asking for a
// refresh token (Google's is access_type=offline).
var (
	GoogleScopes    = []string{"https://mail.google.com/", "openid", "email"}
	MicrosoftScopes = []string{"https://outlook.office.com/SMTP.Send", "https://outlook.office.com/IMAP.AccessAsUser.All",
		"offline_access", "openid", "profile", "email"}
)

// Settings are [oauth] in rapport.toml.
type Settings struct {
	Provider     string // Google or Microsoft
	ClientID     string
	ClientSecret string // Google's desktop-app clients have one that is not secret; Microsoft public clients have none
	Tenant       string // Microsoft only; "" means "common"
	// Endpoint replaces the provider's real endpoints (tests point it at
	// an in-process server); nil means the provider's own.
	Endpoint *oauth2.Endpoint
	// HTTP is the client for the token endpoints; nil means
	// http.DefaultClient.
	HTTP *http.Client
}

// Provider is one identity provider, as rapport uses it.
type Provider struct {
	Name  string // Google or Microsoft
	Title string // "Google", "Microsoft", for messages
	// MailScopes must all be granted, or the sign-in is refused as consent
	// not given.
	MailScopes []string
	// Device says whether the device-code sign-in can ask for mail access:
	// Google's device flow does not allow the mail scope.
	Device bool
	// RedirectHost is the loopback host of the redirect URI: Google wants
	// the IP literal (RFC 8252 §7.3), Microsoft's app registrations take
	// http://localhost with any port.
	RedirectHost string
	config       oauth2.Config
	authParams   []oauth2.AuthCodeOption
	http         *http.Client
}

var tenantRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

// Lookup checks s and returns its provider. It does no I/O.
func Lookup(s Settings) (*Provider, error) {
	if strings.TrimSpace(s.ClientID) == "" {
		return nil, fmt.Errorf("[oauth] client_id is missing: register rapport with %s (the README says how, step by step) and put its client ID there", title(s.Provider))
	}
	if s.Tenant != "" && !tenantRe.MatchString(s.Tenant) {
		return nil, fmt.Errorf("[oauth] tenant %q is not a tenant ID or domain", s.Tenant)
	}
	var p Provider
	switch s.Provider {
	case Google:
		p = Provider{Name: Google, Title: "Google", MailScopes: GoogleScopes[:1], RedirectHost: "127.0.0.1",
			config: oauth2.Config{Endpoint: endpoints.Google, Scopes: GoogleScopes},
			// offline: a refresh token; consent: a new one on every sign-in,
			// even when Google remembers an earlier consent.
			authParams: []oauth2.AuthCodeOption{oauth2.AccessTypeOffline, oauth2.SetAuthURLParam("prompt", "consent")}}
	case Microsoft:
		p = Provider{Name: Microsoft, Title: "Microsoft", MailScopes: MicrosoftScopes[:2], Device: true, RedirectHost: "localhost",
			config:     oauth2.Config{Endpoint: microsoft.AzureADEndpoint(s.Tenant), Scopes: MicrosoftScopes},
			authParams: []oauth2.AuthCodeOption{oauth2.SetAuthURLParam("prompt", "select_account")}}
	default:
		return nil, fmt.Errorf("[oauth] provider %q is not google or microsoft", s.Provider)
	}
	p.config.ClientID, p.config.ClientSecret = s.ClientID, s.ClientSecret
	if s.Endpoint != nil {
		p.config.Endpoint = *s.Endpoint
	}
	p.http = s.HTTP
	return &p, nil
}

func title(provider string) string {
	switch provider {
	case Google:
		return "Google"
	case Microsoft:
		return "Microsoft"
	}
	return "your provider"
}

// LoginHint is what to tell the user to type to sign in again.
func (p *Provider) LoginHint() string { return "run `rapport login " + p.Name + "` again" }

// ctx carries the HTTP client golang.org/x/oauth2 uses.
func (p *Provider) ctx(ctx context.Context) context.Context {
	if p.http == nil {
		return ctx
	}
	return context.WithValue(ctx, oauth2.HTTPClient, p.http)
}

// oauthConfig is the library's config with the redirect URI set.
func (p *Provider) oauthConfig(redirect string) *oauth2.Config {
	c := p.config
	c.Scopes = append([]string(nil), p.config.Scopes...)
	c.RedirectURL = redirect
	return &c
}
