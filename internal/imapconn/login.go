package imapconn

import (
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// login authenticates as o.Auth says.
func login(c *imapclient.Client, o Options) error {
	switch o.Auth {
	case AuthPlain:
		return c.Authenticate(sasl.NewPlainClient("", o.Username, o.Password))
	case AuthXOAuth2:
		return c.Authenticate(oauthClient(c.Caps(), o))
	case AuthLogin:
		return c.Login(o.Username, o.Password).Wait()
	}
	caps := c.Caps()
	if caps.Has(imap.CapLoginDisabled) && caps.Has(imap.AuthCap(sasl.Plain)) {
		return c.Authenticate(sasl.NewPlainClient("", o.Username, o.Password))
	}
	return c.Login(o.Username, o.Password).Wait()
}

// oauthClient picks XOAUTH2 (Google, Microsoft), or RFC 7628's OAUTHBEARER
// when the server offers only that.
func oauthClient(caps imap.CapSet, o Options) sasl.Client {
	if !caps.Has(imap.AuthCap("XOAUTH2")) && caps.Has(imap.AuthCap(sasl.OAuthBearer)) {
		return sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: o.Username, Token: o.Password,
			Host: strings.Trim(o.Host, "[]"), Port: o.port()})
	}
	return XOAuth2(o.Username, o.Password)
}

// XOAuth2 is the SASL client for Google's and Microsoft's XOAUTH2, which
// go-sasl lacks: the initial response is
// "user=" user "\x01auth=Bearer " token "\x01\x01".
func XOAuth2(user, token string) sasl.Client { return &xoauth2{user: user, token: token} }

type xoauth2 struct{ user, token string }

func (x *xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

// Next answers the server's error challenge (a JSON status) with an empty
// response, after which the server sends its final NO.
func (x *xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }
