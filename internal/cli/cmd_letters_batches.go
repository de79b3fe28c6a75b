package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rapport/internal/schedule"
	"rapport/internal/store"
)

func cmdLettersBatches() *command {
	return &command{
		name:    "letters batches",
		summary: "print batches written by campaigns' letter steps, and whether each was mailed",
		help: `When a campaign has a letter step, rapport writes the letters that fall due
into a print batch: one PDF of letters or cards, with labels or envelopes to
match ([letters] with), in [paths] letters. Print them, sign them and post
them, then mark the batch mailed: the campaign's next step counts its delay
from that day, and waits until you do.`,
		example: "rapport letters batches\nrapport letters batches --json",
		run:     runLettersBatches,
	}
}

// batchJSON is one print batch in `letters batches --json`.
type batchJSON struct {
	ID        int64    `json:"id"`
	Campaign  string   `json:"campaign"`
	Step      string   `json:"step"`
	CreatedAt string   `json:"created_at"`
	Files     []string `json:"files"`
	Count     int      `json:"count"`
	MailedAt  string   `json:"mailed_at,omitempty"`
	// State is written (waiting to be printed and mailed), mailed, or
	// interrupted (rapport stopped while writing it; the next run settles
	// it) or writing (being written right now).
	State string `json:"state"`
}

func (a *app) batchJSON(b *store.LetterBatch, live string) batchJSON {
	j := batchJSON{ID: b.ID, Campaign: b.Campaign, Step: b.Step, CreatedAt: b.CreatedAt.UTC().Format(time.RFC3339),
		Files: b.Files, Count: b.Count, State: "written"}
	if j.Files == nil {
		j.Files = []string{}
	}
	switch {
	case !b.MailedAt.IsZero():
		j.State, j.MailedAt = "mailed", b.MailedAt.UTC().Format(time.RFC3339)
	case !b.Written() && live != "" && b.Owner == live:
		j.State = "writing"
	case !b.Written():
		j.State = "interrupted"
	}
	return j
}

func runLettersBatches(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 0, 0, ""); err != nil {
		return err
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	list, err := st.LetterBatches(ctx)
	if err != nil {
		return err
	}
	out := []batchJSON{}
	live := a.core().LiveOwner()
	for _, b := range list {
		out = append(out, a.batchJSON(b, live))
	}
	if a.json {
		return a.printJSON(out)
	}
	if len(out) == 0 {
		a.say("No print batch yet: a campaign with a letter step writes one when its letters fall due (`rapport send NAME` or the daemon).")
		return nil
	}
	var rows [][]string
	waiting := 0
	for i, j := range out {
		b := list[i]
		mailed := a.date(b.MailedAt)
		switch j.State {
		case "written":
			mailed = "not yet"
			waiting++
		case "writing":
			mailed = "being written right now"
		case "interrupted":
			mailed = "interrupted: the next `rapport send` or the daemon finishes it"
		}
		var names []string
		for _, f := range b.Files {
			names = append(names, filepath.Base(f))
		}
		rows = append(rows, []string{itoa(b.ID), b.Campaign + "/" + b.Step, a.when(b.CreatedAt), itoa(b.Count), mailed, strings.Join(names, ", ")})
	}
	a.table([]string{"BATCH", "CAMPAIGN/STEP", "WRITTEN", "LETTERS", "MAILED", "FILES"}, rows)
	a.say("\nThe files are in %s.", a.cfg.Resolve(a.cfg.Paths.Letters))
	if waiting > 0 {
		a.say("Print, sign and post the batches not mailed yet, then `rapport letters mailed N` for each: the campaign's next step counts from that day.")
	}
	return nil
}

// date writes a day for people: "Tue Nov 24, 2026".
func (a *app) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(a.cfg.Location).Format("Mon Jan 2, 2006")
}

func cmdLettersMailed() *command {
	var date string
	return &command{
		name:    "letters mailed",
		args:    "BATCH [--date YYYY-MM-DD]",
		summary: "mark a print batch as posted: the campaign's next step counts its delay from that day",
		help: `Tells rapport you posted the letters of a print batch (see letters batches),
today or on --date. The campaign's next step (an email ten days later, say)
waits until a batch is marked, and counts its delay from the day it was
mailed. Marking it again with another date corrects the date.`,
		example: "rapport letters mailed 3\nrapport letters mailed 3 --date 2026-11-24",
		setup:   func(fs *flag.FlagSet) { fs.StringVar(&date, "date", "", "the day you posted them (default: today)") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the batch number (see `rapport letters batches`)"); err != nil {
				return err
			}
			id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
			if err != nil || id <= 0 {
				return usagef("%q is not a batch number (see `rapport letters batches`)", args[0])
			}
			return runLettersMailed(ctx, a, id, date)
		},
	}
}

func runLettersMailed(ctx context.Context, a *app, id int64, date string) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	if _, err := a.store(ctx); err != nil {
		return err
	}
	var day time.Time
	if date != "" {
		if day, err = time.ParseInLocation("2006-01-02", date, cfg.Location); err != nil {
			return usagef("--date %q is not a day like 2026-11-24", date)
		}
	}
	b, at, err := a.core().MarkMailed(ctx, id, day)
	var ue *usageError
	if errors.As(err, &ue) {
		return usagef("--date %s", ue.Msg)
	}
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(a.batchJSON(b, ""))
	}
	a.say("Print batch %d (%s of %s/%s) is marked mailed on %s.", b.ID, plural(b.Count, "letter"), b.Campaign, b.Step, a.date(at))
	if next := a.nextAfterLetter(b, at); next != "" {
		a.say("%s", next)
	}
	return nil
}

// nextAfterLetter says when the campaign's step after the batch's letter
// falls due, when there is one.
func (a *app) nextAfterLetter(b *store.LetterBatch, at time.Time) string {
	c, err := a.campaign(b.Campaign)
	if err != nil {
		return ""
	}
	i := c.Index(b.Step)
	if i < 0 || i+1 >= len(c.Steps) {
		return "It was the campaign's last step."
	}
	next := c.Steps[i+1]
	if next.After.IsZero() {
		return fmt.Sprintf("The next step, %s, can go now to those who have not answered.", next.ID)
	}
	hol, _ := schedule.ParseHolidays(a.cfg.Sending.Holidays)
	when := next.After.After(at.In(c.Location), hol)
	return fmt.Sprintf("The next step, %s, goes %s after it, from %s, to those who have not answered by then.",
		next.ID, next.After, when.In(c.Location).Format("Mon Jan 2"))
}
