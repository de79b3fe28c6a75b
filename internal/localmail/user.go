package localmail

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// ErrNoUser is returned for an address that is not a local user.
var ErrNoUser = errors.New("localmail: no such user")

// user is one mailbox owner: the memserver user plus what memserver does
// not keep for us (special-use attributes, subscriptions, names) and the
// IDLE sessions to nudge.
type user struct {
	addr     string // lower-case
	password string
	mem      *imapmemserver.User

	mu     sync.Mutex
	boxes  map[string]*boxMeta
	idlers map[chan struct{}]struct{}
}

type boxMeta struct {
	specialUse imap.MailboxAttr // "" for none
	subscribed bool
}

// defaultBoxes are what every provider gives a new account.
var defaultBoxes = []struct {
	name string
	attr imap.MailboxAttr
}{
	{"INBOX", ""},
	{"Sent", imap.MailboxAttrSent},
	{"Junk", imap.MailboxAttrJunk},
	{"Drafts", imap.MailboxAttrDrafts},
	{"Trash", imap.MailboxAttrTrash},
}

// AddUser creates a user who logs in to IMAP and SMTP with addr (any case)
// and password, with INBOX, Sent (\Sent), Junk (\Junk), Drafts (\Drafts) and
// Trash (\Trash), all subscribed. Adding an existing address replaces the
// user and empties the mailboxes.
func (s *Server) AddUser(addr, password string) {
	key := strings.ToLower(strings.TrimSpace(addr))
	u := &user{
		addr:     key,
		password: password,
		mem:      imapmemserver.NewUser(key, password),
		boxes:    make(map[string]*boxMeta),
		idlers:   make(map[chan struct{}]struct{}),
	}
	for _, b := range defaultBoxes {
		_ = u.mem.Create(b.name, nil) // cannot fail on a new user
		u.boxes[b.name] = &boxMeta{specialUse: b.attr, subscribed: true}
	}
	s.mu.Lock()
	s.users[key] = u
	s.mu.Unlock()
}

// user finds a local user by address; "name+tag@domain" falls back to
// "name@domain", as most providers deliver plus-addresses.
func (s *Server) user(addr string) *user {
	key := strings.ToLower(strings.TrimSpace(addr))
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.users[key]; u != nil {
		return u
	}
	local, domain, ok := strings.Cut(key, "@")
	if plus := strings.IndexByte(local, '+'); ok && plus > 0 {
		return s.users[local[:plus]+"@"+domain]
	}
	return nil
}

// Deliver puts raw into the INBOX of the local user to, as if it had just
// arrived: how tests simulate replies, bounces and auto-replies.
func (s *Server) Deliver(to string, raw []byte) error {
	return s.DeliverTo(to, "INBOX", raw)
}

// DeliverTo puts raw into mailbox of the local user to. Every IDLE session
// of that user hears of it (see the package comment).
func (s *Server) DeliverTo(to, mailbox string, raw []byte) error {
	u := s.user(to)
	if u == nil {
		return fmt.Errorf("%w: %s", ErrNoUser, to)
	}
	opts := &imap.AppendOptions{Time: s.now()}
	if _, err := u.mem.Append(mailbox, bytes.NewReader(raw), opts); err != nil {
		return fmt.Errorf("localmail: deliver to %s %s: %w", to, mailbox, err)
	}
	s.delivered(u)
	return nil
}

// delivered tells IDLE sessions and WaitFor callers that u's mail changed.
func (s *Server) delivered(u *user) {
	u.nudge()
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// nudge wakes every IDLE session of the user.
func (u *user) nudge() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for ch := range u.idlers {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

func (u *user) watch() chan struct{} {
	ch := make(chan struct{}, 1)
	u.mu.Lock()
	u.idlers[ch] = struct{}{}
	u.mu.Unlock()
	return ch
}

func (u *user) unwatch(ch chan struct{}) {
	u.mu.Lock()
	delete(u.idlers, ch)
	u.mu.Unlock()
}

// names lists the user's mailboxes, sorted.
func (u *user) names() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	names := make([]string, 0, len(u.boxes))
	for name := range u.boxes {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func (u *user) meta(name string) (boxMeta, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	m, ok := u.boxes[name]
	if !ok {
		return boxMeta{}, false
	}
	return *m, true
}

func (u *user) setMeta(name string, update func(*boxMeta)) {
	u.mu.Lock()
	defer u.mu.Unlock()
	m := u.boxes[name]
	if m == nil {
		m = &boxMeta{}
		u.boxes[name] = m
	}
	update(m)
}

func (u *user) renameMeta(from, to string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if m := u.boxes[from]; m != nil {
		u.boxes[to] = m
		delete(u.boxes, from)
	}
}

func (u *user) deleteMeta(name string) {
	u.mu.Lock()
	delete(u.boxes, name)
	u.mu.Unlock()
}
