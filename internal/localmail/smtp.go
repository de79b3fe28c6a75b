package localmail

import (
	"bytes"
	"errors"
	"io"
	"net/mail"
	"strings"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Envelope is one message the SMTP server accepted (250 to DATA).
type Envelope struct {
	From      string   // MAIL FROM, "" for the null sender
	To        []string // every accepted RCPT TO
	Data      []byte   // the message as received, dot-unstuffed, CRLF
	MessageID string   // from the Message-ID header, without <>
	Auth      string   // the authenticated username, "" without AUTH
	Ret       string   // DSN RET= (FULL or HDRS), "" when not given
	Notify    []string // DSN NOTIFY= of the recipients, e.g. FAILURE, DELAY
}

// Received returns every message the SMTP server accepted, oldest first.
func (s *Server) Received() []Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Envelope(nil), s.received...)
}

type backend struct{ srv *Server }

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.srv.mu.Lock()
	fn := b.srv.onSession
	b.srv.mu.Unlock()
	if fn != nil {
		fn() // before the greeting: a server slow to greet
	}
	return &smtpSession{srv: b.srv, conn: c}, nil
}

// OnSMTPSession calls fn for every new SMTP connection, before the server
// greets it; the greeting waits until fn returns, as a slow server's does.
// nil removes it.
func (s *Server) OnSMTPSession(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onSession = fn
}

// smtpSession is one SMTP session (reset by STARTTLS).
type smtpSession struct {
	srv     *Server
	conn    *smtp.Conn
	authed  string
	env     Envelope
	bounces []bounce // sent after the reply to DATA, like a real MTA
}

var _ smtp.AuthSession = (*smtpSession)(nil)

func (s *smtpSession) AuthMechanisms() []string {
	return []string{"PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER"}
}

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	switch strings.ToUpper(mech) {
	case "PLAIN":
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return smtp.ErrAuthFailed
			}
			return s.login(username, password)
		}), nil
	case "LOGIN":
		return newLoginServer(s.login), nil
	case "XOAUTH2":
		return newXOAuth2Server(s.loginToken), nil
	case "OAUTHBEARER":
		return newOAuthBearerServer(s.loginToken, smtp.ErrAuthFailed), nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *smtpSession) login(username, password string) error {
	if err := s.fault("auth", username); err != nil {
		return err
	}
	u := s.srv.user(username)
	if u == nil || u.addr != strings.ToLower(username) || u.password != password {
		return smtp.ErrAuthFailed
	}
	s.authed = u.addr
	return nil
}

// loginToken checks an OAuth token with Options.VerifyToken, or as the
// password without it.
func (s *smtpSession) loginToken(username, token string) error {
	verify := s.srv.opts.VerifyToken
	if verify == nil {
		return s.login(username, token)
	}
	if err := s.fault("auth", username); err != nil {
		return err
	}
	u := s.srv.user(username)
	if u == nil || u.addr != strings.ToLower(username) || verify(username, token) != nil {
		return smtp.ErrAuthFailed
	}
	s.authed = u.addr
	return nil
}

func (s *smtpSession) Mail(from string, opts *smtp.MailOptions) error {
	if s.srv.opts.RequireAuth && s.authed == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	if err := s.fault("mail", from); err != nil {
		return err
	}
	s.env = Envelope{From: from, Auth: s.authed}
	if opts != nil {
		s.env.Ret = string(opts.Return)
	}
	return nil
}

func (s *smtpSession) Rcpt(to string, opts *smtp.RcptOptions) error {
	if err := s.fault("rcpt", to); err != nil {
		return err
	}
	s.env.To = append(s.env.To, to)
	if opts != nil {
		for _, n := range opts.Notify {
			s.env.Notify = append(s.env.Notify, string(n))
		}
	}
	return nil
}

// fault answers a scripted failure at step for key, arming the hang-up
// when the fault asks for it; nil when no fault fires.
func (s *smtpSession) fault(step string, keys ...string) error {
	f, ok := s.srv.fire(step, keys...)
	if !ok {
		return nil
	}
	if f.CloseAfter {
		s.closeAfterReply()
	}
	return f.reply()
}

func (s *smtpSession) closeAfterReply() {
	if c := rawConn(s.conn.Conn()); c != nil {
		c.closeAfter.Store(true)
	}
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	f, ok := s.srv.fire("data", s.env.To...)
	switch {
	case !ok || (f.Code >= 200 && f.Code < 300):
		s.accept(data)
		if ok && f.CloseAfter {
			s.closeAfterReply()
		}
		return nil
	case f.DropAfterDot:
		s.accept(data)
		s.hangUp()
		return f.reply()
	case f.HangAfterDot:
		s.hang()
		return f.reply()
	}
	if f.CloseAfter {
		s.closeAfterReply()
	}
	return f.reply()
}

// accept records the message, delivers it to local users and queues the
// bounces for the unknown domain.
func (s *smtpSession) accept(data []byte) {
	env := s.env
	env.Data = data
	env.To = append([]string(nil), s.env.To...)
	env.MessageID = messageID(data)
	s.srv.mu.Lock()
	s.srv.received = append(s.srv.received, env)
	s.srv.mu.Unlock()
	var unknown []string
	for _, to := range env.To {
		if err := s.srv.Deliver(to, data); errors.Is(err, ErrNoUser) && s.srv.bounces(to) {
			unknown = append(unknown, to)
		}
	}
	if len(unknown) > 0 {
		s.bounces = append(s.bounces, bounce{sender: env.From, rcpts: unknown, original: data})
	}
}

// hangUp closes the connection under any TLS layer, without a reply.
func (s *smtpSession) hangUp() {
	if c := rawConn(s.conn.Conn()); c != nil {
		c.Close()
	}
}

// hang never answers: it returns when the connection closes, whether the
// client gave up (seen by reading what it sends next) or the server closed.
func (s *smtpSession) hang() {
	c := rawConn(s.conn.Conn())
	if c == nil {
		return
	}
	go func() {
		io.Copy(io.Discard, c.Conn) // returns when the client hangs up
		c.Close()
	}()
	<-c.done
}

func (s *smtpSession) Reset() {
	s.env = Envelope{}
	s.sendBounces()
}

func (s *smtpSession) Logout() error {
	s.sendBounces()
	return nil
}

func (s *smtpSession) sendBounces() {
	pending := s.bounces
	s.bounces = nil
	for _, b := range pending {
		s.srv.sendBounce(b)
	}
}

// messageID reads the Message-ID header, without <>.
func messageID(data []byte) string {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	return strings.Trim(strings.TrimSpace(msg.Header.Get("Message-Id")), "<>")
}
