package cli

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"rapport/internal/config"
	"rapport/internal/sheet"
)

func cmdImport() *command {
	var o sheet.ImportOptions
	var tags listFlag
	mapping := mapFlag{}
	return &command{
		name:    "import",
		args:    "FILE [--sheet NAME] [--map 'Column=field']... [--tag T]... [--kind K] [--overwrite] [--dry-run]",
		summary: "import contacts from an .xlsx or .csv spreadsheet, or a .vcf contacts export",
		help: `Reads your spreadsheet, whatever its shape: headers are matched by meaning
("E-mail", "Email Address", "Given Name", "Practice", "Zip"...), every other
column becomes a custom field your templates can use. Each row that cannot be
taken is reported with its row number, its column and why; the others are
imported together.

Importing a file again updates what changed in it and adds tags; it never
changes a contact's stage or history, and never loses what you typed: an empty
cell clears nothing, and a contact that came from another file (or that you
added by hand) only has its empty fields filled. --overwrite lets this file's
values replace theirs. Try --dry-run first: it lists every field that would
change, as "field: old → new".

A contacts export from Outlook, Apple Contacts or Google Contacts (a .vcf
file, vCard 2.1, 3.0 or 4.0) is read card by card, under the same rules: the
preferred email is the key and the others are kept in other_emails; the name,
a title such as Dr. or Pastor, organization, job title, phones, postal
address, notes and categories (as tags, and as the kind when one names it)
are taken; photos are skipped. Problems are reported by the card's position
in the file and its name.

Fields for --map (spreadsheets only): email, first_name, last_name, name, title, organization,
kind, phone, street, street2, city, region, postal_code, country, tags, notes,
timezone, stage, fields.KEY (a custom field), or "-" to ignore a column.`,
		example: "rapport import contacts.xlsx --dry-run\n" +
			"rapport import referral-sources.csv --tag 2026 --kind physician\n" +
			"rapport import clinics.csv --overwrite --dry-run\n" +
			"rapport import contacts.vcf --kind therapist --dry-run\n" +
			"rapport import old-crm.xlsx --sheet Contacts --map 'Office Email=email' --map 'Doc=name'",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&o.Sheet, "sheet", "", "the sheet to read (default: the first with an email or name column)")
			fs.Var(mapping, "map", "'Column=field': read a column as a field (repeatable)")
			fs.Var(&tags, "tag", "add this tag to every imported contact (repeatable)")
			fs.StringVar(&o.Kind, "kind", "", "the kind for rows that do not say (physician, pastor, ...)")
			fs.BoolVar(&o.Overwrite, "overwrite", false, "let this file replace values of contacts that came from another file or were typed in")
			fs.BoolVar(&o.DryRun, "dry-run", false, "report what would happen, field by field; change nothing")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the spreadsheet or .vcf file to import"); err != nil {
				return err
			}
			o.Map, o.Tags = mapping, tags
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
		kind, ok := cfg.Kinds().Match(o.Kind)
		if !ok {
			return usagef("--kind: unknown kind %q (kinds: %s)", o.Kind, strings.Join(cfg.Contacts.Kinds, ", "))
		}
		o.Kind = kind
	}
	o.Kinds, o.KindAliases, o.Pipeline = cfg.Contacts.Kinds, cfg.Contacts.KindAliases, cfg.Pipeline
	o = asSource(cfg, path, o)
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
	printImport(a, rep, cfg.Contacts.Kinds)
	return nil
}

// sourceOptions are the options a [[sources]] spreadsheet is imported with,
// by the daemon and by a manual import of the same file.
func sourceOptions(cfg *config.Config, src config.Source) sheet.ImportOptions {
	o := sheet.ImportOptions{Options: sheet.Options{Sheet: src.Sheet, Map: src.Map, Tags: src.Tags,
		Kinds: cfg.Contacts.Kinds, KindAliases: cfg.Contacts.KindAliases, Pipeline: cfg.Pipeline}}
	if src.Kind != "" {
		o.Kind, _ = cfg.Kinds().Match(src.Kind)
	}
	o.Source, o.FlagMissing = cfg.Resolve(src.Path), true
	return o
}

// asSource treats a manual import of a [[sources]] spreadsheet as the
// daemon would: with the source's sheet, columns, tags and kind where the
// command line does not say otherwise, and flagging the contacts whose rows
// are gone. Read as another sheet than the source's, it flags no one.
func asSource(cfg *config.Config, path string, o sheet.ImportOptions) sheet.ImportOptions {
	for _, src := range cfg.Sources {
		if !samePath(cfg.Resolve(src.Path), path) {
			continue
		}
		so := sourceOptions(cfg, src)
		if o.Sheet == "" {
			o.Sheet = so.Sheet
		}
		if len(so.Map) > 0 {
			m := maps.Clone(so.Map)
			maps.Copy(m, o.Map)
			o.Map = m
		}
		if len(o.Tags) == 0 {
			o.Tags = so.Tags
		}
		if o.Kind == "" {
			o.Kind = so.Kind
		}
		o.Source = so.Source
		o.FlagMissing = strings.EqualFold(strings.TrimSpace(o.Sheet), strings.TrimSpace(so.Sheet))
		return o
	}
	return o
}

// samePath reports whether two paths name the same file, through links.
func samePath(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, _ := filepath.Abs(a)
	absB, _ := filepath.Abs(b)
	return absA == absB
}

// describeRow says where a skipped row or a note is: "row 7, column
// "Email"", or for a vCard file "card 3 (Priya Nair), EMAIL", since a
// card's position alone does not tell which one it is.
func describeRow(e sheet.RowError, unit string) string {
	if e.Row == 0 {
		return e.Message
	}
	where := fmt.Sprintf("%s %d", unit, e.Row)
	if e.Contact != "" {
		where += " (" + e.Contact + ")"
	}
	switch {
	case e.Column == "":
	case unit == "card":
		where += ", " + e.Column
	default:
		where += fmt.Sprintf(", column %q", e.Column)
	}
	return where + ": " + e.Message
}

// progress is a bar on a terminal, and nothing otherwise.
func (a *app) progress(what string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(-1, progressbar.OptionSetWriter(a.stderr), progressbar.OptionSetDescription(what),
		progressbar.OptionShowCount(), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetVisibility(a.isTTY() && !a.quiet), progressbar.OptionClearOnFinish())
}
