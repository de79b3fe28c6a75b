package imapconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// Steps of Dial, as Error.Step names them.
const (
	StepConnect = "connect" // TCP connection and greeting
	StepTLS     = "tls"     // STARTTLS and the TLS handshake, certificate checks included
	StepLogin   = "login"   // LOGIN or AUTHENTICATE
)

// ErrNoSTARTTLS means security "starttls" was asked and the server refused
// STARTTLS: rapport never falls back to clear text.
var ErrNoSTARTTLS = errors.New("the server does not offer STARTTLS; use security \"tls\" (usually port 993) if it supports implicit TLS")

// Error is a Dial failure: which step failed, at which address, and why. Its
// message never contains the password.
type Error struct {
	Step string
	Addr string
	Err  error
	// token: Err is the token source's, which says what to do itself.
	token bool
	// refusedHint replaces the password advice when an OAuth token was
	// refused.
	refusedHint string
}

func (e *Error) Error() string {
	msg := "imap " + e.Step + " " + e.Addr + ": " + e.Err.Error()
	if hint := e.hint(); hint != "" {
		msg += " (" + hint + ")"
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// hint tells a non-engineer what to do.
func (e *Error) hint() string {
	switch {
	case IsCertError(e.Err):
		return "the server's certificate could not be verified: check the host name, or set ca_file if your provider uses a private certificate authority"
	case e.token:
		return ""
	case e.Step == StepLogin && isAuthFailure(e.Err) && wantsAppPassword(e.Err):
		return "the server wants an app password: create one in your account's security settings (Google: myaccount.google.com/apppasswords) and put it in password_env, or sign in with Google instead: auth = \"oauth2\" and `rapport login google`"
	case e.Step == StepLogin && isAuthFailure(e.Err) && e.refusedHint != "":
		return e.refusedHint
	case e.Step == StepLogin && isAuthFailure(e.Err):
		return "the server refused the username or password; with Gmail or Microsoft 365 use an app password, or sign in with auth = \"oauth2\" and `rapport login`"
	case e.Step == StepConnect && IsTimeout(e.Err):
		return "the server did not answer in time: check host, port and your network"
	}
	return ""
}

// Temporary reports whether trying again later may succeed: network
// trouble, not a refused password or an untrusted certificate.
func (e *Error) Temporary() bool {
	if e.token {
		var t interface{ Temporary() bool }
		return errors.As(e.Err, &t) && t.Temporary()
	}
	return e.Step == StepConnect || (e.Step == StepLogin && !isAuthFailure(e.Err) && IsTimeout(e.Err))
}

// wantsAppPassword recognises Gmail's refusal of an account password when
// 2-Step Verification is on: "[ALERT] Application-specific password
// required".
func wantsAppPassword(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "application-specific password")
}

// IsCertError reports whether err is a certificate that did not verify
// (unknown authority, wrong host name, expired). The mailer uses it too.
func IsCertError(err error) bool {
	var verr *tls.CertificateVerificationError
	var uerr x509.UnknownAuthorityError
	var herr x509.HostnameError
	var cerr x509.CertificateInvalidError
	return errors.As(err, &verr) || errors.As(err, &uerr) || errors.As(err, &herr) || errors.As(err, &cerr)
}

func isAuthFailure(err error) bool {
	var ierr *imap.Error
	return errors.As(err, &ierr) && ierr.Type == imap.StatusResponseTypeNo
}

// IsTimeout reports whether err is a network timeout.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
