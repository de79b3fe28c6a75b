package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/textproto"
	"strings"

	"rapport/internal/imapconn"
)

// classifyDial maps a failure to connect, secure or log in. Each pauses
// all sending and changes no contact; Temporary says whether waiting may
// help (the network, a 4xx) or the user must act (password, certificate).
func classifyDial(err error) Result {
	if errors.Is(err, context.Canceled) || errors.Is(err, errCancelled) {
		res := result(Deferred, StepConnect, reply{}, "sending was stopped before the message was handed over", err)
		res.broken = true
		return res
	}
	step, r := dialStep(err), dialReply(err)
	var res Result
	switch step {
	case StepAuth:
		res = result(Paused, step, r, authAdvice(r), err)
		res.Temporary = r.code/100 == 4
	case StepTLS:
		res = result(Paused, step, r, tlsAdvice(err), err)
		res.Temporary = !imapconn.IsCertError(err) && !strings.Contains(err.Error(), "STARTTLS")
	default:
		res = result(Paused, step, r, connectAdvice(err, r), err)
		res.Temporary = r.code == 0 || r.code/100 == 4
	}
	res.broken = true
	return res
}

// dialStep tells connect, TLS and AUTH failures apart. go-mail returns them
// unwrapped from one call, so this reads its error texts: every AUTH
// failure says "SMTP AUTH" (or "SMTP Auth"), a missing STARTTLS says
// "STARTTLS", and the implicit-TLS handshake is ours (stepError).
func dialStep(err error) string {
	var se *stepError
	switch {
	case errors.As(err, &se):
		return se.step
	case strings.Contains(strings.ToUpper(err.Error()), "SMTP AUTH"):
		return StepAuth
	case imapconn.IsCertError(err) || isTLSError(err) || strings.Contains(err.Error(), "STARTTLS"):
		return StepTLS
	}
	return StepConnect
}

func dialReply(err error) reply {
	var te *textproto.Error
	if !errors.As(err, &te) {
		return reply{}
	}
	return reply{code: te.Code, enhanced: enhancedRe.FindString(te.Msg), text: te.Msg}
}

func authAdvice(r reply) string {
	text := strings.ToLower(r.text)
	switch {
	case r.code/100 == 4:
		return "the server could not check the login just now; rapport tries again later"
	case r.enhanced == "5.7.139":
		return microsoftAdvice(text)
	case r.enhanced == "5.7.9" || strings.Contains(text, "application-specific"):
		return "the server wants an app password: create one in your account's security settings (Google: myaccount.google.com/apppasswords) and put it in password_env, or sign in instead: auth = \"oauth2\" in [smtp] and [imap], then `rapport login google`"
	case r.code == 0:
		return "the server does not offer a login method rapport can use; check the port and security settings"
	}
	return "the server refused the username or password; check them (Gmail and Microsoft 365 need an app password, or auth = \"oauth2\" and `rapport login`)"
}

// microsoftAdvice explains Microsoft 365's 5.7.139 refusals, which only the
// organization's administrator can lift.
func microsoftAdvice(text string) string {
	switch {
	case strings.Contains(text, "smtpclientauthentication is disabled"):
		return "Microsoft 365 has sending through SMTP (\"Authenticated SMTP\") turned off for your organization. Your Microsoft 365 administrator must turn it on for your mailbox: Microsoft 365 admin center → Users → Active users → your name → Mail → Manage email apps → tick \"Authenticated SMTP\" → Save (or for everyone: Exchange admin center → Settings → Mail flow → untick \"Turn off SMTP AUTH protocol for your organization\"). It can take an hour to apply; then run `rapport check`"
	case strings.Contains(text, "basic authentication is disabled"):
		return "Microsoft 365 no longer accepts a password for sending: sign in with Microsoft instead: auth = \"oauth2\" in [smtp] and [imap], [oauth] provider = \"microsoft\", then `rapport login microsoft`"
	case strings.Contains(text, "security defaults"):
		return "your organization's Microsoft 365 security defaults block this sign-in: your administrator must allow Authenticated SMTP for your mailbox (or set up sign-in with auth = \"oauth2\" and `rapport login microsoft`)"
	}
	return "Microsoft 365 refused the sign-in (5.7.139): ask your Microsoft 365 administrator to allow \"Authenticated SMTP\" for your mailbox (admin center → Users → Active users → your name → Mail → Manage email apps), and check the username; then run `rapport check`"
}

func tlsAdvice(err error) string {
	switch {
	case imapconn.IsCertError(err):
		return "the server's certificate could not be verified: check the host name, or set ca_file if your provider uses a private certificate authority; rapport never sends without a verified certificate"
	case strings.Contains(err.Error(), "STARTTLS"):
		return "the server does not offer STARTTLS on this port; use security \"tls\" (port 465) or the provider's submission port 587"
	}
	return "the secure (TLS) connection to the server failed; check the port and security settings"
}

func connectAdvice(err error, r reply) string {
	var dnsErr *net.DNSError
	switch {
	case r.code != 0:
		return "the server refused the connection"
	case errors.As(err, &dnsErr):
		return "the mail server's name could not be found: check the SMTP host and your internet connection"
	case imapconn.IsTimeout(err):
		return "the mail server did not answer in time: check host, port and your network"
	}
	return "could not connect to the mail server: check host, port and your network"
}

func isTLSError(err error) bool {
	var rh tls.RecordHeaderError
	var ae tls.AlertError
	return errors.As(err, &rh) || errors.As(err, &ae) || strings.HasPrefix(err.Error(), "tls: ")
}
