package localmail

import (
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

const delim = '/'

// session is one IMAP connection. It wraps memserver's UserSession to add
// what memserver lacks: special-use attributes in LIST, race-free IDLE
// notifications for appends, a MOVE without duplicate EXPUNGEs, and
// AUTHENTICATE PLAIN, XOAUTH2 and OAUTHBEARER.
type session struct {
	*imapmemserver.UserSession // nil until login
	srv                        *Server
	u                          *user
	selected                   bool
}

var (
	_ imapserver.SessionIMAP4rev2 = (*session)(nil)
	_ imapserver.SessionSASL      = (*session)(nil)
)

func (s *session) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

// Login accepts a user's address (any case) and password.
func (s *session) Login(username, password string) error {
	u := s.srv.user(username)
	if u == nil || u.addr != strings.ToLower(username) {
		return imapserver.ErrAuthFailed
	}
	if err := u.mem.Login(u.addr, password); err != nil {
		return err
	}
	s.u = u
	s.UserSession = imapmemserver.NewUserSession(u.mem)
	return nil
}

func (s *session) loginToken(username, token string) error {
	verify := s.srv.opts.VerifyToken
	if verify == nil {
		return s.Login(username, token)
	}
	u := s.srv.user(username)
	if u == nil || u.addr != strings.ToLower(username) || verify(username, token) != nil {
		return imapserver.ErrAuthFailed
	}
	return s.Login(username, u.password)
}

func (s *session) AuthenticateMechanisms() []string {
	return []string{"PLAIN", "XOAUTH2", "OAUTHBEARER"}
}

// Authenticate offers PLAIN, XOAUTH2 and OAUTHBEARER; the token is checked
// by Options.VerifyToken, or is the user's password without it.
func (s *session) Authenticate(mech string) (sasl.Server, error) {
	switch strings.ToUpper(mech) {
	case "PLAIN":
		return sasl.NewPlainServer(func(identity, username, password string) error {
			if identity != "" && identity != username {
				return imapserver.ErrAuthFailed
			}
			return s.Login(username, password)
		}), nil
	case "XOAUTH2":
		return newXOAuth2Server(s.loginToken), nil
	case "OAUTHBEARER":
		return newOAuthBearerServer(s.loginToken, imapserver.ErrAuthFailed), nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "SASL mechanism not supported"}
}

func (s *session) Select(name string, options *imap.SelectOptions) (*imap.SelectData, error) {
	if s.selected {
		s.UserSession.Unselect()
		s.selected = false
	}
	data, err := s.UserSession.Select(name, options)
	s.selected = err == nil
	return data, err
}

func (s *session) Unselect() error {
	s.selected = false
	return s.UserSession.Unselect()
}

func (s *session) Create(name string, options *imap.CreateOptions) error {
	if err := s.UserSession.Create(name, options); err != nil {
		return err
	}
	name = strings.TrimRight(name, string(delim))
	s.u.setMeta(name, func(m *boxMeta) {
		if options != nil && len(options.SpecialUse) > 0 {
			m.specialUse = options.SpecialUse[0]
		}
	})
	return nil
}

func (s *session) Delete(name string) error {
	if err := s.UserSession.Delete(name); err != nil {
		return err
	}
	s.u.deleteMeta(name)
	return nil
}

func (s *session) Rename(name, newName string, options *imap.RenameOptions) error {
	if err := s.UserSession.Rename(name, newName, options); err != nil {
		return err
	}
	s.u.renameMeta(name, strings.TrimRight(newName, string(delim)))
	return nil
}

func (s *session) Subscribe(name string) error {
	if err := s.UserSession.Subscribe(name); err != nil {
		return err
	}
	s.u.setMeta(name, func(m *boxMeta) { m.subscribed = true })
	return nil
}

func (s *session) Unsubscribe(name string) error {
	if err := s.UserSession.Unsubscribe(name); err != nil {
		return err
	}
	s.u.setMeta(name, func(m *boxMeta) { m.subscribed = false })
	return nil
}

// List answers LIST and LSUB with special-use attributes (RFC 6154), which
// it always includes, as Dovecot does.
func (s *session) List(w *imapserver.ListWriter, ref string, patterns []string, options *imap.ListOptions) error {
	if len(patterns) == 0 {
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: delim})
	}
	for _, name := range s.u.names() {
		meta, ok := s.visible(name, ref, patterns, options)
		if !ok {
			continue
		}
		data, err := s.listData(name, meta, options)
		if err != nil {
			return err
		}
		if err := w.WriteList(data); err != nil {
			return err
		}
	}
	return nil
}

// visible reports whether LIST shows the mailbox name, and its attributes.
func (s *session) visible(name, ref string, patterns []string, options *imap.ListOptions) (boxMeta, bool) {
	meta, ok := s.u.meta(name)
	if !ok || !matchAny(name, ref, patterns) ||
		(options.SelectSubscribed && !meta.subscribed) ||
		(options.SelectSpecialUse && meta.specialUse == "") {
		return boxMeta{}, false
	}
	return meta, true
}

func (s *session) listData(name string, meta boxMeta, options *imap.ListOptions) (*imap.ListData, error) {
	data := &imap.ListData{Mailbox: name, Delim: delim}
	if meta.subscribed {
		data.Attrs = append(data.Attrs, imap.MailboxAttrSubscribed)
	}
	if meta.specialUse != "" {
		data.Attrs = append(data.Attrs, meta.specialUse)
	}
	if options.ReturnStatus != nil {
		st, err := s.UserSession.Status(name, options.ReturnStatus)
		if err != nil {
			return nil, err
		}
		data.Status = st
	}
	return data, nil
}

func matchAny(name, ref string, patterns []string) bool {
	for _, p := range patterns {
		if imapserver.MatchList(name, delim, ref, p) {
			return true
		}
	}
	return false
}
