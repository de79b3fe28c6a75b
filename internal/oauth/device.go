package oauth

import (
	"context"
	"errors"

	"golang.org/x/oauth2"
)

// DeviceLogin signs in with a code typed on another device (RFC 8628), for
// a computer without a browser: it shows the address and the code, then
// waits (polling at the interval the provider asks) until the user has
// signed in there, declined, or the code expired.
func (p *Provider) DeviceLogin(ctx context.Context, o LoginOptions) (*Grant, error) {
	if !p.Device {
		return nil, newError(Cancelled, p, "", p.Title+" does not allow the device sign-in for mail: run `rapport login "+p.Name+
			"` (without --device) on a computer with a browser", nil)
	}
	cfg := p.oauthConfig("")
	da, err := cfg.DeviceAuth(p.ctx(ctx))
	if err != nil {
		return nil, classify(p, err)
	}
	if o.Show != nil {
		url := da.VerificationURI
		if url == "" {
			url = da.VerificationURIComplete
		}
		o.Show(url, da.UserCode)
	}
	t, err := cfg.DeviceAccessToken(p.ctx(ctx), da)
	if err != nil {
		return nil, deviceError(p, err)
	}
	return p.accept(grantOf(p, t, now(o.Now)), o.Account, now(o.Now))
}

func deviceError(p *Provider, err error) error {
	var re *oauth2.RetrieveError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &re) && re.ErrorCode == "expired_token"):
		return newError(Cancelled, p, "expired_token", "the code expired before the sign-in was finished; nothing was changed: run `rapport login "+p.Name+" --device` again", err)
	case errors.Is(err, context.Canceled):
		return newError(Cancelled, p, "", "the sign-in with "+p.Title+" was interrupted; nothing was changed", err)
	}
	return exchangeError(p, err)
}
