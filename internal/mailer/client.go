package mailer

import (
	"context"
	"sync"

	gomail "github.com/wneessen/go-mail"
)

// Client sends messages over one SMTP connection, opened on the first Send
// and kept for the next ones. It is safe for concurrent use; sends are
// serialised.
type Client struct {
	o Options

	mu     sync.Mutex
	gm     *gomail.Client
	dialer *dialer
	open   bool // gm holds a live connection
}

// New checks o and returns a Client. It does no I/O.
func New(o Options) (*Client, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	c := &Client{o: o}
	gm, d, err := newGoMail(o)
	if err != nil {
		return nil, err
	}
	c.gm, c.dialer = gm, d
	return c, nil
}

func newGoMail(o Options) (*gomail.Client, *dialer, error) {
	d := &dialer{o: o}
	gm, err := gomail.NewClient(o.host(), o.goMail(d.dial)...)
	if err != nil {
		return nil, nil, err
	}
	return gm, d, nil
}

// Check connects, secures the connection, logs in and says goodbye, on a
// connection of its own. Its error is an *Error naming the step that
// failed (connect, tls, auth).
func (c *Client) Check(ctx context.Context) error {
	gm, d, err := newGoMail(c.o)
	if err != nil {
		return err
	}
	if res, ok := c.useToken(ctx, gm); !ok {
		return res.Err
	}
	stop := context.AfterFunc(ctx, d.cancel)
	defer stop()
	sc, err := gm.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return c.o.dialResult(err).Err
	}
	gm.CloseWithSMTPClient(sc) // QUIT; its answer does not matter
	if conn := d.take(); conn != nil {
		conn.Close()
	}
	return nil
}

// Send sends one message (see Build) and says what came of it. It opens
// the connection if needed. When the connection turns out to be lost, or
// the server answers 421, before the message data was handed over, it
// reconnects and tries once more: the server cannot have accepted
// anything. It never sends again after the final dot: a lost answer there
// is Unknown.
func (c *Client) Send(ctx context.Context, msg *gomail.Msg) Result {
	return c.SendChecked(ctx, msg, nil)
}

// SendChecked is Send with a last check: before, when not nil, is called
// once the connection is up (greeting, TLS and login done) and right
// before the message's SMTP transaction begins; an error from it withholds
// the message (Outcome Withheld, nothing handed over). A server slow to
// greet can take many seconds, and a reply that arrives meanwhile must
// still stop a follow-up.
func (c *Client) SendChecked(ctx context.Context, msg *gomail.Msg, before func() error) Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return classifyDial(err)
	}
	if msg.IsDelivered() { // go-mail never clears it: sending again would duplicate
		return result(Paused, StepMessage, reply{}, "this message object was already sent once; rapport never sends it again (build a new one); this is a bug in rapport, please report it", nil)
	}
	res := c.attempt(ctx, msg, before)
	if res.retry && ctx.Err() == nil {
		res = c.attempt(ctx, msg, before)
	}
	return res
}

// attempt sends msg once, connecting first if needed.
func (c *Client) attempt(ctx context.Context, msg *gomail.Msg, before func() error) Result {
	if !c.open {
		if res, ok := c.useToken(ctx, c.gm); !ok {
			return res
		}
		if err := c.dial(ctx); err != nil {
			c.drop()
			return c.o.dialResult(err)
		}
		c.open = true
	}
	if before != nil {
		if err := before(); err != nil {
			return Result{Outcome: Withheld, Err: err, Step: StepMail}
		}
	}
	conn := c.dialer.conn()
	stop := context.AfterFunc(ctx, conn.cancel)
	err := c.gm.Send(msg)
	cancelled := !stop()
	res := Classify(AttemptOf(msg, err))
	if res.broken || cancelled {
		c.drop()
		res.retry = res.retry && !cancelled
	}
	return res
}

// dial connects, says EHLO, secures and logs in. ctx can interrupt every
// step, not only the TCP connect go-mail hands it to.
func (c *Client) dial(ctx context.Context) error {
	stop := context.AfterFunc(ctx, c.dialer.cancel)
	defer stop()
	return c.gm.DialWithContext(ctx)
}

// drop forgets the connection without a QUIT: it is broken or its state
// is unknown. The next Send dials again.
func (c *Client) drop() {
	if conn := c.dialer.take(); conn != nil {
		conn.Close()
	}
	c.open = false
}

// Close says QUIT and closes the connection, if one is open. The Client
// may be used again afterwards; it reconnects.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.open {
		return nil
	}
	err := c.gm.Close()
	c.drop()
	return err
}
