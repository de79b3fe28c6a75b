package mailer

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"rapport/internal/imapconn"
)

// Security values.
const (
	TLS      = "tls"      // implicit TLS, port 465 by default
	STARTTLS = "starttls" // STARTTLS required, port 587 by default
	None     = "none"     // no TLS, loopback hosts only, port 25 by default
)

// Auth values; "" means PLAIN if the server offers it, else LOGIN.
const (
	AuthPlain   = "plain"
	AuthLogin   = "login"
	AuthXOAuth2 = "xoauth2" // Password is the OAuth2 access token
)

// DefaultTimeout is how long any single SMTP read or write may take when
// Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Options says how to reach the user's submission server.
type Options struct {
	Host     string
	Port     int    // 0: 587 for starttls, 465 for tls, 25 for none
	Security string // TLS, STARTTLS or None
	Username string // empty: no AUTH
	Password string
	Auth     string
	// Tokens, with AuthXOAuth2, gives the OAuth2 access token for each
	// login in place of Password (oauth.Source renews it ahead of
	// expiry). Its failure pauses sending with its own words, which say
	// what to do; a Temporary one only until the next try.
	Tokens TokenSource
	// TokenHint is what to tell the user when the server refuses a token,
	// e.g. "run `rapport login google` again".
	TokenHint string
	// RootCAs verifies the server's certificate; nil means the system's
	// roots. Verification is never turned off.
	RootCAs *x509.CertPool
	// HelloName is the EHLO name; empty means this machine's host name.
	HelloName string
	// Timeout bounds each SMTP step: every read of a reply and every
	// write, so a large attachment on a slow line is fine as long as it
	// moves; 0 means DefaultTimeout.
	Timeout time.Duration
	// DSN asks for delivery status notifications with RET=HDRS and
	// NOTIFY=FAILURE,DELAY when the server offers DSN.
	DSN bool
	// Debug receives the SMTP dialogue, "C: " and "S: " lines; AUTH
	// exchanges are redacted and message contents are not logged.
	Debug io.Writer
}

// TokenSource gives OAuth2 access tokens (the same as imapconn's).
type TokenSource = imapconn.TokenSource

// ErrInvalidOptions is wrapped by every validation failure of New.
var ErrInvalidOptions = errors.New("invalid SMTP settings")

func (o Options) validate() error {
	problems := imapconn.CheckServer(o.Host, o.Port, o.Security, "your password and notes",
		`use "starttls" (port 587) or "tls" (port 465)`)
	problems = append(problems, o.checkAuth()...)
	if strings.ContainsAny(o.HelloName, " \r\n\x00") {
		problems = append(problems, "hello name must be a single host name")
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidOptions, strings.Join(problems, "; "))
	}
	return nil
}

func (o Options) checkAuth() []string {
	var problems []string
	switch o.Auth {
	case "", AuthPlain, AuthLogin, AuthXOAuth2:
	default:
		problems = append(problems, fmt.Sprintf("auth %q is not one of plain, login, xoauth2", o.Auth))
	}
	switch {
	case o.Tokens != nil && (o.Auth != AuthXOAuth2 || o.Username == "" || o.Password != ""):
		problems = append(problems, "a token source needs auth xoauth2, a username and no password")
	case o.Tokens == nil && (o.Username == "") != (o.Password == ""):
		problems = append(problems, "username and password go together: give both or neither")
	}
	if strings.ContainsAny(o.Username+o.Password, "\r\n\x00") {
		problems = append(problems, "username or password contains a line break or NUL")
	}
	return problems
}

func (o Options) port() int {
	switch {
	case o.Port != 0:
		return o.Port
	case o.Security == TLS:
		return 465
	case o.Security == None:
		return 25
	}
	return 587
}

func (o Options) addr() string {
	return net.JoinHostPort(o.host(), strconv.Itoa(o.port()))
}

func (o Options) host() string { return strings.Trim(o.Host, "[]") }

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func (o Options) tlsConfig() *tls.Config {
	return &tls.Config{RootCAs: o.RootCAs, ServerName: o.host(), MinVersion: tls.VersionTLS12}
}

// goMail is the go-mail client configuration; dial is how it connects.
func (o Options) goMail(dial gomail.DialContextFunc) []gomail.Option {
	opts := []gomail.Option{
		gomail.WithTimeout(o.timeout()),
		gomail.WithDialContextFunc(dial),
		gomail.WithTLSConfig(o.tlsConfig()),
	}
	switch o.Security {
	case TLS:
		opts = append(opts, gomail.WithSSL())
	case STARTTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case None:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	opts = append(opts, o.goMailAuth()...)
	if o.HelloName != "" {
		opts = append(opts, gomail.WithHELO(o.HelloName))
	}
	if o.DSN {
		opts = append(opts, gomail.WithDSN(), gomail.WithDSNMailReturnType(gomail.DSNMailReturnHeadersOnly),
			gomail.WithDSNRcptNotifyType(gomail.DSNRcptNotifyFailure, gomail.DSNRcptNotifyDelay))
	}
	if o.Debug != nil {
		opts = append(opts, gomail.WithDebugLog(), gomail.WithLogger(debugLogger{w: o.Debug}))
	}
	return append(opts, gomail.WithPort(o.port())) // last: WithSSL sets a port too
}

// goMailAuth picks the mechanism. Over "none" (loopback only, checked by
// New) go-mail's own refusal of clear-text PLAIN/LOGIN is lifted, since
// nothing leaves the machine.
func (o Options) goMailAuth() []gomail.Option {
	if o.Username == "" {
		return nil
	}
	plain, login := gomail.SMTPAuthPlain, gomail.SMTPAuthLogin
	if o.Security == None {
		plain, login = gomail.SMTPAuthPlainNoEnc, gomail.SMTPAuthLoginNoEnc
	}
	creds := []gomail.Option{gomail.WithUsername(o.Username), gomail.WithPassword(o.Password)}
	switch o.Auth {
	case AuthPlain:
		return append(creds, gomail.WithSMTPAuth(plain))
	case AuthLogin:
		return append(creds, gomail.WithSMTPAuth(login))
	case AuthXOAuth2:
		return append(creds, gomail.WithSMTPAuth(gomail.SMTPAuthXOAUTH2))
	}
	return append(creds, gomail.WithOpportunisticSMTPAuth(plain, login))
}
