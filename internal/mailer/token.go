package mailer

import (
	"context"
	"errors"

	gomail "github.com/wneessen/go-mail"
)

// useToken gives gm a current access token before it dials, when the
// options have a token source. A failure to get one is an account-level
// pause in the token source's own words (they say what to do), before
// anything is dialled: no message can have been handed over.
func (c *Client) useToken(ctx context.Context, gm *gomail.Client) (Result, bool) {
	if c.o.Tokens == nil {
		return Result{}, true
	}
	tok, err := c.o.Tokens.AccessToken(ctx)
	if err != nil {
		res := result(Paused, StepAuth, reply{}, err.Error(), err)
		var t interface{ Temporary() bool }
		res.Temporary = errors.As(err, &t) && t.Temporary()
		res.broken = true
		return res, false
	}
	gm.SetPassword(tok)
	return Result{}, true
}

// dialResult classifies a failure to connect or log in; with a token
// source, a refused login means the token, not a password.
func (o Options) dialResult(err error) Result {
	res := classifyDial(err)
	if o.Tokens == nil || res.Step != StepAuth || res.Temporary || res.Enhanced == "5.7.139" {
		return res
	}
	advice := "the server refused the sign-in token for " + o.Username
	if o.TokenHint != "" {
		advice += ": " + o.TokenHint
	}
	var e *Error
	if errors.As(res.Err, &e) {
		e.Advice = advice
	}
	return res
}
