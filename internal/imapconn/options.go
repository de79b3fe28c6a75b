package imapconn

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// Security values.
const (
	TLS      = "tls"      // implicit TLS from the first byte (port 993)
	STARTTLS = "starttls" // plaintext greeting, then STARTTLS, required (port 143)
	None     = "none"     // no TLS at all: only to a loopback host
)

// Auth values; "" means the LOGIN command (AUTHENTICATE PLAIN when the
// server disables LOGIN).
const (
	AuthPlain   = "plain"   // AUTHENTICATE PLAIN
	AuthLogin   = "login"   // the LOGIN command
	AuthXOAuth2 = "xoauth2" // AUTHENTICATE XOAUTH2, Password is the OAuth2 access token
)

// DefaultTimeout bounds Dial when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Options says how to reach and log in to an IMAP server.
type Options struct {
	Host     string
	Port     int    // 0: 993 for tls, 143 for starttls and none
	Security string // TLS, STARTTLS or None
	Username string
	Password string // or the OAuth2 token with AuthXOAuth2
	Auth     string // "", AuthPlain, AuthLogin or AuthXOAuth2
	// Tokens, with AuthXOAuth2, gives the OAuth2 access token for each
	// login in place of Password, renewed as needed (oauth.Source). Its
	// error fails the login step before anything is dialled.
	Tokens TokenSource
	// TokenHint tells the user what to do when the server refuses the
	// token, e.g. "run `rapport login google` again".
	TokenHint string
	// RootCAs verifies the server's certificate; nil means the system's
	// roots. Verification is never turned off.
	RootCAs *x509.CertPool
	// Timeout bounds connecting, TLS and login together; 0 means
	// DefaultTimeout. Commands after Dial have no timeout of their own.
	Timeout time.Duration
	// Debug receives the raw protocol, "C: " and "S: " lines, with
	// LOGIN and AUTHENTICATE arguments replaced by <redacted>.
	Debug io.Writer
	// Client holds extra client options, e.g. UnilateralDataHandler or
	// WordDecoder. Its TLSConfig, DebugWriter and Dialer are ignored.
	Client *imapclient.Options
}

// TokenSource gives OAuth2 access tokens. Its errors must not contain a
// token; one with a Temporary() bool method saying true makes the login
// failure Temporary.
type TokenSource interface {
	AccessToken(ctx context.Context) (string, error)
}

// ErrInvalidOptions is wrapped by every Validate failure.
var ErrInvalidOptions = errors.New("invalid IMAP settings")

// Validate checks the options without any I/O.
func (o Options) Validate() error {
	problems := CheckServer(o.Host, o.Port, o.Security, "your password", `use "tls" (port 993) or "starttls" (port 143)`)
	switch o.Auth {
	case "", AuthPlain, AuthLogin, AuthXOAuth2:
	default:
		problems = append(problems, fmt.Sprintf("auth %q is not one of plain, login, xoauth2", o.Auth))
	}
	problems = append(problems, o.checkCredentials()...)
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrInvalidOptions, strings.Join(problems, "; "))
	}
	return nil
}

// CheckServer checks what the SMTP and IMAP settings share: a host name,
// a port, and a security mode that is clear text only to this machine.
// exposed says what clear text would give away, advice what to use
// instead. It returns the problems, in words for the user.
func CheckServer(host string, port int, security, exposed, advice string) []string {
	var problems []string
	if host == "" {
		problems = append(problems, "host is missing")
	} else if strings.ContainsAny(host, " /\r\n\x00") {
		problems = append(problems, fmt.Sprintf("host %q is not a host name", host))
	}
	if port < 0 || port > 65535 {
		problems = append(problems, fmt.Sprintf("port %d is out of range", port))
	}
	switch security {
	case TLS, STARTTLS:
	case None:
		if host != "" && !IsLoopback(host) {
			problems = append(problems, fmt.Sprintf("security \"none\" would send %s in clear text to %s: %s", exposed, host, advice))
		}
	default:
		problems = append(problems, fmt.Sprintf("security %q is not one of tls, starttls, none", security))
	}
	return problems
}

func (o Options) checkCredentials() []string {
	var problems []string
	user, pass := o.Username, o.Password
	if user == "" {
		problems = append(problems, "username is missing")
	}
	switch {
	case o.Tokens != nil && o.Auth != AuthXOAuth2:
		problems = append(problems, "a token source needs auth xoauth2")
	case o.Tokens != nil && pass != "":
		problems = append(problems, "give a password or a token source, not both")
	case o.Tokens == nil && pass == "":
		problems = append(problems, "password is missing")
	}
	if strings.ContainsAny(user+pass, "\r\n\x00") {
		problems = append(problems, "username or password contains a line break or NUL")
	}
	return problems
}

// IsLoopback reports whether host is this machine: localhost, 127.0.0.0/8
// or ::1 (brackets allowed).
func IsLoopback(host string) bool {
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Addr is host:port with the default port filled in.
func (o Options) Addr() string {
	return net.JoinHostPort(strings.Trim(o.Host, "[]"), fmt.Sprint(o.port()))
}

func (o Options) port() int {
	switch {
	case o.Port != 0:
		return o.Port
	case o.Security == TLS:
		return 993
	}
	return 143
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}
