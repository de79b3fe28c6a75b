package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	core "rapport/internal/app"
	"rapport/internal/campaign"
	"rapport/internal/config"
	"rapport/internal/dispatch"
	"rapport/internal/letters"
	"rapport/internal/render"
)

// post is how campaigns' letter steps are printed, from [letters] and
// [paths] letters. The font files are read once, and only when a letter
// step needs them.
func (a *app) post(cfg *config.Config) *dispatch.Post {
	format, _ := letters.ParseFormat(cfg.Letters.Format)
	p := &dispatch.Post{Dir: cfg.Resolve(cfg.Paths.Letters), Templates: filepath.Join(cfg.Resolve(cfg.Paths.Templates), "letters")}
	if cfg.Letters.BatchEnvelopes() {
		p.Envelopes, _ = letters.ParseEnvelopeSize(cfg.Letters.EnvelopeSize)
	}
	if cfg.Letters.BatchLabels() {
		p.Labels, _ = letters.ParseLabelSheet(cfg.Letters.LabelSheet)
	}
	var once sync.Once
	var o *letters.Options
	var err error
	p.Layout = func() (*letters.Options, error) {
		once.Do(func() { o, err = letterOptions(cfg, format, false) })
		if err != nil {
			return nil, err
		}
		cp := *o
		return &cp, nil
	}
	return p
}

// printLetters writes the campaigns' due letters into print batches (or,
// dry, lists them) before their emails go: it is quick, and needs no mail
// server.
func (a *app) printLetters(ctx context.Context, d *dispatch.Dispatcher, camps []*campaign.Campaign, dry bool) (*dispatch.PrintReport, error) {
	rep, err := d.Print(ctx, camps, dispatch.PrintOptions{DryRun: dry})
	if err != nil {
		return rep, fmt.Errorf("print the letters: %w", err)
	}
	return rep, nil
}

// printResults are a print pass's letters as rows of a tick's results.
func printResults(rep *dispatch.PrintReport) []dispatch.Result {
	if rep == nil {
		return nil
	}
	var out []dispatch.Result
	for _, b := range rep.Batches {
		for _, r := range b.Letters {
			r.Reason = fmt.Sprintf("written to print batch %d", b.Batch.ID)
			out = append(out, r)
		}
	}
	out = append(out, rep.Would...)
	return append(out, rep.Skipped...)
}

// sayBatches tells where each new print batch is and what to do with it.
func (a *app) sayBatches(rep *dispatch.PrintReport) {
	if rep == nil || len(rep.Batches) == 0 {
		return
	}
	format, _ := letters.ParseFormat(a.cfg.Letters.Format)
	what := "letter"
	if format == letters.FormatCard || format == letters.FormatCard5x7 {
		what = "card"
	}
	for _, pb := range rep.Batches {
		b := pb.Batch
		a.say("\nPrint batch %d: %s for %s/%s.", b.ID, plural(len(pb.Letters), what), b.Campaign, b.Step)
		for _, f := range b.Files {
			a.say("  %s", f)
		}
		a.say("Print at actual size (100%%), sign each %s, post them, then `rapport letters mailed %d`: "+
			"the campaign's next step counts from that day.", what, b.ID)
	}
}

// checkLetters checks, for `rapport check`, the letter templates (each
// parses) and the [letters] fonts and signature (each reads, is TrueType,
// and writes the return address). Rendering them for the audience is
// CheckCampaign's.
func (a *app) checkLetters(rep *checkReport) {
	cfg := a.cfg
	dir := filepath.Join(cfg.Resolve(cfg.Paths.Templates), "letters")
	if _, err := os.Stat(dir); err == nil {
		tpls, errs := render.LoadAll(dir)
		rep.Templates += len(tpls)
		for _, e := range errs {
			rep.Problems = append(rep.Problems, e.Error())
		}
	}
	format, _ := letters.ParseFormat(cfg.Letters.Format)
	o, err := letterOptions(cfg, format, false)
	if err == nil {
		_, err = letters.NewLetters(o)
	}
	if err != nil {
		rep.Problems = append(rep.Problems, "letters: "+err.Error())
	}
}

// printOnly prints a campaign's due letters when its emails cannot go (the
// mail server is not set up, or its password is missing): the letters
// need none. It returns why the emails could not go.
func (a *app) printOnly(ctx context.Context, c *campaign.Campaign, s *core.Sending, mailErr error) error {
	if !anyLetterStep(c) {
		return mailErr
	}
	d, done, err := a.dispatcher(ctx, &core.Sending{Owner: s.Owner, PrintOnly: true})
	if err != nil {
		return errors.Join(mailErr, err)
	}
	defer done()
	rep, err := a.printLetters(ctx, d, []*campaign.Campaign{c}, false)
	if rep != nil && (len(rep.Batches) > 0 || len(rep.Skipped) > 0) {
		a.printTick(&dispatch.Report{}, false, rep)
	}
	if rep.Letters() > 0 {
		mailErr = fmt.Errorf("the letters are written, but no email can go: %w", mailErr)
	}
	return errors.Join(err, mailErr)
}

func anyLetterStep(c *campaign.Campaign) bool {
	for _, s := range c.Steps {
		if s.Channel == "letter" {
			return true
		}
	}
	return false
}
