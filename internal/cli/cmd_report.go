package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"rapport/internal/report"
	"rapport/internal/sheet"
	"rapport/internal/store"
)

func cmdReport() *command {
	var since, until, xlsx string
	return &command{
		name:    "report",
		args:    "[--since D] [--until D] [--xlsx FILE]",
		summary: "what your outreach brought: pipeline, campaigns, referrals, who is due for a touch",
		help: `Shows where your contacts stand; for each campaign and step how many notes
went out in the period and how many were answered, bounced, answered by an
out-of-office or opted out, with the reply rate and the median time to a
reply; the referrals you recorded by source, kind, campaign and month; which
campaigns won new referral sources, and how long from the first note to the
first referral; and who is due for a keep-in-touch note or visit.

--since takes a day (2026-01-01), this-month, this-quarter, this-year or a
length of time ("90 days"); --until a day, included. --xlsx writes the same
tables to a spreadsheet, one sheet each.`,
		example: "rapport report --since this-quarter\nrapport report --since 2026-01-01 --until 2026-06-30 --xlsx first-half.xlsx\nrapport report --json",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&since, "since", "", "the period's first day (default: all time)")
			fs.StringVar(&until, "until", "", "the period's last day, included (default: today)")
			fs.StringVar(&xlsx, "xlsx", "", "also write the report to this .xlsx file")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			if xlsx != "" && !strings.EqualFold(filepath.Ext(xlsx), ".xlsx") {
				return usagef("--xlsx %s: the file name must end in .xlsx", xlsx)
			}
			return runReport(ctx, a, since, until, xlsx)
		},
	}
}

func runReport(ctx context.Context, a *app, since, until, xlsx string) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	o := report.Options{Now: a.env.Now(), Location: a.loc(), Pipeline: a.cfg.Pipeline, Kinds: a.cfg.Contacts.Kinds}
	if o.Since, o.Until, err = a.period(since, until); err != nil {
		return err
	}
	list, _ := a.loadCampaigns() // a campaign file with problems is still reported from its journal
	for _, c := range list {
		cs := report.CampaignSteps{Name: c.Name}
		for _, s := range c.Steps {
			cs.Steps = append(cs.Steps, s.ID)
		}
		o.Campaigns = append(o.Campaigns, cs)
	}
	data, err := st.ReportData(ctx, store.ReportQuery{Since: o.Since, Rules: &a.cfg.KeepInTouch.Rules, Now: o.Now})
	if err != nil {
		return err
	}
	r := report.Build(data, o)
	if xlsx != "" {
		if err := writeWorkbook(r, xlsx); err != nil {
			return err
		}
	}
	switch {
	case a.json:
		return a.printJSON(r)
	case xlsx != "":
		a.say("wrote the report to %s (%d sheets)", xlsx, len(r.Sections()))
		return nil
	case a.quiet:
		return nil
	}
	return r.WriteText(a.stdout)
}

// writeWorkbook writes the .xlsx whole or not at all.
func writeWorkbook(r *report.Report, path string) error {
	wb, err := r.Workbook()
	if err != nil {
		return err
	}
	if err := sheet.WriteAtomic(path, 0o644, func(w io.Writer) error { _, err := wb.WriteTo(w); return err }); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
