package localmail

import (
	"bytes"
	"errors"

	"github.com/emersion/go-sasl"
)

// checkFunc verifies a username and a password (or token).
type checkFunc func(username, password string) error

var errSASLSyntax = errors.New("localmail: malformed SASL response")

// loginServer is the server side of the LOGIN mechanism
// (draft-murchison-sasl-login), which go-sasl has only as a client.
type loginServer struct {
	check    checkFunc
	step     int
	username string
}

func newLoginServer(check checkFunc) sasl.Server { return &loginServer{check: check} }

func (a *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	a.step++
	switch a.step {
	case 1:
		if response != nil { // initial response carries the username
			a.username = string(response)
			a.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		a.username = string(response)
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, a.check(a.username, string(response))
	}
	return nil, false, sasl.ErrUnexpectedClientResponse
}

// xoauth2Server is the server side of Google's XOAUTH2: the initial
// response is "user=" u "\x01auth=Bearer " token "\x01\x01". check
// verifies the token (see Options.VerifyToken). A refused token is
// answered as Google and Microsoft do: a JSON status as a challenge, and
// the refusal after the client's empty reply.
type xoauth2Server struct {
	check  checkFunc
	done   bool
	failed error
}

func newXOAuth2Server(check checkFunc) sasl.Server { return &xoauth2Server{check: check} }

func (a *xoauth2Server) Next(response []byte) (challenge []byte, done bool, err error) {
	if a.failed != nil {
		return nil, true, a.failed
	}
	if a.done {
		return nil, false, sasl.ErrUnexpectedClientResponse
	}
	if response == nil {
		return []byte{}, false, nil
	}
	a.done = true
	user, token, err := parseXOAuth2(response)
	if err != nil {
		return nil, false, err
	}
	if a.failed = a.check(user, token); a.failed != nil {
		return []byte(`{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	return nil, true, nil
}

// newOAuthBearerServer is RFC 7628's OAUTHBEARER, checking the token like
// XOAUTH2; a refusal ends as refused, the protocol's usual answer to a
// bad login (535 for SMTP, NO for IMAP).
func newOAuthBearerServer(check checkFunc, refused error) sasl.Server {
	return &oauthBearerServer{refused: refused, Server: sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
		if o.Username == "" || check(o.Username, o.Token) != nil {
			return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer"}
		}
		return nil
	})}
}

type oauthBearerServer struct {
	sasl.Server
	refused error
}

func (a *oauthBearerServer) Next(response []byte) ([]byte, bool, error) {
	challenge, done, err := a.Server.Next(response)
	var be *sasl.OAuthBearerError
	if errors.As(err, &be) {
		err = a.refused
	}
	return challenge, done, err
}

func parseXOAuth2(resp []byte) (user, token string, err error) {
	for _, field := range bytes.Split(resp, []byte{1}) {
		if v, ok := bytes.CutPrefix(field, []byte("user=")); ok {
			user = string(v)
		}
		if v, ok := bytes.CutPrefix(field, []byte("auth=Bearer ")); ok {
			token = string(v)
		}
	}
	if user == "" || token == "" {
		return "", "", errSASLSyntax
	}
	return user, token, nil
}
