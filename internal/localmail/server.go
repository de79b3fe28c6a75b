package localmail

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-smtp"
)

// Options configures a Server. The zero value is a plaintext server on
// loopback, without AUTH, on the real clock.
type Options struct {
	// TLS offers STARTTLS on the SMTP and IMAP ports, with a certificate
	// for 127.0.0.1 and localhost signed by an in-memory CA (see RootCAs).
	// Without it the plain ports allow AUTH and LOGIN in clear text.
	TLS bool
	// ImplicitTLS opens two more ports that speak TLS from the first byte,
	// like 465 (SMTPS) and 993 (IMAPS): SMTPTLSAddr and IMAPTLSAddr. The
	// plain ports stay open either way.
	ImplicitTLS bool
	// RequireAuth makes the SMTP server answer MAIL FROM with 530 5.7.0
	// until the client authenticated (PLAIN, LOGIN, or XOAUTH2 and
	// OAUTHBEARER with a token VerifyToken accepts). With TLS on, AUTH is offered only
	// after STARTTLS, as submission servers do.
	RequireAuth bool
	// BounceUnknownDomain makes recipients at this domain who are not local
	// users bounce: the message is accepted (250), then an RFC 3464
	// delivery-status report from MAILER-DAEMON lands in the sender's INBOX
	// (when the sender is a local user). Empty: nothing bounces.
	BounceUnknownDomain string
	// VerifyToken, when set, checks the token of an XOAUTH2 or OAUTHBEARER
	// login (oauthtest.Server.Verify does what Google's and Microsoft's
	// servers do); nil accepts the user's password as the token.
	VerifyToken func(username, token string) error
	// MaxMessageBytes is the SIZE the SMTP server announces and enforces
	// (552 5.3.4 above it); 0 means no limit.
	MaxMessageBytes int64
	// Now is the clock for Date headers of bounces and the internal date of
	// delivered messages; nil means time.Now. Certificates always use the
	// real clock, because clients verify them against it.
	Now func() time.Time
}

// Server is a running mail system. Its methods are safe for concurrent use.
type Server struct {
	opts Options
	ca   *authority // nil without TLS and ImplicitTLS

	life   sync.Mutex // serialises Restart and Close
	closed bool
	smtp   *smtp.Server
	imap   *imapserver.Server
	addrs  addrs
	lns    []net.Listener // closed by stop: Serve may not have seen them yet

	mu        sync.Mutex
	users     map[string]*user // by lower-case address
	received  []Envelope
	faults    map[faultKey]*Fault
	conns     map[*trackedConn]bool // value: true for SMTP
	smtpConns int
	imapConns int
	changed   chan struct{} // closed and replaced on every delivery
	onSession func()        // see OnSMTPSession
}

// addrs are the listening addresses; empty means not listening.
type addrs struct{ smtp, smtps, imap, imaps string }

// ErrClosed is returned by methods of a closed Server.
var ErrClosed = errors.New("localmail: server closed")

// Start starts the SMTP and IMAP servers on 127.0.0.1 with kernel-chosen
// ports. Close stops them.
func Start(opts Options) (*Server, error) {
	s := &Server{
		opts:    opts,
		users:   make(map[string]*user),
		faults:  make(map[faultKey]*Fault),
		conns:   make(map[*trackedConn]bool),
		changed: make(chan struct{}),
		addrs:   addrs{smtp: "127.0.0.1:0", imap: "127.0.0.1:0"},
	}
	if opts.ImplicitTLS {
		s.addrs.smtps, s.addrs.imaps = "127.0.0.1:0", "127.0.0.1:0"
	}
	if opts.TLS || opts.ImplicitTLS {
		ca, err := newAuthority(time.Now())
		if err != nil {
			return nil, err
		}
		s.ca = ca
	}
	if err := s.listen(); err != nil {
		return nil, err
	}
	return s, nil
}

// Close stops both servers and closes every connection. Mailboxes are kept
// in memory until the Server is garbage.
func (s *Server) Close() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.stop()
	return nil
}

// Restart stops the SMTP and IMAP listeners, closes every connection and
// listens again on the same ports, keeping users, mailboxes, faults and the
// record of received messages: what a client sees when the provider
// restarts.
func (s *Server) Restart() error {
	s.life.Lock()
	defer s.life.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.stop()
	return s.listen()
}

func (s *Server) stop() {
	for _, ln := range s.lns {
		ln.Close()
	}
	s.lns = nil
	s.smtp.Close()
	s.imap.Close()
	s.DropConnections() // hung sessions too
}

// listen starts fresh servers on s.addrs and remembers the ports chosen.
func (s *Server) listen() error {
	s.smtp = s.newSMTP()
	s.imap = s.newIMAP()
	var err error
	if s.addrs.smtp, err = s.serve(s.addrs.smtp, false, true); err != nil {
		return err
	}
	if s.addrs.imap, err = s.serve(s.addrs.imap, false, false); err != nil {
		return err
	}
	if s.addrs.smtps != "" {
		if s.addrs.smtps, err = s.serve(s.addrs.smtps, true, true); err != nil {
			return err
		}
		if s.addrs.imaps, err = s.serve(s.addrs.imaps, true, false); err != nil {
			return err
		}
	}
	return nil
}

// serve listens on addr and serves SMTP or IMAP there, returning the actual
// address.
func (s *Server) serve(addr string, implicitTLS, isSMTP bool) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		s.stop()
		return "", fmt.Errorf("localmail: listen on %s: %w", addr, err)
	}
	s.lns = append(s.lns, ln)
	var l net.Listener = &trackingListener{Listener: ln, srv: s, smtp: isSMTP}
	if implicitTLS {
		l = tls.NewListener(l, s.ca.serverConfig())
	}
	if isSMTP {
		go s.smtp.Serve(l)
	} else {
		go s.imap.Serve(l)
	}
	return ln.Addr().String(), nil
}

func (s *Server) newSMTP() *smtp.Server {
	srv := smtp.NewServer(&backend{srv: s})
	srv.Domain = "localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.AllowInsecureAuth = !s.opts.TLS
	srv.EnableDSN = true
	srv.MaxMessageBytes = s.opts.MaxMessageBytes
	srv.ReadTimeout = 10 * time.Minute
	srv.WriteTimeout = time.Minute
	if s.opts.TLS {
		srv.TLSConfig = s.ca.serverConfig()
	}
	return srv
}

func (s *Server) newIMAP() *imapserver.Server {
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{srv: s}, nil, nil
		},
		Caps: imap.CapSet{
			imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {},
			imap.CapSpecialUse: {}, imap.CapCreateSpecialUse: {},
			imap.CapMove: {}, imap.CapUIDPlus: {}, imap.CapNamespace: {},
			imap.CapESearch: {}, imap.CapListExtended: {}, imap.CapListStatus: {},
		},
		Logger:       log.New(io.Discard, "", 0),
		InsecureAuth: !s.opts.TLS,
	}
	if s.opts.TLS {
		opts.TLSConfig = s.ca.serverConfig()
	}
	return imapserver.New(opts)
}

// SMTPAddr is the SMTP port's host:port (STARTTLS when Options.TLS).
func (s *Server) SMTPAddr() string { return s.addr(func(a addrs) string { return a.smtp }) }

// IMAPAddr is the IMAP port's host:port (STARTTLS when Options.TLS).
func (s *Server) IMAPAddr() string { return s.addr(func(a addrs) string { return a.imap }) }

// SMTPTLSAddr is the implicit-TLS SMTP port, "" without Options.ImplicitTLS.
func (s *Server) SMTPTLSAddr() string { return s.addr(func(a addrs) string { return a.smtps }) }

// IMAPTLSAddr is the implicit-TLS IMAP port, "" without Options.ImplicitTLS.
func (s *Server) IMAPTLSAddr() string { return s.addr(func(a addrs) string { return a.imaps }) }

func (s *Server) addr(pick func(addrs) string) string {
	s.life.Lock()
	defer s.life.Unlock()
	return pick(s.addrs)
}

// RootCAs is a pool holding the server's CA, for clients' tls.Config; nil
// when the server has no TLS.
func (s *Server) RootCAs() *x509.CertPool {
	if s.ca == nil {
		return nil
	}
	return s.ca.pool
}

// CAPEM is the CA certificate in PEM, what a user would put in ca_file; nil
// when the server has no TLS.
func (s *Server) CAPEM() []byte {
	if s.ca == nil {
		return nil
	}
	return append([]byte(nil), s.ca.pem...)
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}
