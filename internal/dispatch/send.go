package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wneessen/go-mail"

	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

// batch claims a batch of rendered notes, recording the outcomes of the
// previous batch in the same transaction, then sends them one by one.
func (r *run) batch(ctx context.Context, batch []ready) error {
	todo, claims, skips := r.claims(batch)
	r.skipAll(skips)
	if len(claims) == 0 {
		return nil
	}
	got, err := r.d.o.Store.RecordAndClaimBatch(ctx, r.pending, claims)
	if err != nil {
		return err
	}
	r.pending = nil
	return r.sendClaimed(ctx, todo, got)
}

// skipped is a note left out of a batch, and why.
type skipped struct {
	x   ready
	why string
}

// claims turns rendered notes into claim requests, leaving out the notes
// that failed to render and those outside the window in the contact's
// zone. It touches no shared state: the claimer goroutine calls it.
func (r *run) claims(batch []ready) ([]ready, []store.ClaimRequest, []skipped) {
	d := r.d
	var todo []ready
	var claims []store.ClaimRequest
	var skips []skipped
	for _, x := range batch {
		switch {
		case x.err != nil:
			skips = append(skips, skipped{x, x.err.Error()})
		case !d.inWindow(d.o.Now(), x.e.item.Contact):
			skips = append(skips, skipped{x, "outside the send window in the contact's time zone"})
		default:
			todo = append(todo, x)
			claims = append(claims, store.ClaimRequest{Key: x.p.key,
				Pending: store.Pending{Email: x.e.item.Contact.Email, Subject: x.p.subject,
					MessageID: mailer.NewMessageID(messageDomain(d.o.Sender.Email), d.o.Now())},
				Check: stillDue(x.e.item, d.o.Now(), d.o.Store.Pipeline)})
		}
	}
	return todo, claims, skips
}

func (r *run) skipAll(skips []skipped) {
	for _, k := range skips {
		r.rep.skip(k.x.e.camp.Name, k.x.e.item, k.why)
	}
}

// pipelined sends an unpaced queue in batches, claiming the next batch
// (and recording the outcomes of the one before) while the current batch
// goes out: the disk and the server work at the same time. Every note is
// still committed as "sending" before its SMTP transaction starts.
func (r *run) pipelined(ctx context.Context, ahead <-chan ready, total, size int) error {
	next, handled, err := r.claimNext(ctx, ahead, nil, size)
	for err == nil && (len(next.todo) > 0 || len(next.skips) > 0) {
		cur := next
		r.skipAll(cur.skips)
		if stop := r.stopBefore(ctx); stop != "" {
			r.rep.Stopped = fmt.Sprintf("%s (%d due notes wait for the next tick)", stop, total-handled+len(cur.todo))
			r.release(cur.got, "not sent: "+stop)
			return nil
		}
		done := r.pending
		r.pending = nil
		ch := make(chan claimedBatch, 1)
		go func() {
			b, n, err := r.claimNext(ctx, ahead, done, size)
			b.err, b.n = err, n
			ch <- b
		}()
		sendErr := r.sendClaimed(ctx, cur.todo, cur.got)
		next = <-ch
		handled += next.n
		if sendErr != nil {
			r.release(next.got, "not sent: the tick stopped")
			if errors.Is(sendErr, errStopTick) {
				return nil
			}
			return sendErr
		}
		err = next.err
	}
	return err
}

// claimedBatch is a batch of rendered notes and what their claims gave.
type claimedBatch struct {
	todo  []ready
	got   []Claimed
	skips []skipped
	n     int // notes taken from the queue, skipped ones included
	err   error
}

// claimNext takes the next batch of rendered notes and claims them,
// recording done in the same transaction.
func (r *run) claimNext(ctx context.Context, ahead <-chan ready, done []store.Outcome, size int) (claimedBatch, int, error) {
	batch := take(ahead, size)
	todo, claims, skips := r.claims(batch)
	if len(claims) == 0 && len(done) == 0 {
		return claimedBatch{todo: todo, skips: skips}, len(batch), nil
	}
	got, err := r.d.o.Store.RecordAndClaimBatch(ctx, done, claims)
	return claimedBatch{todo: todo, got: got, skips: skips}, len(batch), err
}

// sendClaimed sends the claimed notes of a batch. When the tick must stop
// half-way (a stop signal, a paused account) the notes not yet sent are
// released: they never left, so they are not uncertain.
func (r *run) sendClaimed(ctx context.Context, todo []ready, got []Claimed) error {
	for i, x := range todo {
		c := got[i]
		if c.Send == nil {
			r.rep.skip(x.e.camp.Name, x.e.item, c.Refused.Error())
			continue
		}
		if ctx.Err() != nil {
			r.release(got[i:], "stopped before it was sent")
			return errStopTick
		}
		if err := r.deliver(ctx, x.p, c.Send); err != nil {
			r.release(got[i+1:], "not sent: "+err.Error())
			if errors.Is(err, ErrPaused) || errors.Is(err, errStopTick) {
				return errors.Join(err, r.flush(context.WithoutCancel(ctx)))
			}
			return err
		}
	}
	return nil
}

// Claimed is store.Claimed, named here for brevity.
type Claimed = store.Claimed

func (r *run) release(rest []Claimed, why string) {
	for _, c := range rest {
		if c.Send != nil {
			r.pending = append(r.pending, store.Outcome{SendID: c.Send.ID, State: contact.SendPlanned, Why: why})
		}
	}
}

func (r *run) deliver(ctx context.Context, p *prepared, sd *contact.Send) error {
	d := r.d
	msg, err := d.build(p, sd.MessageID)
	if err != nil {
		r.pending = append(r.pending, store.Outcome{SendID: sd.ID, State: contact.SendFailed, Why: err.Error()})
		r.result(p, sd, contact.SendFailed, err.Error())
		return nil
	}
	// The send must not be cut off by a stop signal half-way: SIGTERM
	// finishes the message in flight.
	res := d.o.Mailer.Send(context.WithoutCancel(ctx), msg)
	now := d.o.Now()
	r.recent = append(r.recent, now)
	o := outcome(sd, res, now)
	r.pending = append(r.pending, o)
	r.result(p, sd, o.State, o.Why)
	if res.Outcome == mailer.Sent {
		r.sent++
		d.copyToSent(ctx, msg, now)
	}
	if o.State == contact.SendPlanned {
		return r.pause(ctx, res)
	}
	return nil
}

func (r *run) result(p *prepared, sd *contact.Send, st contact.SendState, why string) {
	res := Result{Campaign: p.camp.Name, Step: p.item.Step.ID, Contact: p.item.Contact, MessageID: sd.MessageID, State: st, Reason: why}
	switch st {
	case contact.SendSent:
		r.rep.Sent++
	case contact.SendDeferred:
		r.rep.Deferred++
	case contact.SendFailed:
		r.rep.Failed++
	case contact.SendUnknown:
		r.rep.Unknown++
	}
	if st != contact.SendPlanned {
		r.rep.Results = append(r.rep.Results, res)
		if r.d.o.Progress != nil {
			r.d.o.Progress(res)
		}
	}
	r.d.o.Log.Info("send", "campaign", res.Campaign, "step", res.Step, "contact_id", sd.ContactID,
		"message_id", sd.MessageID, "state", string(st), "detail", why)
}

// errStopTick ends a tick early without it being an error.
var errStopTick = errors.New("stop the tick")

// pause stops the tick after an account-level refusal. A refusal that
// may pass by itself (the network, a rate limit) only ends this tick; one
// the user must fix (a refused password, an untrusted certificate, a
// policy block) pauses all sending until `rapport check` logs in again.
// The caller releases the rest of the batch and records the outcomes.
func (r *run) pause(ctx context.Context, res mailer.Result) error {
	why := describe(res)
	if res.Temporary {
		r.rep.Stopped = "the mail server is not reachable now (" + why + "); the next tick tries again"
		return errStopTick
	}
	if err := r.d.o.Store.PauseSending(context.WithoutCancel(ctx), why); err != nil {
		return err
	}
	r.rep.Stopped = "sending paused: " + why
	return fmt.Errorf("%w: %s", ErrPaused, why)
}

// flush records the outcomes still pending.
func (r *run) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	_, err := r.d.o.Store.RecordAndClaimBatch(ctx, r.pending, nil)
	r.pending = nil
	return err
}

// copyToSent appends the exact bytes to the Sent folder; a failure is
// logged, not fatal: the note did go out.
func (d *Dispatcher) copyToSent(ctx context.Context, msg *mail.Msg, now time.Time) {
	if d.o.SentCopy == nil {
		return
	}
	raw, err := mailer.Render(msg)
	if err == nil {
		err = d.o.SentCopy.Append(context.WithoutCancel(ctx), raw, now)
	}
	if err != nil {
		d.o.Log.Warn("sent_copy_failed", "error", err.Error())
	}
}
