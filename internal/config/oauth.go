package config

import (
	"regexp"
	"strings"
)

var tenantRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9.-]*$`)

// validateOAuth checks [oauth] and that auth = "oauth2" has one.
func (c *Config) validateOAuth(p *problems) {
	o := &c.OAuth
	for _, sec := range []struct {
		name string
		s    Server
	}{{"smtp", c.SMTP.Server}, {"imap", c.IMAP.Server}} {
		if sec.s.Auth == AuthOAuth2 && o.Provider == "" {
			p.add(sec.name+".auth", `auth = "oauth2" needs an [oauth] section with provider ("google" or "microsoft") and client_id: the README's "Sign in with Google or Microsoft" shows how to get one`)
		}
	}
	if o.Provider == "" {
		if o.ClientID != "" || o.Tenant != "" || o.TokenCmd != "" || o.ClientSecret != "" {
			p.add("oauth", `[oauth] needs provider = "google" or "microsoft"`)
		}
		return
	}
	switch o.Provider {
	case "google", "microsoft":
	default:
		p.add("oauth.provider", "%q is not google or microsoft", o.Provider)
	}
	if strings.TrimSpace(o.ClientID) == "" {
		p.add("oauth.client_id", "the client ID of the app you registered with %s is missing: the README's \"Sign in with Google or Microsoft\" shows how to get one, step by step", title(o.Provider))
	}
	if strings.ContainsAny(o.ClientID+o.ClientSecret+o.Tenant, " \r\n\x00") {
		p.add("oauth", "client_id, client_secret and tenant are single words without spaces")
	}
	if o.Tenant != "" && o.Provider != "microsoft" {
		p.add("oauth.tenant", "tenant is a Microsoft setting; remove it for %s", title(o.Provider))
	} else if o.Tenant != "" && !tenantRe.MatchString(o.Tenant) {
		p.add("oauth.tenant", "%q is not a tenant ID or domain (examples: common, yourpractice.com)", o.Tenant)
	}
}

func title(provider string) string {
	switch provider {
	case "google":
		return "Google"
	case "microsoft":
		return "Microsoft"
	}
	return "your provider"
}
