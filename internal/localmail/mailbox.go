package localmail

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Stored is one message in a mailbox, as Fetch returns it.
type Stored struct {
	UID   imap.UID
	Flags []imap.Flag
	Date  time.Time // internal date
	Raw   []byte
}

// Messages returns the messages in a user's mailbox, in UID order, or nil
// when the user or mailbox does not exist. It reads them over IMAP, like
// any client, so it sees exactly what a client would.
func (s *Server) Messages(user, mailbox string) [][]byte {
	msgs, err := s.Fetch(user, mailbox)
	if err != nil {
		return nil
	}
	raw := make([][]byte, len(msgs))
	for i, m := range msgs {
		raw[i] = m.Raw
	}
	return raw
}

// Fetch returns the messages in a user's mailbox with their UIDs, flags and
// internal dates, in UID order.
func (s *Server) Fetch(user, mailbox string) ([]Stored, error) {
	u := s.user(user)
	if u == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoUser, user)
	}
	c, err := s.dialIMAP(u)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return fetchAll(c, mailbox)
}

// dialIMAP logs u in over the plain (or STARTTLS) IMAP port.
func (s *Server) dialIMAP(u *user) (*imapclient.Client, error) {
	opts := &imapclient.Options{Dialer: &net.Dialer{Timeout: 10 * time.Second}}
	var c *imapclient.Client
	var err error
	if s.opts.TLS {
		opts.TLSConfig = &tls.Config{RootCAs: s.ca.pool, ServerName: "127.0.0.1"}
		c, err = imapclient.DialStartTLS(s.IMAPAddr(), opts)
	} else {
		c, err = imapclient.DialInsecure(s.IMAPAddr(), opts)
	}
	if err != nil {
		return nil, fmt.Errorf("localmail: dial IMAP: %w", err)
	}
	if err := c.Login(u.addr, u.password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("localmail: IMAP login: %w", err)
	}
	return c, nil
}

func fetchAll(c *imapclient.Client, mailbox string) ([]Stored, error) {
	sel, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return nil, fmt.Errorf("localmail: select %s: %w", mailbox, err)
	}
	if sel.NumMessages == 0 {
		return nil, nil
	}
	body := &imap.FetchItemBodySection{Peek: true}
	opts := &imap.FetchOptions{UID: true, Flags: true, InternalDate: true, BodySection: []*imap.FetchItemBodySection{body}}
	bufs, err := c.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, opts).Collect()
	if err != nil {
		return nil, fmt.Errorf("localmail: fetch %s: %w", mailbox, err)
	}
	msgs := make([]Stored, 0, len(bufs))
	for _, b := range bufs {
		msgs = append(msgs, Stored{UID: b.UID, Flags: b.Flags, Date: b.InternalDate, Raw: b.FindBodySection(body)})
	}
	slices.SortFunc(msgs, func(a, b Stored) int { return int(a.UID) - int(b.UID) })
	return msgs, nil
}

// WaitFor blocks until a user's mailbox holds at least n messages and
// returns them, or returns ctx's error. It wakes on every delivery, so
// tests need no sleeps.
func (s *Server) WaitFor(ctx context.Context, user, mailbox string, n int) ([][]byte, error) {
	u := s.user(user)
	if u == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoUser, user)
	}
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		st, err := u.mem.Status(mailbox, &imap.StatusOptions{NumMessages: true})
		if err != nil {
			return nil, fmt.Errorf("localmail: status %s: %w", mailbox, err)
		}
		if int(*st.NumMessages) >= n {
			return s.Messages(user, mailbox), nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("localmail: waiting for %d messages in %s's %s: %w", n, user, mailbox, ctx.Err())
		}
	}
}

// ResetMailbox deletes and re-creates a user's mailbox, which gives it a
// new UIDVALIDITY: what a client sees when the provider rebuilt its index.
// With keep, the messages come back (with their flags and dates) under new
// UIDs; without it the mailbox is empty. Every IMAP connection is dropped,
// because a session with the old mailbox selected would hear nothing more.
func (s *Server) ResetMailbox(user, mailbox string, keep bool) error {
	u := s.user(user)
	if u == nil {
		return fmt.Errorf("%w: %s", ErrNoUser, user)
	}
	var msgs []Stored
	if keep {
		var err error
		if msgs, err = s.Fetch(user, mailbox); err != nil {
			return err
		}
	}
	if err := u.mem.Delete(mailbox); err != nil {
		return fmt.Errorf("localmail: reset %s: %w", mailbox, err)
	}
	if err := u.mem.Create(mailbox, nil); err != nil {
		return fmt.Errorf("localmail: reset %s: %w", mailbox, err)
	}
	s.DropIMAPConnections()
	return s.restore(u, mailbox, msgs)
}

func (s *Server) restore(u *user, mailbox string, msgs []Stored) error {
	for _, m := range msgs {
		opts := &imap.AppendOptions{Flags: m.Flags, Time: m.Date}
		if _, err := u.mem.Append(mailbox, bytes.NewReader(m.Raw), opts); err != nil {
			return fmt.Errorf("localmail: reset %s: %w", mailbox, err)
		}
	}
	if len(msgs) > 0 {
		s.delivered(u)
	}
	return nil
}
