package oauth

import (
	"context"
	"errors"
	"net"
	"strings"

	"golang.org/x/oauth2"
)

// Kind says what went wrong with a sign-in, and so what the user must do.
type Kind int

// The kinds of sign-in failure.
const (
	// NotSignedIn: no sign-in is kept yet (or it is for another provider).
	NotSignedIn Kind = iota + 1
	// SignInAgain: the provider no longer accepts the kept sign-in: it
	// expired, the password changed, or access was withdrawn.
	SignInAgain
	// Consent: the user (or their organization) did not allow rapport to
	// use the mailbox.
	Consent
	// WrongAccount: the sign-in is for another address than rapport.toml's.
	WrongAccount
	// Client: the provider does not accept [oauth] client_id/client_secret.
	Client
	// Unreachable: the provider could not be asked (network, its outage);
	// trying again later may work.
	Unreachable
	// Cancelled: the sign-in did not finish (closed, timed out, interrupted).
	Cancelled
)

// ErrNotSignedIn is wrapped by the errors of a store that holds no grant.
var ErrNotSignedIn = errors.New("not signed in")

// Error is a sign-in failure, in words for the user. Its message never
// holds a token: it is built from the provider's error code and
// description, from which any token it might echo is cut.
type Error struct {
	Kind     Kind
	Provider string // Google or Microsoft
	Msg      string // what happened and what to do
	Code     string // the provider's error code (invalid_grant, access_denied), "" when none
	Err      error  // the cause, for errors.Is; never printed
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether trying again later, without the user doing
// anything, may work.
func (e *Error) Temporary() bool { return e.Kind == Unreachable }

// NeedsLogin reports whether the user must run `rapport login` (again).
func (e *Error) NeedsLogin() bool {
	return e.Kind == NotSignedIn || e.Kind == SignInAgain || e.Kind == Consent || e.Kind == WrongAccount
}

func newError(k Kind, p *Provider, code, msg string, cause error) *Error {
	return &Error{Kind: k, Provider: p.Name, Code: code, Msg: msg, Err: cause}
}

// classify turns a token-endpoint failure into an *Error; secrets are the
// tokens that must not appear in it.
func classify(p *Provider, err error, secrets ...Secret) *Error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return unreachable(p, err)
	}
	code := re.ErrorCode
	desc := clean(re.ErrorDescription, secrets)
	said := ""
	if code != "" || desc != "" {
		said = " (" + p.Title + " said: " + strings.TrimSpace(code+" "+desc) + ")"
	}
	switch {
	case re.Response != nil && re.Response.StatusCode >= 500:
		return newError(Unreachable, p, code, p.Title+" could not renew the sign-in just now"+said+"; rapport tries again later", nil)
	case code == "invalid_client" || code == "unauthorized_client" || strings.Contains(desc, "AADSTS700016") || strings.Contains(desc, "AADSTS7000218"):
		return newError(Client, p, code, p.Title+" does not accept the client_id (or client_secret) in [oauth] of rapport.toml"+said+
			": check them against the app you registered (the README shows where to find them), then run `rapport login "+p.Name+"`", nil)
	case code == "consent_required" || code == "interaction_required" || strings.Contains(desc, "AADSTS65001"):
		return consentError(p, code, said)
	case code == "access_denied" || code == "authorization_declined":
		return consentError(p, code, said)
	}
	return newError(SignInAgain, p, code, "the sign-in with "+p.Title+" no longer works: it expired or access was withdrawn"+said+"; "+p.LoginHint(), nil)
}

func consentError(p *Provider, code, said string) *Error {
	msg := "you did not allow rapport to use your mailbox (consent not granted)" + said + "; " + p.LoginHint() +
		" and allow access to your mail"
	if p.Name == Microsoft {
		msg += "; if it says an administrator must approve, ask your Microsoft 365 administrator to grant consent for this app" +
			" (Microsoft Entra admin center → Enterprise applications → the app → Permissions → Grant admin consent)"
	}
	return newError(Consent, p, code, msg, nil)
}

func unreachable(p *Provider, err error) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return newError(Cancelled, p, "", "the sign-in with "+p.Title+" was interrupted", err)
	}
	why := "the network"
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		why = "it did not answer in time"
	}
	return newError(Unreachable, p, "", "could not reach "+p.Title+" to renew the sign-in ("+why+"); rapport tries again later", err)
}

// clean keeps a provider's description to its first line, without any of
// the secrets.
func clean(desc string, secrets []Secret) string {
	desc, _, _ = strings.Cut(strings.ReplaceAll(desc, "\r\n", "\n"), "\n")
	for _, s := range secrets {
		if s != "" {
			desc = strings.ReplaceAll(desc, string(s), redacted)
		}
	}
	if len(desc) > 300 {
		desc = desc[:300] + "…"
	}
	return strings.TrimSpace(desc)
}
