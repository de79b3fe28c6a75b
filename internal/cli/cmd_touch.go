package cli

import (
	"context"
	"flag"
	"rapport/internal/report"
	"rapport/internal/store"
)

func cmdTouch() *command {
	var all bool
	return &command{
		name:    "touch",
		args:    "[--all]",
		summary: "who is due for a keep-in-touch note or visit, longest out of touch first",
		help: `Lists the contacts you keep in touch with ([keep_in_touch] in rapport.toml:
by default those in meeting or partner) whose last note, reply, logged visit
or referral is older than their interval, the longest out of touch first.
Record a visit with ` + "`rapport contacts log EMAIL \"dropped off cookies\"`" + `; a
campaign with due_for_touch = true in its [audience] writes only to them.`,
		example: "rapport touch\nrapport touch --all --json",
		setup: func(fs *flag.FlagSet) {
			fs.BoolVar(&all, "all", false, "also list those not due yet, with when they will be")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runTouch(ctx, a, all)
		},
	}
}

func runTouch(ctx context.Context, a *app, all bool) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	rules := &a.cfg.KeepInTouch.Rules
	if rules.Empty() {
		a.note("Nobody is kept in touch with yet: add a [keep_in_touch] section to %s (see config.example.toml).", a.cfg.Path)
	}
	items, err := st.Touches(ctx, rules, a.env.Now())
	if err != nil {
		return err
	}
	shown := items[:0:0]
	for _, it := range items {
		if it.Due || all {
			shown = append(shown, it)
		}
	}
	if a.json {
		return a.printJSON(report.TouchList(shown))
	}
	printTouches(a, shown, len(items))
	return nil
}

func printTouches(a *app, items []store.TouchItem, kept int) {
	due := 0
	rows := make([][]string, 0, len(items))
	for _, it := range items {
		last, when := "none on record", "now"
		if !it.Last.IsZero() {
			last = a.when(it.Last)[:10] + "  " + it.LastWhat
			when = a.when(it.DueAt)[:10]
		}
		if it.Due {
			due++
		} else {
			when = "from " + when
		}
		rows = append(rows, []string{it.Contact.Label(), it.Contact.Organization, it.Contact.Kind,
			"every " + it.Interval.String(), when, last})
	}
	if len(rows) > 0 && !a.quiet {
		a.table([]string{"NAME", "ORGANIZATION", "KIND", "KEEP IN TOUCH", "DUE", "LAST INTERACTION"}, rows)
		a.say("")
	}
	switch {
	case due == 0:
		a.say("Nobody is due for a touch (%s kept in touch with).", plural(kept, "contact"))
	default:
		a.say("%s due for a touch. After a visit or a call: `rapport contacts log EMAIL \"dropped off cookies\"`.",
			plural(due, "contact"))
	}
}
