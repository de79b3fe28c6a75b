package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"rapport/internal/contact"
	"rapport/internal/sheet"
)

func cmdImport() *command {
	var o sheet.ImportOptions
	var tags listFlag
	maps := mapFlag{}
	return &command{
		name:    "import",
		args:    "FILE [--sheet NAME] [--map 'Column=field']... [--tag T]... [--kind K] [--dry-run]",
		summary: "import contacts from an .xlsx or .csv spreadsheet",
		help: `Reads your spreadsheet, whatever its shape: headers are matched by meaning
("E-mail", "Email Address", "Given Name", "Practice", "Zip"...), every other
column becomes a custom field your templates can use. Each row that cannot be
taken is reported with its row number, its column and why; the others are
imported together. Importing a corrected file again updates fields and adds
tags, and never changes a contact's stage or history.

Fields for --map: email, first_name, last_name, name, title, organization,
kind, phone, street, street2, city, region, postal_code, country, tags, notes,
timezone, stage, fields.KEY (a custom field), or "-" to ignore a column.`,
		example: "rapport import contacts.xlsx --dry-run\n" +
			"rapport import referral-sources.csv --tag 2026 --kind physician\n" +
			"rapport import old-crm.xlsx --sheet Contacts --map 'Office Email=email' --map 'Doc=name'",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&o.Sheet, "sheet", "", "the sheet to read (default: the first with an email or name column)")
			fs.Var(maps, "map", "'Column=field': read a column as a field (repeatable)")
			fs.Var(&tags, "tag", "add this tag to every imported contact (repeatable)")
			fs.StringVar(&o.Kind, "kind", "", "the kind for rows that do not say (physician, pastor, ...)")
			fs.BoolVar(&o.DryRun, "dry-run", false, "report what would happen; change nothing")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the spreadsheet to import"); err != nil {
				return err
			}
			o.Map, o.Tags = maps, tags
			return runImport(ctx, a, args[0], o)
		},
	}
}

func runImport(ctx context.Context, a *app, path string, o sheet.ImportOptions) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if o.Kind != "" {
		kind, ok := contact.NormalizeKind(o.Kind, cfg.Contacts.Kinds)
		if !ok {
			return usagef("--kind: unknown kind %q (kinds: %s)", o.Kind, strings.Join(cfg.Contacts.Kinds, ", "))
		}
		o.Kind = kind
	}
	o.Kinds, o.Pipeline = cfg.Contacts.Kinds, cfg.Pipeline
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	bar := a.progress("importing")
	o.Progress = func(n int) { bar.Set(n) }
	rep, err := sheet.Import(ctx, st, path, o)
	bar.Finish()
	if err != nil {
		return invalid(err)
	}
	if a.json {
		return a.printJSON(rep)
	}
	printImport(a, rep)
	return nil
}

func printImport(a *app, rep *sheet.Report) {
	from := rep.File
	if rep.Sheet != "" {
		from += ", sheet " + rep.Sheet
	}
	if rep.Encoding != "" && rep.Encoding != "UTF-8" {
		from += " (read as " + rep.Encoding + ")"
	}
	verb := "imported"
	if rep.DryRun {
		verb = "would import (dry run: nothing was changed)"
	}
	a.say("%s: %s", verb, from)
	a.say("  %d rows read: %d new, %d updated, %d unchanged, %d skipped", rep.Read, rep.Created, rep.Updated, rep.Unchanged, rep.Skipped)
	if len(rep.Errors) > 0 {
		a.say("\nSkipped rows (fix them in the spreadsheet and import it again):")
		for _, e := range rep.Errors {
			a.say("  %s", describeRow(e))
		}
	}
	if len(rep.Warnings) > 0 {
		a.say("\nNotes:")
		for _, e := range rep.Warnings {
			a.say("  %s", describeRow(e))
		}
	}
}

func describeRow(e sheet.RowError) string {
	if e.Row == 0 {
		return e.Message
	}
	if e.Column == "" {
		return fmt.Sprintf("row %d: %s", e.Row, e.Message)
	}
	return fmt.Sprintf("row %d, column %q: %s", e.Row, e.Column, e.Message)
}

// progress is a bar on a terminal, and nothing otherwise.
func (a *app) progress(what string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(-1, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetVisibility(a.isTTY() && !a.quiet), progressbar.OptionClearOnFinish())
}
