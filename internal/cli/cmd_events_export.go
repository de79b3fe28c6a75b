package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
	"rapport/internal/dispatch"
	"rapport/internal/sheet"
)

func cmdEventsExport() *command {
	return &command{
		name:    "events export",
		args:    "NAME FILE.xlsx",
		summary: "a sign-in sheet for the door: everyone coming, with a column to sign",
		help: `Writes a spreadsheet to print for the event: its title, date and place on top,
then everyone who accepted (and, after them, those who said maybe) with name,
organization, kind, email and phone, and an empty column to sign; a few empty
rows at the end take the guests who come without answering.`,
		example: "rapport events export meet-and-greet sign-in.xlsx",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 2, 2, "the event and the file to write (.xlsx)"); err != nil {
				return err
			}
			if !strings.EqualFold(filepath.Ext(args[1]), ".xlsx") {
				return usagef("%s: the sign-in sheet is a spreadsheet: give a file name ending in .xlsx", args[1])
			}
			return runEventsExport(ctx, a, args[0], args[1])
		},
	}
}

// walkIns is how many empty rows the sheet ends with.
const walkIns = 5

var signInHeader = []string{"Name", "Organization", "Kind", "Email", "Phone", "Signature"}

func runEventsExport(ctx context.Context, a *app, name, path string) error {
	rep, err := a.eventReport(ctx, name)
	if err != nil {
		return err
	}
	var rows [][]string
	for _, want := range []contact.Answer{contact.Accepted, contact.Tentative} {
		for _, g := range rep.Guests {
			if g.Answer() == want {
				c := g.Contact
				rows = append(rows, []string{c.Label(), c.Organization, c.Kind, c.Email, c.Phone, ""})
			}
		}
	}
	if err := writeSignIn(path, signInTitle(rep), rows); err != nil {
		return fmt.Errorf("sign-in sheet %s: %w", filepath.Base(path), err)
	}
	if a.json {
		return a.printJSON(map[string]any{"file": path, "event": name, "guests": len(rows)})
	}
	a.say("wrote the sign-in sheet for %s to %s: %s, and %d empty rows for walk-ins", rep.Step.Event.Title, path,
		plural(len(rows), "guest"), walkIns)
	return nil
}

func signInTitle(rep *dispatch.EventReport) string {
	e := rep.Step.Event
	return fmt.Sprintf("%s · %s · %s", e.Title, dispatch.When(e.Start, e.End), e.Where())
}

// writeSignIn writes the sheet through a temporary file renamed over
// path, so a failure never leaves half a file. Every value is written as
// text, neutralized against formulas.
func writeSignIn(path, title string, rows [][]string) (err error) {
	f := excelize.NewFile()
	defer f.Close()
	const tab = "Sign-in"
	if err := f.SetSheetName("Sheet1", tab); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	grid, err := f.NewStyle(&excelize.Style{Border: []excelize.Border{{Type: "bottom", Color: "999999", Style: 1}}})
	if err != nil {
		return err
	}
	set := func(col, row int, v string) error {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		return f.SetCellStr(tab, cell, sheet.Neutralize(v))
	}
	if err := set(1, 1, title); err != nil {
		return err
	}
	for i, h := range signInHeader {
		if err := set(i+1, 3, h); err != nil {
			return err
		}
	}
	for r, row := range append(rows, make([][]string, walkIns)...) {
		for c := range signInHeader {
			v := ""
			if c < len(row) {
				v = row[c]
			}
			if err := set(c+1, r+4, v); err != nil {
				return err
			}
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(signInHeader), len(rows)+walkIns+3)
	for _, s := range []struct {
		from, to string
		style    int
	}{{"A1", "A1", bold}, {"A3", "F3", bold}, {"A4", last, grid}} {
		if err := f.SetCellStyle(tab, s.from, s.to, s.style); err != nil {
			return err
		}
	}
	for col, w := range map[string]float64{"A": 28, "B": 30, "C": 16, "D": 32, "E": 18, "F": 34} {
		if err := f.SetColWidth(tab, col, col, w); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(tab, 3, 20); err != nil {
		return err
	}
	return sheet.WriteAtomic(path, 0o600, func(w io.Writer) error { return f.Write(w) })
}
