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
// response is "user=" u "\x01auth=Bearer " token "\x01\x01". localmail
// accepts the user's password as the token.
type xoauth2Server struct {
	check checkFunc
	done  bool
}

func newXOAuth2Server(check checkFunc) sasl.Server { return &xoauth2Server{check: check} }

func (a *xoauth2Server) Next(response []byte) (challenge []byte, done bool, err error) {
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
	return nil, true, a.check(user, token)
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
