package imapconn

import (
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

// login authenticates as o.Auth says.
func login(c *imapclient.Client, o Options) error {
	caps := c.Caps()
	if m := mechanism(o, func(name string) bool { return caps.Has(imap.Cap(name)) }); m != nil {
		return c.Authenticate(m)
	}
	return c.Login(o.Username, o.Password).Wait()
}

// mechanism is the SASL client o.Auth asks for, given the server's
// capabilities (has), or nil for the LOGIN command: AUTHENTICATE PLAIN
// when asked, or when the server disables LOGIN; XOAUTH2 (Google,
// Microsoft), or RFC 7628's OAUTHBEARER when the server offers only that.
func mechanism(o Options, has func(capability string) bool) sasl.Client {
	switch o.Auth {
	case AuthPlain:
		return sasl.NewPlainClient("", o.Username, o.Password)
	case AuthXOAuth2:
		if !has("AUTH=XOAUTH2") && has("AUTH="+sasl.OAuthBearer) {
			return sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: o.Username, Token: o.Password,
				Host: strings.Trim(o.Host, "[]"), Port: o.port()})
		}
		return XOAuth2(o.Username, o.Password)
	case AuthLogin:
		return nil
	}
	if has(string(imap.CapLoginDisabled)) && has("AUTH="+sasl.Plain) {
		return sasl.NewPlainClient("", o.Username, o.Password)
	}
	return nil
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
