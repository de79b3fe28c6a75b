package cli

import (
	"context"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"rapport/internal/sheet"
)

func cmdContactsExport() *command {
	var f contactFilter
	return &command{
		name:    "contacts export",
		args:    "FILE.xlsx|FILE.csv [--stage S] [--tag T] [--kind K]",
		summary: "write contacts to a spreadsheet, with stage, last sent, last reply and referrals",
		help: `Writes every contact (or those the filters select) with their fields, custom
fields, stage, when the last note went out, when they last answered, and how
many referrals they sent, and the events they were invited to with their
answers. Cells that a spreadsheet would run as a formula are
written as text. The file is written whole or not at all.`,
		example: "rapport contacts export contacts.xlsx\nrapport contacts export replied.csv --stage replied",
		setup:   f.setup,
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the file to write (.xlsx or .csv)"); err != nil {
				return err
			}
			ext := strings.ToLower(filepath.Ext(args[0]))
			if ext != ".xlsx" && ext != ".csv" {
				return usagef("%s: the file must end in .xlsx or .csv", args[0])
			}
			return runExport(ctx, a, args[0], &f)
		},
	}
}

func runExport(ctx context.Context, a *app, path string, f *contactFilter) error {
	list, err := f.contacts(ctx, a)
	if err != nil {
		return err
	}
	act, err := a.st.Activities(ctx)
	if err != nil {
		return err
	}
	events, err := a.eventsField(ctx)
	if err != nil {
		return err
	}
	keys := map[string]bool{}
	rows := make([]sheet.ExportRow, 0, len(list))
	for _, c := range list {
		if ev := events[c.ID]; ev != "" {
			// The invitations and answers go in an "events" column.
			c.Fields = maps.Clone(c.Fields)
			if c.Fields == nil {
				c.Fields = map[string]string{}
			}
			c.Fields["events"] = ev
		}
		ac := act[c.ID]
		rows = append(rows, sheet.ExportRow{Contact: *c, LastSent: inZone(ac.LastSent, a.loc()), LastReply: inZone(ac.LastReply, a.loc()), Referrals: ac.Referrals})
		for k := range c.Fields {
			keys[k] = true
		}
	}
	if err := sheet.Export(path, rows, slices.Sorted(maps.Keys(keys))); err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string]any{"file": path, "contacts": len(rows)})
	}
	a.say("wrote %s to %s", plural(len(rows), "contact"), path)
	return nil
}

// inZone is t in the user's zone, for a spreadsheet cell that shows it as
// written; a zero time stays zero.
func inZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}
