package cli

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/letters"
	"rapport/internal/store"
)

// lettersFlags are the flags of `rapport letters`.
type lettersFlags struct {
	contactFilter
	contacts           listFlag
	step, template     string
	format             string
	plain              bool
	out                string
	envelopes, envSize string
	labels, labelSheet string
	skip               int
}

func (f *lettersFlags) setup(fs *flag.FlagSet) {
	f.contactFilter.setup(fs)
	fs.Var(&f.contacts, "contact", "only this contact: email or ID (repeatable)")
	fs.StringVar(&f.step, "step", "", "with --campaign: the campaign's letter step whose template to print")
	fs.StringVar(&f.template, "template", "", "the letter template: templates/letters/NAME.md")
	fs.StringVar(&f.format, "format", "", "letter | a4 | card (folded A2 note card, two to a Letter sheet) | card5x7 (default: [letters] format)")
	fs.BoolVar(&f.plain, "plain", false, "the same even hand on every letter (no variation)")
	fs.StringVar(&f.out, "out", "", "the PDF of letters to write (required)")
	fs.StringVar(&f.envelopes, "envelopes", "", "also write a PDF of matching envelopes")
	fs.StringVar(&f.envSize, "envelope-size", "", "10 | a2 | dl | c6 (default: [letters] envelope_size)")
	fs.StringVar(&f.labels, "labels", "", "also write a PDF of address label sheets")
	fs.StringVar(&f.labelSheet, "label-sheet", "", "5160 | l7160 (default: [letters] label_sheet)")
	fs.IntVar(&f.skip, "skip", 0, "labels already used on the first sheet: start after them")
}

func cmdLetters() *command {
	var f lettersFlags
	return &command{
		name:    "letters",
		args:    "--out FILE.pdf (--template NAME | --campaign C) [--tag T] [--kind K] [--stage S] [--contact EMAIL] [--format F] [--envelopes FILE.pdf] [--labels FILE.pdf]",
		summary: "print letters or note cards in a handwriting-style font, with envelopes or labels",
		help: `Writes one PDF of personal letters or note cards for the contacts you choose,
in a handwriting-style font, ready to print at home, sign and post. The letter
is a template in templates/letters/ (--template), or the letter step of a
campaign (--campaign, and --step if it has several).

Choose who with --tag, --kind, --stage, --contact or --campaign (its audience).
Contacts without a complete postal address, who opted out, whose letter would
miss a field, or whose name no font can write are listed and left out; the
rest are printed. Nothing is recorded as sent: this command only prints.

--envelopes and --labels write matching envelopes (one a page, for your
printer's manual feed) or address label sheets, in the same order as the
letters. --skip N starts the labels after N used ones on a partly used sheet.`,
		example: "rapport letters --template thinking-of-you --kind pastor --format card --out cards.pdf --envelopes envelopes.pdf\n" +
			"rapport letters --campaign intro-physicians --out letters.pdf --labels labels.pdf --skip 4",
		setup: f.setup,
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runLetters(ctx, a, &f)
		},
	}
}

// letterJob is what one run prints: the files, the sizes, the template.
type letterJob struct {
	format     letters.Format
	envSize    letters.EnvelopeSize
	labelSheet letters.LabelSheet
	template   string
	campaign   string
}

func runLetters(ctx context.Context, a *app, f *lettersFlags) error {
	if f.out == "" {
		return usagef("--out FILE.pdf is required: where to write the letters")
	}
	if f.template == "" && f.campaign == "" {
		return usagef("which letter? give --template NAME (a file in templates/letters/) or --campaign NAME")
	}
	if len(f.contacts) == 0 && len(f.tags) == 0 && len(f.kinds) == 0 && len(f.stages) == 0 && f.campaign == "" {
		return usagef("choose who: --tag, --kind, --stage, --contact or --campaign")
	}
	if f.skip < 0 {
		return usagef("--skip %d: the number of labels already used, 0 or more", f.skip)
	}
	if f.step != "" && f.campaign == "" {
		return usagef("--step goes with --campaign")
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	job, err := f.job(cfg.Letters.Format, cfg.Letters.EnvelopeSize, cfg.Letters.LabelSheet)
	if err != nil {
		return err
	}
	if f.campaign != "" && f.template == "" {
		if job.template, err = a.letterStep(f.campaign, f.step); err != nil {
			return err
		}
	}
	if err := checkOutputs(f.out, f.envelopes, f.labels); err != nil {
		return err
	}
	list, err := f.selection(ctx, a)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return invalidf("no contact matches the selection: nothing to print")
	}
	run, err := a.newPrintRun(job, f)
	if err != nil {
		return err
	}
	res, err := run.print(list, a)
	if err != nil {
		return err
	}
	if len(res.Printed) == 0 {
		if err := a.reportLetters(res, job, f); err != nil {
			return err
		}
		return invalidf("nothing was printed: none of the %s could have a letter", plural(len(list), "contact"))
	}
	if err := run.write(); err != nil {
		return err
	}
	return a.reportLetters(res, job, f)
}

// job reads the format and sizes from the flags, else from [letters].
func (f *lettersFlags) job(format, envSize, labelSheet string) (letterJob, error) {
	var j letterJob
	var err error
	j.template, j.campaign = f.template, f.campaign
	if f.format != "" {
		format = f.format
	}
	if j.format, err = letters.ParseFormat(format); err != nil {
		return j, usagef("--format: %v", err)
	}
	envSize = f.choose(f.envSize, string(letters.DefaultEnvelope(j.format)), envSize)
	if j.envSize, err = letters.ParseEnvelopeSize(envSize); err != nil {
		return j, usagef("--envelope-size: %v", err)
	}
	labelSheet = f.choose(f.labelSheet, string(letters.DefaultLabelSheet(j.format)), labelSheet)
	if j.labelSheet, err = letters.ParseLabelSheet(labelSheet); err != nil {
		return j, usagef("--label-sheet: %v", err)
	}
	if per := j.labelSheet.PerSheet(); f.skip >= per {
		return j, usagef("--skip %d: a %s sheet has %d labels", f.skip, j.labelSheet, per)
	}
	return j, nil
}

// choose is a size given by its flag, else the one that goes with the
// --format given, else [letters]'s (which goes with [letters] format).
func (f *lettersFlags) choose(flag, forFormat, configured string) string {
	switch {
	case flag != "":
		return flag
	case f.format != "":
		return forFormat
	}
	return configured
}

// checkOutputs refuses two outputs to the same file and a folder that
// does not exist, before anything is printed.
func checkOutputs(paths ...string) error {
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			return err
		}
		if seen[abs] {
			return usagef("%s is given twice: letters, envelopes and labels each need their own file", p)
		}
		seen[abs] = true
		if fi, err := os.Stat(filepath.Dir(abs)); err != nil || !fi.IsDir() {
			return usagef("%s: the folder %s does not exist", p, filepath.Dir(abs))
		}
	}
	return nil
}

// letterStep finds the template of a campaign's letter step.
func (a *app) letterStep(name, stepID string) (string, error) {
	c, err := a.campaign(name)
	if err != nil {
		return "", err
	}
	var steps []*campaign.Step
	for _, s := range c.Steps {
		if s.Channel == "letter" && (stepID == "" || s.ID == stepID) {
			steps = append(steps, s)
		}
	}
	switch {
	case len(steps) == 0 && stepID != "":
		return "", usagef("campaign %s has no letter step %q", name, stepID)
	case len(steps) == 0:
		return "", usagef("campaign %s has no letter step: give --template NAME to print a letter to its audience", name)
	case len(steps) > 1:
		ids := make([]string, len(steps))
		for i, s := range steps {
			ids[i] = s.ID
		}
		return "", usagef("campaign %s has several letter steps (%s): pick one with --step", name, strings.Join(ids, ", "))
	}
	return steps[0].Template, nil
}

// selection is the contacts the flags choose, in the store's order.
func (f *lettersFlags) selection(ctx context.Context, a *app) ([]*contact.Contact, error) {
	if len(f.contacts) == 0 {
		return f.contactFilter.contacts(ctx, a)
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, ref := range f.contacts {
		c, err := st.FindContact(ctx, ref)
		if errors.Is(err, store.ErrNotFound) {
			return nil, invalidf("--contact %s: no such contact (see `rapport contacts list`)", ref)
		}
		if err != nil {
			return nil, usagef("--contact: %v", err)
		}
		ids = append(ids, c.ID)
	}
	filter, err := f.contactFilter.filter(a)
	if err != nil {
		return nil, err
	}
	if f.campaign != "" {
		members, err := a.campaignMembers(ctx, f.campaign)
		if err != nil {
			return nil, err
		}
		ids = intersect(ids, members)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	filter.IDs = ids
	return st.Contacts(ctx, filter)
}

func intersect(a, b []int64) []int64 {
	in := map[int64]bool{}
	for _, id := range b {
		in[id] = true
	}
	var out []int64
	for _, id := range a {
		if in[id] {
			out = append(out, id)
		}
	}
	return out
}
