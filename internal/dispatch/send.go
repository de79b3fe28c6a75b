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

// one renders, claims and sends one note. The previous note's outcome is
// recorded in the same transaction as this claim.
func (r *run) one(ctx context.Context, e queued) error {
	d := r.d
	if !d.inWindow(d.o.Now(), e.item.Contact) {
		r.rep.skip(e.camp.Name, e.item, "outside the send window in the contact's time zone")
		return nil
	}
	p, err := d.prepare(ctx, r.tpl, e.camp, e.item, e.round)
	if err != nil {
		r.rep.skip(e.camp.Name, e.item, err.Error())
		return nil
	}
	id := mailer.NewMessageID(messageDomain(d.o.Sender.Email), d.o.Now())
	sd, err := d.o.Store.RecordAndClaim(ctx, r.pending, p.key,
		store.Pending{Email: e.item.Contact.Email, MessageID: id, Subject: p.subject},
		stillDue(e.item, d.o.Now(), d.o.Store.Pipeline))
	if sd == nil && err != nil && !isRefusal(err) {
		return err
	}
	r.pending = nil
	if sd == nil {
		r.rep.skip(e.camp.Name, e.item, err.Error())
		return nil
	}
	return r.deliver(ctx, p, sd)
}

// isRefusal tells a contact refused by the claim check (or already in the
// journal) from a store failure.
func isRefusal(err error) bool {
	var re *store.RefusedError
	return errors.As(err, &re)
}

func (r *run) deliver(ctx context.Context, p *prepared, sd *contact.Send) error {
	d := r.d
	msg, err := d.build(p, sd.MessageID)
	if err != nil {
		r.pending = &store.Outcome{SendID: sd.ID, State: contact.SendFailed, Why: err.Error()}
		r.result(p, sd, contact.SendFailed, err.Error())
		return nil
	}
	// The send must not be cut off by a stop signal half-way: SIGTERM
	// finishes the message in flight.
	res := d.o.Mailer.Send(context.WithoutCancel(ctx), msg)
	now := d.o.Now()
	r.recent = append(r.recent, now)
	o := outcome(sd, res, now)
	r.pending = &o
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
func (r *run) pause(ctx context.Context, res mailer.Result) error {
	why := describe(res)
	if err := r.flush(context.WithoutCancel(ctx)); err != nil {
		return err
	}
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

// flush records the last outcome still pending.
func (r *run) flush(ctx context.Context) error {
	if r.pending == nil {
		return nil
	}
	err := r.d.o.Store.Record(ctx, *r.pending)
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
