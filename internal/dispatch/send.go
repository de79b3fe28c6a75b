package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

// The journal's promise, as this file keeps it: a note is committed as
// "sending" (with its Message-ID and this process as owner) before its
// SMTP transaction starts; the contact, the campaign and the account are
// checked again inside that commit and once more right before MAIL FROM;
// and the outcome is committed the moment the server answers. When notes
// are paced, each outcome has a commit of its own before any wait; when
// nothing paces them, the outcomes of one batch share the commit that
// claims the next batch, which waits on nothing but the sends themselves.
// A stop signal never cancels the recording of an outcome.

// sequential sends the queue one note at a time, waiting for each free
// slot the caps allow.
func (r *run) sequential(ctx context.Context, ahead <-chan ready, total int) error {
	for handled := 0; handled < total; {
		if r.stopBefore(ctx, total-handled) {
			return nil
		}
		x, ok := <-ahead
		if !ok {
			return nil
		}
		handled++
		todo, claims, skips := r.claims([]ready{x})
		r.skipAll(skips)
		if len(claims) == 0 {
			continue
		}
		got, err := r.claim(ctx, nil, todo, claims)
		if err != nil {
			return err
		}
		if err := r.sendClaimed(ctx, todo, got); err != nil {
			r.rep.stop("", total-handled, time.Time{})
			if errors.Is(err, errStopTick) {
				return nil
			}
			return err
		}
	}
	return nil
}

// pipelined sends an unpaced queue in batches, claiming the next batch
// (and recording the outcomes of the one before) while the current batch
// goes out: the disk and the server work at the same time. Every note is
// still committed as "sending" before its SMTP transaction starts.
func (r *run) pipelined(ctx context.Context, ahead <-chan ready, total int) error {
	r.batched = true
	next := r.claimNext(ctx, ahead, nil)
	handled := next.n
	for next.err == nil && next.n > 0 {
		cur := next
		r.skipAll(cur.skips)
		if r.stopBefore(ctx, total-handled+len(cur.todo)) {
			r.release(cur.got, "not sent: "+r.rep.Stopped)
			return nil
		}
		done := r.pending
		r.pending = nil
		ch := make(chan claimedBatch, 1)
		go func() { ch <- r.claimNext(ctx, ahead, done) }()
		sendErr := r.sendClaimed(ctx, cur.todo, cur.got)
		next = <-ch
		handled += next.n
		if sendErr != nil {
			r.release(next.got, "not sent: the tick stopped")
			r.rep.stop("", total-handled+len(next.todo), time.Time{})
			if errors.Is(sendErr, errStopTick) {
				return next.err
			}
			return errors.Join(sendErr, next.err)
		}
	}
	return next.err
}

// claimedBatch is a batch of rendered notes and what their claims gave.
type claimedBatch struct {
	todo  []ready
	got   []Claimed
	skips []skipped
	n     int // notes taken from the queue, skipped ones included
	err   error
}

// claimNext records done and claims the next batch of rendered notes, in
// one transaction. The recording does not depend on ctx: a stop signal
// must not lose an outcome the server already gave. After a stop nothing
// more is claimed.
func (r *run) claimNext(ctx context.Context, ahead <-chan ready, done []store.Outcome) claimedBatch {
	var b claimedBatch
	var claims []store.ClaimRequest
	if ctx.Err() == nil {
		batch := take(ahead, r.batchSize())
		b.n = len(batch)
		b.todo, claims, b.skips = r.claims(batch)
	}
	if len(claims) == 0 && len(done) == 0 {
		return b
	}
	b.got, b.err = r.claim(ctx, done, b.todo, claims)
	if b.err == nil {
		r.buildAhead(b.todo, b.got)
	}
	return b
}

// buildAhead builds the claimed notes of a batch, and the bytes of their
// Sent copies, on the claimer's goroutine: the sending loop then spends
// its time on the wire, not on MIME.
func (r *run) buildAhead(todo []ready, got []Claimed) {
	for i, x := range todo {
		if sd := got[i].Send; sd != nil {
			x.p.built = r.buildFor(x.p, sd)
		}
	}
}

// buildFor builds p for its claimed row: its Message-ID, and for an
// invitation the claim time as the calendar's DTSTAMP.
func (r *run) buildFor(p *prepared, sd *contact.Send) *built {
	b := &built{messageID: sd.MessageID}
	b.msg, b.err = r.d.build(p, sd.MessageID, sd.UpdatedAt)
	if b.err == nil && r.d.o.SentCopy != nil {
		if raw, err := mailer.Render(b.msg); err == nil {
			b.raw = raw
		}
	}
	return b
}

// maxBatch is how many notes are claimed in one transaction when nothing
// paces the sending (no min_gap, no caps): one disk sync for the batch.
const maxBatch = 32

func (r *run) batchSize() int { return maxBatch }

// skipped is a note left out of a batch, and why.
type skipped struct {
	x   ready
	why string
}

// claims turns rendered notes into claim requests, leaving out the notes
// that failed to render and those outside the window in the contact's
// zone (skips). It touches no shared state: the claimer goroutine calls
// it. A note of a campaign paused during the tick is refused by the
// claim's check.
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
			claims = append(claims, r.request(x.p))
		}
	}
	return todo, claims, skips
}

func (r *run) request(p *prepared) store.ClaimRequest {
	d := r.d
	return store.ClaimRequest{Key: p.key, Check: d.stillDue(p),
		Pending: store.Pending{Email: p.item.Contact.Email, Subject: p.subject, Owner: d.o.Owner,
			MessageID: mailer.NewMessageID(messageDomain(d.o.Sender.Email), d.o.Now())}}
}

// claim records done and claims, in one transaction that a stop signal
// does not cancel. A note whose contact changed since it was written (a
// re-import, an edit) is written again from the contact as it is now and
// claimed on its own.
func (r *run) claim(ctx context.Context, done []store.Outcome, todo []ready, claims []store.ClaimRequest) ([]Claimed, error) {
	ctx = context.WithoutCancel(ctx)
	got, err := r.d.o.Store.RecordAndClaimBatch(ctx, done, claims)
	if err != nil {
		r.pending = append(r.pending, done...) // try them again at the end
		return nil, err
	}
	for i := range got {
		if !errors.Is(got[i].Refused, errStale) {
			continue
		}
		p, err := r.reprepare(ctx, todo[i].p)
		if err != nil {
			got[i].Refused = err
			continue
		}
		todo[i].p = p
		again, err := r.d.o.Store.RecordAndClaimBatch(ctx, nil, []store.ClaimRequest{r.request(p)})
		if err != nil {
			return nil, err
		}
		got[i] = again[0]
	}
	return got, nil
}

// reprepare writes a note again from the contact as it is in the store.
func (r *run) reprepare(ctx context.Context, p *prepared) (*prepared, error) {
	fresh, err := r.d.o.Store.Contact(ctx, p.item.Contact.ID)
	if err != nil {
		return nil, err
	}
	it := p.item
	it.Contact = fresh
	return r.d.prepare(ctx, r.tpl, p.camp, it, p.key.Round)
}

func (r *run) skipAll(skips []skipped) {
	for _, k := range skips {
		r.rep.skip(k.x.e.camp.Name, k.x.e.item, k.why)
	}
}

// sendClaimed sends the claimed notes of a batch. When the tick must stop
// half-way (a stop signal, a paused account, a broken connection) the
// notes not yet sent are released: they never left, so they are not
// uncertain.
func (r *run) sendClaimed(ctx context.Context, todo []ready, got []Claimed) error {
	for i, x := range todo {
		c := got[i]
		if c.Send == nil {
			if err := r.refused(x, c.Refused); err != nil {
				r.release(got[i+1:], "not sent: "+err.Error())
				return err
			}
			continue
		}
		if ctx.Err() != nil {
			r.release(got[i:], "stopped before it was sent")
			r.rep.stop("stopped", 0, time.Time{})
			return errStopTick
		}
		if err := r.deliver(ctx, x, c.Send); err != nil {
			r.release(got[i+1:], "not sent: "+err.Error())
			return err
		}
	}
	return nil
}

// refused handles a claim or a last check that said no: the note is
// skipped with its reason; a paused account ends the tick; a campaign
// that was paused (or is no longer active) stops its other notes.
func (r *run) refused(x ready, why error) error {
	var off campaignOffError
	switch {
	case errors.Is(why, ErrPaused):
		r.rep.stop("sending is paused: "+why.Error(), 0, time.Time{})
		return why
	case errors.As(why, &off):
		r.stopCampaign(x.e.camp.Name, off.state)
		r.countOff(x.e.camp.Name)
		return nil
	}
	r.rep.skip(x.e.camp.Name, x.e.item, why.Error())
	return nil
}

// Claimed is store.Claimed, named here for brevity.
type Claimed = store.Claimed

// release puts claimed notes that never left back to "planned".
func (r *run) release(rest []Claimed, why string) {
	for _, c := range rest {
		if c.Send != nil {
			r.pending = append(r.pending, store.Outcome{SendID: c.Send.ID, State: contact.SendPlanned, Why: why})
		}
	}
}

// deliver sends one claimed note and records what the server said.
func (r *run) deliver(ctx context.Context, x ready, sd *contact.Send) error {
	d := r.d
	p := x.p
	var res mailer.Result
	for try := 0; ; try++ {
		b := p.built
		if b == nil || b.messageID != sd.MessageID {
			b = r.buildFor(p, sd)
		}
		msg, err := b.msg, b.err
		if err != nil {
			r.done(ctx, store.Outcome{SendID: sd.ID, Send: sd, State: contact.SendFailed, Why: err.Error()})
			r.result(p, sd, contact.SendFailed, err.Error())
			return nil
		}
		check := d.stillDue(p)
		// The send must not be cut off by a stop signal half-way: SIGTERM
		// finishes the note in flight.
		res = d.o.Mailer.SendChecked(context.WithoutCancel(ctx), msg, func() error {
			rc, err := d.o.Store.Recheck(ctx, sd.ContactID, sd.Campaign)
			if err != nil {
				return err
			}
			return check(rc)
		})
		if res.Outcome == mailer.Withheld && errors.Is(res.Err, errStale) && try < 2 {
			if p, err = r.reprepare(ctx, p); err != nil {
				res.Err = err
				break
			}
			continue
		}
		if res.Outcome == mailer.Sent {
			r.copyToSent(b, d.o.Now())
		}
		break
	}
	at := d.o.Now()
	if res.Outcome == mailer.Withheld {
		r.done(ctx, store.Outcome{SendID: sd.ID, Send: sd, State: contact.SendPlanned, Why: "not sent: " + res.Err.Error(), At: at})
		return r.refused(ready{e: x.e, p: p}, res.Err)
	}
	r.recent = append(r.recent, at)
	o := outcome(sd, res, at)
	o.Invite = p.invite.sent()
	if p.subject != sd.Subject {
		o.Subject = p.subject // written again from a changed contact
	}
	r.done(ctx, o)
	r.result(p, sd, o.State, o.Why)
	switch {
	case res.Outcome == mailer.Sent:
		r.sent++
	case o.State == contact.SendPlanned:
		return r.pause(ctx, res)
	case o.State == contact.SendUnknown:
		r.rep.stop("the connection broke right after a note was handed to the server, which may have it; "+
			"rapport stopped so that nothing else is left uncertain", 0, time.Time{})
		return errStopTick
	}
	return nil
}

// done records an outcome: at once when notes are paced (before any wait
// for the next slot), or with the next batch's claims when they are not.
// A failed recording is tried again at the end of the tick.
func (r *run) done(ctx context.Context, o store.Outcome) {
	if r.batched {
		r.pending = append(r.pending, o)
		return
	}
	if err := r.d.o.Store.Record(context.WithoutCancel(ctx), o); err != nil {
		r.d.o.Log.Warn("record_outcome_failed", "message_id", o.Send.MessageID, "error", err.Error())
		r.pending = append(r.pending, o)
	}
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
		r.progress(Progress{Result: &res})
	}
	r.d.o.Log.Info("send", "campaign", res.Campaign, "step", res.Step, "contact", sd.Email, "contact_id", sd.ContactID,
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
		r.rep.stop("the mail server is not reachable now ("+why+"); the next tick tries again", 0, time.Time{})
		return errStopTick
	}
	if err := r.d.o.Store.PauseSending(context.WithoutCancel(ctx), why); err != nil {
		return err
	}
	r.rep.stop("sending paused: "+why, 0, time.Time{})
	return fmt.Errorf("%w: %s", ErrPaused, why)
}

// flush records the outcomes still pending, whatever the state of ctx.
// Outcomes that cannot be recorded even now are counted in the report:
// those notes show as uncertain until a decision or a restart settles
// them from the Sent folder.
func (r *run) flush(ctx context.Context) error {
	if len(r.pending) == 0 {
		return nil
	}
	err := r.d.o.Store.RecordAll(context.WithoutCancel(ctx), r.pending)
	if err != nil {
		for _, o := range r.pending {
			if o.State != contact.SendPlanned {
				r.rep.Unrecorded++
			}
		}
		err = fmt.Errorf("the outcome of %d notes could not be recorded: %w", len(r.pending), err)
	}
	r.pending = nil
	return err
}

// copyToSent hands the exact bytes to the Sent folder; it does not wait
// for the server. A failure is reported at the end of the tick, not
// fatal: the note did go out.
func (r *run) copyToSent(b *built, at time.Time) {
	if r.d.o.SentCopy == nil {
		return
	}
	if b.raw == nil {
		raw, err := mailer.Render(b.msg)
		if err != nil {
			r.copyErr = fmt.Errorf("a copy could not be made for the Sent folder: %w", err)
			return
		}
		b.raw = raw
	}
	r.d.o.SentCopy.Copy(b.raw, at)
}
