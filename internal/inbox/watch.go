package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/store"
)

// Dialer connects and logs in; h must be installed as the client's
// UnilateralDataHandler so the watcher hears of new mail during IDLE.
type Dialer func(ctx context.Context, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error)

// Positions is what the watcher keeps in the store (*store.Store).
type Positions interface {
	Mailbox(ctx context.Context, name string) (store.MailboxState, error)
	SetMailbox(ctx context.Context, m store.MailboxState) error
}

// WatchOptions configure a Watcher.
type WatchOptions struct {
	Dial      Dialer
	Processor *Processor
	Positions Positions
	Mailbox   string // default INBOX
	// Junk is the folder where replies may land by mistake: "" finds the
	// \Junk special-use folder; "-" watches none.
	Junk string
	// Processed, when set, receives handled mail that concerned a contact.
	Processed string
	Poll      time.Duration // the safety poll under IDLE (default 5 minutes)
	Now       func() time.Time
	After     func(time.Duration) <-chan time.Time
	Log       *slog.Logger
	// OnResult is told of every processed message; OnState of the
	// watcher's state ("idle", "reconnecting in 30s: ...").
	OnResult func(Result)
	OnState  func(string)
	// BatchSize is how many headers one FETCH asks for (default 500).
	BatchSize int
	// MinBackoff is the first wait before reconnecting (default 1s); it
	// doubles up to 5 minutes.
	MinBackoff time.Duration
}

// Watcher keeps an eye on the inbox.
type Watcher struct {
	o      WatchOptions
	notify chan struct{}
}

// NewWatcher returns a watcher; it does no I/O.
func NewWatcher(o WatchOptions) *Watcher {
	if o.Mailbox == "" {
		o.Mailbox = "INBOX"
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
	return &Watcher{o: o, notify: make(chan struct{}, 1)}
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

func (w *Watcher) state(s string) {
	if w.o.OnState != nil {
		w.o.OnState(s)
	}
}

// Sync connects, processes everything new in the inbox and the junk folder
// once, and disconnects (`rapport inbox sync`).
func (w *Watcher) Sync(ctx context.Context) ([]Result, error) {
	c, err := w.o.Dial(ctx, w.handler())
	if err != nil {
		return nil, err
	}
	defer func() { c.Logout().Wait() }()
	var all []Result
	collect := w.o.OnResult
	w.o.OnResult = func(r Result) {
		all = append(all, r)
		if collect != nil {
			collect(r)
		}
	}
	defer func() { w.o.OnResult = collect }()
	err = w.catchUpAll(ctx, c, w.junkName(c))
	return all, err
}

// Run watches until ctx is done: catch up, IDLE, and catch up again on
// every notice of new mail and every safety poll; it reconnects with
// backoff after the server says BYE, the connection drops or goes silent,
// or the server restarts.
func (w *Watcher) Run(ctx context.Context) error {
	backoff := w.o.MinBackoff
	for ctx.Err() == nil {
		start := w.o.Now()
		err := w.session(ctx)
		if ctx.Err() != nil {
			break
		}
		if w.o.Now().Sub(start) > time.Minute {
			backoff = w.o.MinBackoff
		}
		w.state(fmt.Sprintf("reconnecting in %s: %v", backoff, err))
		w.o.Log.Warn("imap_reconnect", "in", backoff.String(), "error", errString(err))
		select {
		case <-ctx.Done():
		case <-w.o.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Minute)
	}
	w.state("stopped")
	return nil
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// session is one connection's life.
func (w *Watcher) session(ctx context.Context) error {
	w.state("connecting")
	c, err := w.o.Dial(ctx, w.handler())
	if err != nil {
		return err
	}
	defer c.Close()
	junk := w.junkName(c)
	for ctx.Err() == nil {
		if err := w.catchUpAll(ctx, c, junk); err != nil {
			return err
		}
		if err := w.idle(ctx, c); err != nil {
			return err
		}
	}
	c.Logout().Wait()
	return nil
}

// idle waits in IDLE for new mail, the safety poll, or the end.
func (w *Watcher) idle(ctx context.Context, c *imapclient.Client) error {
	idle, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	w.state("idle since " + w.o.Now().Format(time.RFC3339))
	select {
	case <-w.notify:
	case <-w.o.After(w.o.Poll):
	case <-ctx.Done():
	case <-c.Closed():
		return errors.New("the server closed the connection")
	}
	return w.endIdle(c, idle)
}

// endIdle sends DONE and waits for the server, but not forever: a silent
// connection is closed so the watcher reconnects.
func (w *Watcher) endIdle(c *imapclient.Client, idle *imapclient.IdleCommand) error {
	done := make(chan error, 1)
	go func() {
		if err := idle.Close(); err != nil {
			done <- err
			return
		}
		done <- idle.Wait()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		c.Close()
		return errors.New("the server did not answer for a minute")
	}
}

// junkName finds the folder to check for misfiled replies.
func (w *Watcher) junkName(c *imapclient.Client) string {
	switch w.o.Junk {
	case "-":
		return ""
	case "":
		return findSpecialUse(c, imap.MailboxAttrJunk)
	}
	return w.o.Junk
}

func findSpecialUse(c *imapclient.Client, attr imap.MailboxAttr) string {
	boxes, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		return ""
	}
	for _, b := range boxes {
		for _, a := range b.Attrs {
			if a == attr {
				return b.Mailbox
			}
		}
	}
	return ""
}
