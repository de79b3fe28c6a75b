package dispatch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"rapport/internal/batch"
	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/render"
	"rapport/internal/store"
)

// PrintOptions shape a print pass.
type PrintOptions struct {
	DryRun bool // plan and check only; claim and write nothing
}

// PrintReport is what a print pass did.
type PrintReport struct {
	Batches []PrintedBatch
	// Skipped are letters that were due but not printed, and why (a
	// reply that came in a second ago, a letter that would not lay out).
	// Letters the plan already held back (a missing field) are not here:
	// Tick reports those.
	Skipped []Result
	// Would are the letters a dry run would print.
	Would []Result
}

// Letters counts the letters printed in the pass (none for a nil
// report).
func (r *PrintReport) Letters() int {
	if r == nil {
		return 0
	}
	n := 0
	for _, b := range r.Batches {
		n += len(b.Letters)
	}
	return n
}

// PrintedBatch is a print batch written in the pass.
type PrintedBatch struct {
	Batch   *store.LetterBatch
	Letters []Result // State printed
	Stats   batch.Stats
}

// Print writes the letters due now in the given campaigns into print
// batches, one per campaign and letter step: each letter is claimed in the
// journal with its batch (rechecking the contact as a note's claim does),
// then the PDFs are written, then the letters recorded as printed. A
// crash between the claim and the record is settled by the next pass (see
// recoverLetters): the batch's letters' PDF exists and they are printed,
// or it does not and they go in a later batch — never lost, never twice.
// The caller holds the store's sender lock, and runs one pass at a time.
func (d *Dispatcher) Print(ctx context.Context, camps []*campaign.Campaign, o PrintOptions) (*PrintReport, error) {
	rep := &PrintReport{}
	if d.o.Post == nil || !anyLetters(camps) {
		return rep, nil
	}
	if !o.DryRun {
		if err := d.recoverLetters(ctx); err != nil {
			return rep, err
		}
	}
	tpl := newTemplates(d.o.Templates)
	for _, c := range camps {
		groups, err := d.dueLetters(ctx, tpl, c)
		if err != nil {
			return rep, err
		}
		for _, g := range groups {
			if o.DryRun {
				for _, it := range g {
					rep.Would = append(rep.Would, Result{Campaign: c.Name, Step: it.Step.ID, Contact: it.Contact, Reason: "would be printed"})
				}
				continue
			}
			if err := d.printBatch(ctx, tpl.letters(d.o.Post), c, g, rep); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

func anyLetters(camps []*campaign.Campaign) bool {
	for _, c := range camps {
		for _, s := range c.Steps {
			if s.Channel == "letter" {
				return true
			}
		}
	}
	return false
}

// dueLetters plans a campaign and groups its due letters by step, in the
// plan's order.
func (d *Dispatcher) dueLetters(ctx context.Context, tpl *templates, c *campaign.Campaign) ([][]campaign.Item, error) {
	now := d.o.Now()
	facts, err := Facts(ctx, d.o.Store, c, now)
	if err != nil {
		return nil, err
	}
	items := c.Plan(facts, campaign.Options{Now: now, Window: d.o.Window, Holidays: d.o.Holidays,
		Pipeline: d.o.Store.Pipeline, Capacity: -1,
		Check: func(ct *contact.Contact, s *campaign.Step) error { return d.check(tpl, c, s, ct) }})
	var groups [][]campaign.Item
	at := map[string]int{}
	for _, it := range items {
		if !it.Due || it.Step.Channel != "letter" {
			continue
		}
		i, ok := at[it.Step.ID]
		if !ok {
			i = len(groups)
			at[it.Step.ID] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], it)
	}
	return groups, nil
}

// letterStillDue is the recheck inside a letter's claim: a reply, an
// opt-out or a pause that came since the plan stops it. Unlike a note's,
// it does not mind a paused email account, and a contact edited since
// the plan is printed as it is now.
func (d *Dispatcher) letterStillDue(it campaign.Item) func(store.Recheck) error {
	return func(rc store.Recheck) error { return d.contactStillDue(it, rc) }
}

// printBatch claims one step's due letters as a batch, writes its PDFs and
// records them printed.
func (d *Dispatcher) printBatch(ctx context.Context, pl *postal, c *campaign.Campaign, items []campaign.Item, rep *PrintReport) error {
	step := items[0].Step
	// The run is started before the claim: a broken font or template
	// stops the pass with nothing claimed.
	run, err := pl.run(step.Template, false)
	if err != nil {
		return fmt.Errorf("print the letters of %s/%s: %w", c.Name, step.ID, err)
	}
	if err := os.MkdirAll(d.o.Post.Dir, 0o755); err != nil {
		return fmt.Errorf("print batch of %s/%s: %w", c.Name, step.ID, err)
	}
	round := c.Round(d.o.Now())
	claims := make([]store.ClaimRequest, len(items))
	for i, it := range items {
		claims[i] = store.ClaimRequest{Key: store.SendKey{Campaign: c.Name, Step: step.ID, ContactID: it.Contact.ID, Round: round},
			Pending: store.Pending{Email: it.Contact.Email}, Check: d.letterStillDue(it)}
	}
	b, claimed, err := d.o.Store.ClaimLetters(ctx, store.NewBatch{Campaign: c.Name, Step: step.ID, Owner: d.o.Owner,
		Files: d.batchFiles(c, pl.layout.Format)}, claims)
	if err != nil {
		return err
	}
	for i, cl := range claimed {
		if cl.Refused != nil {
			rep.Skipped = append(rep.Skipped, Result{Campaign: c.Name, Step: step.ID, Contact: items[i].Contact, Reason: cl.Refused.Error()})
		}
	}
	if b == nil {
		return nil
	}
	pb, err := d.layOut(ctx, run, c, b, items, claimed, rep)
	if err != nil || pb == nil {
		return err
	}
	rep.Batches = append(rep.Batches, *pb)
	d.o.Log.Info("print_batch", "campaign", c.Name, "step", step.ID, "batch", b.ID, "letters", len(pb.Letters), "file", b.Files[0])
	return nil
}

// layOut prints a claimed batch: each letter from its contact as the
// store has it now, then the PDFs, then the record. A letter that no
// longer lays out goes back to "planned" before anything is written, so
// the batch's rows are exactly its PDF's letters.
func (d *Dispatcher) layOut(ctx context.Context, run *batch.Run, c *campaign.Campaign, b *store.LetterBatch, items []campaign.Item,
	claimed []store.Claimed, rep *PrintReport) (*PrintedBatch, error) {
	step := items[0].Step
	abandon := func(why string, err error) error {
		if aerr := d.o.Store.AbandonBatch(context.WithoutCancel(ctx), b.ID, why); aerr != nil {
			return errors.Join(err, aerr)
		}
		return err
	}
	fresh, err := d.freshContacts(ctx, claimed)
	if err != nil {
		return nil, abandon("the letter could not be printed: "+err.Error(), err)
	}
	pb := &PrintedBatch{Batch: b}
	file := filepath.Base(b.Files[0])
	var done, released []store.Outcome
	for i, cl := range claimed {
		if cl.Send == nil {
			continue
		}
		ct := fresh[cl.Send.ContactID]
		if ct == nil {
			ct = items[i].Contact
		}
		in := render.Input{Contact: ct, Sender: d.o.Sender, Campaign: c.Name, Step: step.ID}
		_, why, err := run.Add(in, d.letterDate())
		if err != nil {
			return nil, abandon("the batch could not be printed: "+err.Error(), err)
		}
		if why != nil {
			released = append(released, store.Outcome{SendID: cl.Send.ID, Send: cl.Send, State: contact.SendPlanned, Why: "not printed: " + why.Error()})
			rep.Skipped = append(rep.Skipped, Result{Campaign: c.Name, Step: step.ID, Contact: ct, Reason: why.Error()})
			continue
		}
		done = append(done, store.Outcome{SendID: cl.Send.ID, Send: cl.Send, State: contact.SendPrinted,
			Response: fmt.Sprintf("%s (print batch %d)", file, b.ID), At: d.o.Now()})
		pb.Letters = append(pb.Letters, Result{Campaign: c.Name, Step: step.ID, Contact: ct, State: contact.SendPrinted})
	}
	if err := d.o.Store.RecordAll(ctx, released); err != nil {
		return nil, abandon("the batch could not be recorded", err)
	}
	if len(done) == 0 {
		return nil, abandon("nothing in the batch could be printed", nil)
	}
	if err := run.Write(d.batchWrite(b.Files)); err != nil {
		return nil, abandon("its PDF could not be written: "+err.Error(), fmt.Errorf("print batch %d: %w", b.ID, err))
	}
	pb.Stats = run.Stats()
	if err := d.o.Store.LettersPrinted(ctx, b.ID, done, d.o.Now()); err != nil {
		// The PDF is complete: the next pass finds it and records it.
		return pb, fmt.Errorf("print batch %d is written (%s) but could not be recorded; it will be at the next run: %w", b.ID, b.Files[0], err)
	}
	b.Count, b.WrittenAt = len(done), d.o.Now()
	return pb, nil
}

// freshContacts reads the claimed contacts as they are now: a letter is
// printed from the latest address and fields.
func (d *Dispatcher) freshContacts(ctx context.Context, claimed []store.Claimed) (map[int64]*contact.Contact, error) {
	var ids []int64
	for _, cl := range claimed {
		if cl.Send != nil {
			ids = append(ids, cl.Send.ContactID)
		}
	}
	list, err := d.o.Store.Contacts(ctx, store.Filter{IDs: ids})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*contact.Contact, len(list))
	for _, ct := range list {
		out[ct.ID] = ct
	}
	return out, nil
}
