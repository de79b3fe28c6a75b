package imapconn

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/emersion/go-imap/v2/imapclient"
)

// Dial connects, secures the connection as o.Security says, and logs in.
// ctx and o.Timeout bound these steps only; the returned client has no
// deadline, so it may IDLE for as long as the caller likes. The caller
// closes it (Logout, then Close).
func Dial(ctx context.Context, o Options) (*imapclient.Client, error) {
	return dialWith(ctx, o, setup)
}

// dialWith connects and hands the connection to setup (TLS, greeting,
// login), bounding it all by ctx and o.Timeout: Dial and DialAppender
// differ only in what speaks IMAP on the connection.
func dialWith[C interface{ Close() error }](ctx context.Context, o Options, setup func(context.Context, net.Conn, Options) (C, error)) (C, error) {
	var none C
	if err := o.Validate(); err != nil {
		return none, err
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout())
	defer cancel()
	if o.Tokens != nil {
		tok, err := o.Tokens.AccessToken(ctx)
		if err != nil {
			return none, &Error{Step: StepLogin, Addr: o.Addr(), Err: err, token: true}
		}
		o.Password = tok
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", o.Addr())
	if err != nil {
		return none, &Error{Step: StepConnect, Addr: o.Addr(), Err: err}
	}
	// imapclient sets its own read deadlines, so closing the connection is
	// the only way to stop it when ctx ends.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	c, err := setup(ctx, conn, o)
	if !stop() { // ctx ended: say so, at the step it interrupted
		if err == nil {
			c.Close()
		}
		conn.Close()
		return none, &Error{Step: stepOf(err), Addr: o.Addr(), Err: ctx.Err()}
	}
	if err != nil {
		conn.Close()
		return none, withAddr(err, o.Addr())
	}
	return c, nil
}

// setup does TLS, the greeting and the login on a fresh connection.
func setup(ctx context.Context, conn net.Conn, o Options) (*imapclient.Client, error) {
	debug := newDebugLog(o.Debug)
	rw, err := secure(ctx, conn, o, debug)
	if err != nil {
		return nil, withAddr(err, o.Addr())
	}
	rw = debug.wrap(rw)
	if o.Security == STARTTLS {
		rw = replayGreeting(rw)
	}
	c := imapclient.New(rw, clientOptions(o))
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, &Error{Step: StepConnect, Addr: o.Addr(), Err: err}
	}
	if err := login(c, o); err != nil {
		c.Close()
		e := &Error{Step: StepLogin, Addr: o.Addr(), Err: err}
		if o.Auth == AuthXOAuth2 {
			e.refusedHint = "the server refused the sign-in token"
			if o.TokenHint != "" {
				e.refusedHint += ": " + o.TokenHint
			}
		}
		return nil, e
	}
	return c, nil
}

// secure does TLS as o.Security says: the handshake for implicit TLS,
// or the greeting and STARTTLS (after which the server greets no more).
func secure(ctx context.Context, conn net.Conn, o Options, debug *debugLog) (net.Conn, error) {
	cfg := &tls.Config{RootCAs: o.RootCAs, ServerName: strings.Trim(o.Host, "[]"), MinVersion: tls.VersionTLS12, NextProtos: []string{"imap"}}
	switch o.Security {
	case TLS:
		return handshake(ctx, conn, cfg)
	case STARTTLS:
		return startTLS(ctx, conn, cfg, debug)
	}
	return conn, nil
}

func stepOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Step
	}
	return StepLogin
}

func withAddr(err error, addr string) error {
	var e *Error
	if errors.As(err, &e) {
		e.Addr = addr
	}
	return err
}

func clientOptions(o Options) *imapclient.Options {
	var opts imapclient.Options
	if o.Client != nil {
		opts = *o.Client
	}
	opts.TLSConfig, opts.DebugWriter, opts.Dialer = nil, nil, nil
	return &opts
}

func handshake(ctx context.Context, conn net.Conn, cfg *tls.Config) (net.Conn, error) {
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, &Error{Step: StepTLS, Err: err}
	}
	return tc, nil
}

// startTLS reads the greeting, asks for STARTTLS (RFC 9051 §6.2.1) and does
// the handshake itself, so that the protocol log sees clear text on both
// sides of the upgrade and the TLS settings are exactly ours. The caller
// creates the client on the TLS connection with the greeting replayed.
func startTLS(ctx context.Context, conn net.Conn, cfg *tls.Config, debug *debugLog) (net.Conn, error) {
	br := bufio.NewReader(conn)
	greeting, err := readLine(br, debug)
	if err != nil {
		return nil, &Error{Step: StepConnect, Err: err}
	}
	if err := checkGreeting(greeting); err != nil {
		return nil, err
	}
	debug.client("RSTLS STARTTLS")
	if _, err := io.WriteString(conn, "RSTLS STARTTLS\r\n"); err != nil {
		return nil, &Error{Step: StepConnect, Err: err}
	}
	if err := awaitOK(br, debug, "RSTLS "); err != nil {
		return nil, err
	}
	if br.Buffered() > 0 { // bytes sent before the handshake would be trusted later
		return nil, &Error{Step: StepTLS, Err: errors.New("the server sent data before the TLS handshake")}
	}
	return handshake(ctx, conn, cfg)
}

func checkGreeting(line string) error {
	switch {
	case strings.HasPrefix(line, "* OK"):
		return nil
	case strings.HasPrefix(line, "* PREAUTH"):
		return &Error{Step: StepTLS, Err: errors.New("the server sent PREAUTH on a clear-text connection; refusing it (RFC 9051 §7.1.4)")}
	}
	return &Error{Step: StepConnect, Err: fmt.Errorf("the server refused the connection: %q", line)}
}

// awaitOK reads until the tagged reply to tag and requires OK.
func awaitOK(br *bufio.Reader, debug *debugLog, tag string) error {
	for {
		line, err := readLine(br, debug)
		if err != nil {
			return &Error{Step: StepTLS, Err: err}
		}
		if rest, ok := strings.CutPrefix(line, tag); ok {
			if strings.HasPrefix(strings.ToUpper(rest), "OK") {
				return nil
			}
			return &Error{Step: StepTLS, Err: fmt.Errorf("%w (server said %q)", ErrNoSTARTTLS, rest)}
		}
	}
}

func readLine(br *bufio.Reader, debug *debugLog) (string, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	debug.server(line)
	return line, nil
}

// replayGreeting hands imapclient a greeting: after STARTTLS the server
// sends none, and the client waits for one before anything else.
func replayGreeting(c net.Conn) net.Conn {
	return &prefixConn{Conn: c, r: io.MultiReader(strings.NewReader("* OK TLS established\r\n"), c)}
}

type prefixConn struct {
	net.Conn
	r io.Reader
}

func (c *prefixConn) Read(p []byte) (int, error) { return c.r.Read(p) }
