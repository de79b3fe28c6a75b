package cli

import (
	"strings"

	"rapport/internal/letters"
)

// reportLetters says what was written, who used a fallback font, who was
// left out and why, and how to print.
func (a *app) reportLetters(res *lettersResult, job letterJob, f *lettersFlags) error {
	if a.json {
		if res.Printed == nil {
			res.Printed = []printedJSON{}
		}
		if res.Skipped == nil {
			res.Skipped = []skippedJSON{}
		}
		return a.printJSON(res)
	}
	what := "letter"
	if job.format == letters.FormatCard || job.format == letters.FormatCard5x7 {
		what = "note card"
	}
	if n := len(res.Printed); n > 0 {
		a.say("Wrote %s: %s %s.", res.Letters.File, plural(n, what), sheetsOf(job.format, res.Letters.Sheets))
		if e := res.Envelopes; e != nil {
			a.say("Wrote %s: %s, one a page.", e.File, plural(e.Count, envelopeName(job.envSize)+" envelope"))
		}
		if l := res.Labels; l != nil {
			skipped := ""
			if f.skip > 0 {
				skipped = ", starting after the " + plural(f.skip, "used label")
			}
			a.say("Wrote %s: %s on %s of %s%s.", l.File, plural(l.Count, "label"), plural(l.Sheets, "sheet"), labelName(job.labelSheet), skipped)
		}
	}
	var fb []string
	for _, p := range res.Printed {
		if len(p.Fallback) > 0 {
			fb = append(fb, "  "+p.Name+": "+strings.Join(p.Fallback, ", "))
		}
	}
	if len(fb) > 0 {
		a.say("\nWritten partly in a second font, for letters the handwriting font does not have:\n%s", strings.Join(fb, "\n"))
	}
	if len(res.Skipped) > 0 {
		a.say("\nNot printed (%d):", len(res.Skipped))
		for _, s := range res.Skipped {
			a.say("  %s: %s", s.Name, s.Reason)
		}
	}
	if len(res.Printed) > 0 {
		a.say("\n%s", printAdvice(job, res.Envelopes != nil))
	}
	return nil
}

func sheetsOf(f letters.Format, sheets int) string {
	switch f {
	case letters.FormatCard:
		return "on " + plural(sheets, "sheet") + " of US Letter, two cards a sheet: cut at the marks, fold each across the middle"
	case letters.FormatCard5x7:
		return "(5 x 7 in), one a page"
	case letters.FormatA4:
		return "on " + plural(sheets, "A4 page")
	}
	return "on " + plural(sheets, "page")
}

func envelopeName(s letters.EnvelopeSize) string {
	switch s {
	case letters.Envelope10:
		return "#10"
	case letters.EnvelopeA2:
		return "A2"
	}
	return strings.ToUpper(string(s))
}

func labelName(s letters.LabelSheet) string {
	if s == letters.LabelL7160 {
		return "Avery L7160 (A4)"
	}
	return "Avery 5160 (US Letter)"
}

func printAdvice(job letterJob, envelopes bool) string {
	s := "Print at actual size (100%, not \"fit to page\")"
	if job.format == letters.FormatCard5x7 {
		s += " on 5 x 7 in card stock, fed one at a time"
	}
	s += ", then sign each one by hand."
	if envelopes {
		s += "\nFor the envelopes, choose the " + envelopeName(job.envSize) + " envelope size in the print dialog and feed them one at a time."
	}
	return s
}
