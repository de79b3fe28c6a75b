package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/contact"
	"rapport/internal/imapconn"
	"rapport/internal/store"
)

// Dialer connects and logs in; h must be installed as the client's
// UnilateralDataHandler so the watcher hears of new mail during IDLE.
type Dialer func(ctx context.Context, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error)

// Positions is where the watcher left each mailbox (*store.Store).
type Positions interface {
	Mailbox(ctx context.Context, name string) (store.MailboxState, error)
	SetMailbox(ctx context.Context, m store.MailboxState) error
}

// Store is what the watcher needs of the store (*store.Store): finding
// contacts and sends, recording what each message did, and positions.
type Store interface {
	Directory
	Positions
	Events
	ApplyInbound(ctx context.Context, in store.Inbound) (store.Applied, error)
}

// Options configure a Watcher; a nil *Options means all defaults.
type Options struct {
	// Self is the user's own address: mail from it is never a reply.
	Self string
	// AutoReplyPause is how long an out-of-office without a readable
	// return date holds the contact's next step (default 7 days).
	AutoReplyPause time.Duration
	Mailbox        string // default INBOX
	// Junk is the folder where replies may land by mistake: "" finds the
	// \Junk special-use folder, else one named as providers usually do
	// ("Junk", "Spam", ...); "-" watches none.
	Junk string
	// Processed, when set, receives handled mail that concerned a contact.
	Processed string
	Poll      time.Duration // the safety poll under IDLE (default 5 minutes)
	Now       func() time.Time
	// After is the clock's timer for the safety poll and the reconnect
	// backoff (default time.After).
	After func(time.Duration) <-chan time.Time
	Log   *slog.Logger
	// OnResult is told of every processed message, OnState of every
	// change of the watcher's state. Both are called from the goroutine
	// of Run or Sync.
	OnResult func(Result)
	OnState  func(State)
	// BatchSize is how many headers one FETCH asks for (default 500).
	BatchSize int
	// MinBackoff is the first wait before reconnecting (default 1s); it
	// doubles up to 5 minutes.
	MinBackoff time.Duration
	// AcceptedStage is where a contact who accepts an invitation moves
	// ("" for nowhere; [events] accepted_stage).
	AcceptedStage contact.Stage
}

// Watcher keeps an eye on the inbox. Its settings are fixed at New.
type Watcher struct {
	dial   Dialer
	st     Store
	proc   processor
	o      Options
	notify chan struct{}
}

// New returns a watcher that dials with dial and records in st; o may be
// nil. It does no I/O.
func New(dial Dialer, st Store, o *Options) *Watcher {
	var opt Options
	if o != nil {
		opt = *o
	}
	defaults(&opt)
	return &Watcher{dial: dial, st: st, o: opt, notify: make(chan struct{}, 1),
		proc: processor{st: st, self: opt.Self, pause: opt.AutoReplyPause, now: opt.Now, accepted: opt.AcceptedStage}}
}

func defaults(o *Options) {
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
	}
	if o.AutoReplyPause <= 0 {
		o.AutoReplyPause = 7 * 24 * time.Hour
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
}

func (w *Watcher) handler() *imapclient.UnilateralDataHandler {
	// Runs on the client's reader goroutine: it must never call the
	// client (emersion/go-imap#668), only signal.
	return &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
		if d.NumMessages != nil {
			select {
			case w.notify <- struct{}{}:
			default:
			}
		}
	}}
}

// Sync connects, processes everything new in the inbox and the junk folder
// once, and disconnects (`rapport inbox sync`). It returns every message
// looked at, those already processed before marked Duplicate.
func (w *Watcher) Sync(ctx context.Context) ([]Result, error) {
	c, err := w.dial(ctx, w.handler())
	if err != nil {
		return nil, err
	}
	defer func() { c.Logout().Wait() }()
	var all []Result
	err = w.catchUpAll(ctx, c, w.junkName(c), func(r Result) { all = append(all, r) })
	return all, err
}

// Run watches until ctx is done: catch up, IDLE, and catch up again on
// every notice of new mail and every safety poll; it reconnects with
// backoff after the server says BYE, the connection drops or goes silent,
// or the server is unreachable. It reports each state through OnState.
func (w *Watcher) Run(ctx context.Context) error {
	backoff := w.o.MinBackoff
	var down time.Time // when the current trouble began; zero while all is well
	w.state(State{Phase: PhaseConnecting, Since: w.o.Now()})
	for ctx.Err() == nil {
		start := w.o.Now()
		err := w.session(ctx, &down)
		if ctx.Err() != nil {
			break
		}
		now := w.o.Now()
		if now.Sub(start) > time.Minute {
			backoff = w.o.MinBackoff
		}
		if down.IsZero() {
			down = now
		}
		// The server's words reach the status line: one line, bounded.
		last := truncate(clean(errString(err)), 300)
		w.state(State{Phase: PhaseReconnecting, Since: down, LastError: last, NextTry: now.Add(backoff)})
		w.o.Log.Warn("imap_reconnect", "in", backoff.String(), "down_since", down.Format(time.RFC3339), "error", last)
		select {
		case <-ctx.Done():
		case <-w.o.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Minute)
	}
	w.state(State{Phase: PhaseStopped, Since: w.o.Now()})
	return nil
}

func errString(err error) string {
	if err == nil {
		return "the connection ended"
	}
	return err.Error()
}

// session is one connection's life. *down is cleared once the connection
// has caught up: until then, a failure is part of the same trouble.
func (w *Watcher) session(ctx context.Context, down *time.Time) error {
	c, err := w.dial(ctx, w.handler())
	if err != nil {
		return err
	}
	defer c.Close()
	connected := w.o.Now()
	junk := w.junkName(c)
	for ctx.Err() == nil {
		w.state(State{Phase: PhaseCatchingUp, Since: w.o.Now(), Connected: connected})
		if err := w.catchUpAll(ctx, c, junk, nil); err != nil {
			return err
		}
		*down = time.Time{}
		if err := w.idle(ctx, c, connected); err != nil {
			return err
		}
	}
	c.Logout().Wait()
	return nil
}

// idle waits in IDLE for new mail, the safety poll, or the end.
func (w *Watcher) idle(ctx context.Context, c *imapclient.Client, connected time.Time) error {
	idle, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	w.state(State{Phase: PhaseIdle, Since: w.o.Now(), Connected: connected})
	select {
	case <-w.notify:
	case <-w.o.After(w.o.Poll):
	case <-ctx.Done():
	case <-c.Closed():
		return errors.New("the server closed the connection")
	}
	return endIdle(c, idle)
}

// idleDoneTimeout bounds the wait for the server's answer to DONE. It is a
// network timeout, like imapconn's, on the real clock.
const idleDoneTimeout = time.Minute

// endIdle sends DONE and waits for the server, but not forever: a silent
// connection is closed so the watcher reconnects.
func endIdle(c *imapclient.Client, idle *imapclient.IdleCommand) error {
	done := make(chan error, 1)
	go func() {
		if err := idle.Close(); err != nil {
			done <- err
			return
		}
		done <- idle.Wait()
	}()
	t := time.NewTimer(idleDoneTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		c.Close()
		return errors.New("the server did not answer for a minute")
	}
}

// junkName finds the folder to check for misfiled replies: the configured
// one, or imapconn's \Junk lookup with its usual names ("Spam", ...).
func (w *Watcher) junkName(c *imapclient.Client) string {
	switch w.o.Junk {
	case "-":
		return ""
	case "":
		name, err := imapconn.FindSpecialUse(c, imap.MailboxAttrJunk)
		if err != nil && !errors.Is(err, imapconn.ErrNoMailbox) {
			w.o.Log.Warn("junk_lookup_failed", "error", err.Error())
		}
		return name
	}
	return w.o.Junk
}
