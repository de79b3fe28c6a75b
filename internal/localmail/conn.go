package localmail

import (
	"crypto/tls"
	"net"
	"sync"
	"sync/atomic"
)

// trackedConn is every accepted connection, below any TLS layer. It lets the
// server drop connections (DropConnections, Restart) and script the
// "answer, then hang up" faults without help from go-smtp.
type trackedConn struct {
	net.Conn
	srv        *Server
	closeAfter atomic.Bool // close right after the next Write (a reply)
	closeOnce  sync.Once
	done       chan struct{} // closed when the connection is
}

// Write writes p and, when closeAfter is armed, hangs up: the reply the
// client reads is the last thing it gets.
func (c *trackedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.closeAfter.Load() {
		c.Close()
	}
	return n, err
}

// Close closes the connection once and forgets it.
func (c *trackedConn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		close(c.done)
		err = c.Conn.Close()
		c.srv.forget(c)
	})
	return err
}

// rawConn finds the trackedConn under c, which may be a *tls.Conn after
// STARTTLS or on an implicit-TLS port.
func rawConn(c net.Conn) *trackedConn {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	t, _ := c.(*trackedConn)
	return t
}

// trackingListener wraps every accepted connection in a trackedConn.
type trackingListener struct {
	net.Listener
	srv  *Server
	smtp bool
}

func (l *trackingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: c, srv: l.srv, done: make(chan struct{})}
	l.srv.track(tc, l.smtp)
	return tc, nil
}

// track records an accepted connection.
func (s *Server) track(c *trackedConn, smtp bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = smtp
	if smtp {
		s.smtpConns++
	} else {
		s.imapConns++
	}
}

func (s *Server) forget(c *trackedConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// DropConnections closes every open client connection now, SMTP and IMAP,
// as a server that restarts or times clients out would. The listeners stay
// open: clients may reconnect at once.
func (s *Server) DropConnections() {
	s.dropConns(func(bool) bool { return true })
}

// DropIMAPConnections closes every open IMAP connection and leaves SMTP
// sessions alone.
func (s *Server) DropIMAPConnections() {
	s.dropConns(func(smtp bool) bool { return !smtp })
}

// DropSMTPConnections closes every open SMTP connection, as providers do
// with idle ones, and leaves IMAP sessions alone.
func (s *Server) DropSMTPConnections() {
	s.dropConns(func(smtp bool) bool { return smtp })
}

func (s *Server) dropConns(match func(smtp bool) bool) {
	s.mu.Lock()
	var victims []*trackedConn
	for c, smtp := range s.conns {
		if match(smtp) {
			victims = append(victims, c)
		}
	}
	s.mu.Unlock()
	for _, c := range victims {
		c.Close()
	}
}

// SMTPConnections is how many SMTP connections the server has accepted
// since Start, across restarts: the way to check that a client reuses one
// connection for many messages.
func (s *Server) SMTPConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.smtpConns
}

// IMAPConnections is how many IMAP connections the server has accepted since
// Start, across restarts (the server's own, for Messages, included).
func (s *Server) IMAPConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.imapConns
}
