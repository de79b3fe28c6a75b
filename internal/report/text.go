package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteText writes the report for a terminal: a heading, then each section
// as an aligned table, times and days in the user's zone.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	fmt.Fprintf(ew, "Report %s (made %s)\n", r.periodText(), r.GeneratedAt.In(r.loc).Format("2006-01-02 15:04"))
	for _, s := range r.Sections() {
		fmt.Fprintf(ew, "\n%s\n", s.Title)
		if s.Note != "" {
			fmt.Fprintf(ew, "  (%s)\n", s.Note)
		}
		if len(s.Rows) == 0 {
			fmt.Fprintf(ew, "  %s\n", s.Empty)
			continue
		}
		tw := tabwriter.NewWriter(ew, 2, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "  %s\n", strings.Join(s.Header, "\t"))
		for _, row := range s.Rows {
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = cellText(v, r.loc)
			}
			fmt.Fprintf(tw, "  %s\n", strings.Join(cells, "\t"))
		}
		tw.Flush()
	}
	return ew.err
}

// periodText says which period the report covers, in the user's days.
func (r *Report) periodText() string {
	day := func(t *time.Time) string { return t.In(r.loc).Format("2006-01-02") }
	switch {
	case r.Since != nil && r.Until != nil:
		return "from " + day(r.Since) + " to " + day(ptr(r.Until.Add(-1)))
	case r.Since != nil:
		return "since " + day(r.Since)
	case r.Until != nil:
		return "until " + day(ptr(r.Until.Add(-1)))
	}
	return "for all time"
}

// errWriter keeps the first write error, so the writing code stays plain.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	_, e.err = e.w.Write(p)
	return len(p), nil
}

func ptr(t time.Time) *time.Time { return &t }
