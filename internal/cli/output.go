package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
)

// printJSON writes v as indented JSON on stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table prints rows under a header, aligned.
func (a *app) table(header []string, rows [][]string) {
	tw := tabwriter.NewWriter(a.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// when formats a time for a table or a status line in the user's zone;
// with --json it is RFC 3339, for machines.
func (a *app) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if a.json {
		return t.Format(time.RFC3339)
	}
	return t.In(a.loc()).Format("2006-01-02 15:04")
}

// day formats a time for a sentence: "today at 14:05", "Wed Dec 3
// 09:00", with the year when it is not this one's.
func (a *app) day(t time.Time) string {
	loc := a.loc()
	t, now := t.In(loc), a.env.Now().In(loc)
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return "today at " + t.Format("15:04")
	case t.Year() == now.Year():
		return t.Format("Mon Jan 2 15:04")
	}
	return t.Format("Mon Jan 2, 2006 15:04")
}

// loc is the user's zone ([sending] timezone), or the machine's.
func (a *app) loc() *time.Location {
	if a.cfg != nil && a.cfg.Location != nil {
		return a.cfg.Location
	}
	return time.Local
}

// plural writes "1 contact", "3 contacts".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func itoa[T ~int | ~int64 | ~uint32](n T) string { return fmt.Sprint(n) }
