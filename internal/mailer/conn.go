package mailer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wneessen/go-mail/log"
)

// errCancelled is what I/O returns after the caller's context ended.
var errCancelled = errors.New("cancelled")

// stepConn bounds every read and write by the step timeout, so a server
// that stops answering (after the final dot, say) is noticed in Timeout
// and a slow but moving upload is not cut off. go-mail's own deadlines,
// which cover a whole message, are ignored. Cancel makes all I/O fail at
// once, in flight or not.
//
// The deadline is pushed forward only when a sixteenth of the timeout has
// passed since it was last set, which keeps the timer work off the fast
// path; every I/O still gets at least 15/16 of Timeout.
type stepConn struct {
	net.Conn
	timeout   time.Duration
	cancelled atomic.Bool
	readSet   time.Time // when the read deadline was last pushed (reader's goroutine only)
	writeSet  time.Time // likewise for writes
}

func (c *stepConn) Read(p []byte) (int, error) {
	c.extend(&c.readSet, c.Conn.SetReadDeadline)
	if c.cancelled.Load() { // checked after the deadline: see cancel
		return 0, errCancelled
	}
	return c.Conn.Read(p)
}

func (c *stepConn) Write(p []byte) (int, error) {
	c.extend(&c.writeSet, c.Conn.SetWriteDeadline)
	if c.cancelled.Load() {
		return 0, errCancelled
	}
	return c.Conn.Write(p)
}

func (c *stepConn) extend(last *time.Time, set func(time.Time) error) {
	if now := time.Now(); now.Sub(*last) > c.timeout/16 {
		set(now.Add(c.timeout))
		*last = now
	}
}

func (c *stepConn) SetDeadline(time.Time) error      { return nil }
func (c *stepConn) SetReadDeadline(time.Time) error  { return nil }
func (c *stepConn) SetWriteDeadline(time.Time) error { return nil }

// cancel sets the flag before the past deadline, so an I/O call either
// sees the flag or is woken by the deadline; a deadline pushed forward
// after that is caught by the flag check that follows it.
func (c *stepConn) cancel() {
	c.cancelled.Store(true)
	c.Conn.SetDeadline(time.Unix(1, 0))
}

// stepError is a dial failure at a step go-mail does not name.
type stepError struct {
	step string
	err  error
}

func (e *stepError) Error() string { return e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// dialer connects for go-mail: TCP, then the TLS handshake itself for
// implicit TLS (returning a *tls.Conn, which go-mail recognises), and
// remembers the connection so the Client can cancel or drop it.
type dialer struct {
	o    Options
	mu   sync.Mutex
	last *stepConn
}

// The address go-mail passes is ignored: it joins host and port without
// brackets, which breaks IPv6 literals.
func (d *dialer) dial(ctx context.Context, network, _ string) (net.Conn, error) {
	raw, err := (&net.Dialer{Timeout: d.o.timeout()}).DialContext(ctx, network, d.o.addr())
	if err != nil {
		return nil, &stepError{StepConnect, err}
	}
	sc := &stepConn{Conn: raw, timeout: d.o.timeout()}
	d.mu.Lock()
	d.last = sc
	d.mu.Unlock()
	if d.o.Security != TLS {
		return sc, nil
	}
	tc := tls.Client(sc, d.o.tlsConfig())
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, &stepError{StepTLS, err}
	}
	return tc, nil
}

// take returns the connection of the last dial and forgets it.
func (d *dialer) take() *stepConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := d.last
	d.last = nil
	return c
}

// cancel interrupts the connection being set up or used, if any.
func (d *dialer) cancel() {
	if c := d.conn(); c != nil {
		c.cancel()
	}
}

// conn is the connection of the last dial.
func (d *dialer) conn() *stepConn {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.last
}

// debugLogger writes go-mail's protocol log to Options.Debug. go-mail
// redacts AUTH exchanges itself (unless told otherwise, which rapport
// never does) and does not log message data.
type debugLogger struct{ w io.Writer }

func (l debugLogger) Debugf(m log.Log) { l.write(m) }
func (l debugLogger) Infof(m log.Log)  { l.write(m) }
func (l debugLogger) Warnf(m log.Log)  { l.write(m) }
func (l debugLogger) Errorf(m log.Log) { l.write(m) }

func (l debugLogger) write(m log.Log) {
	prefix := "S: "
	if m.Direction == log.DirClientToServer {
		prefix = "C: "
	}
	fmt.Fprintf(l.w, prefix+m.Format+"\n", m.Messages...)
}
