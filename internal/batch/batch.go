package batch

import (
	"errors"
	"fmt"
	"time"

	"rapport/internal/letters"
	"rapport/internal/render"
)

// Options shape a print run.
type Options struct {
	// Layout is the format, the fonts and the sender; required.
	Layout *letters.Options
	// Envelopes, when set, also prints an envelope of this size for each
	// letter; Labels a label on sheets of this kind, after Skip labels
	// already used on the first sheet.
	Envelopes letters.EnvelopeSize
	Labels    letters.LabelSheet
	Skip      int
}

// Run is one print run: the PDFs being made. It is not safe for
// concurrent use.
type Run struct {
	o   Options
	tm  *render.Template
	lt  *letters.Letters
	env *letters.Envelopes // nil without envelopes
	lab *letters.Labels    // nil without labels
}

// New starts a print run of the letter template tm. It reads no file:
// the fonts and the signature are in o.Layout. An error is about the
// setup (a font, the return address) and stops the run.
func New(tm *render.Template, o Options) (*Run, error) {
	r := &Run{o: o, tm: tm}
	var err error
	if r.lt, err = letters.NewLetters(o.Layout); err != nil {
		return nil, err
	}
	if o.Envelopes != "" {
		if r.env, err = letters.NewEnvelopes(o.Envelopes, o.Layout); err != nil {
			return nil, err
		}
	}
	if o.Labels != "" {
		if r.lab, err = letters.NewLabels(o.Labels, o.Skip, o.Layout); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// one is a contact's letter, ready to lay out.
type one struct {
	l    letters.Letter
	name string
	seed string
}

// prepare renders a contact's letter and checks its envelope and label;
// why says why it cannot be printed.
func (r *Run) prepare(in render.Input, date time.Time) (p *one, why error) {
	c := in.Contact
	to := letters.RecipientOf(c)
	if _, err := to.Lines(r.o.Layout.HomeCountry); err != nil {
		return nil, fmt.Errorf("%w: add it to your spreadsheet and import it again", err)
	}
	text, err := r.tm.RenderLetter(in)
	if err != nil {
		return nil, err
	}
	p = &one{name: c.Label(), seed: fmt.Sprint(c.ID)}
	p.l = letters.Letter{To: to, Contact: p.name, Seed: p.seed, Date: date, Text: text}
	if r.env != nil {
		if err := r.env.Check(to, p.name); err != nil {
			return nil, err
		}
	}
	if r.lab != nil {
		if err := r.lab.Check(to, p.name); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// refusal tells a letter that cannot be printed (why) from an error that
// stops the run.
func refusal(err error) (why, fatal error) {
	var mg *letters.MissingGlyphError
	if errors.As(err, &mg) || errors.Is(err, letters.ErrTooLong) || errors.Is(err, letters.ErrIncompleteAddress) {
		return err, nil
	}
	return nil, err
}

// Check tells why a contact's letter could not be printed (nil when it
// can), without printing anything: a missing field (render.FieldErrors),
// an incomplete address, a character no font has, a note too long for its
// card. An error (err) stops the run.
func (r *Run) Check(in render.Input, date time.Time) (why, err error) {
	p, why := r.prepare(in, date)
	if why != nil {
		return why, nil
	}
	return refusal(r.lt.Check(p.l))
}

// Add prints a contact's letter, with its envelope and label: all or
// none. It returns how the letter came out, or why it could not be
// printed; an error (err) stops the run.
func (r *Run) Add(in render.Input, date time.Time) (out *letters.Printed, why, err error) {
	p, why := r.prepare(in, date)
	if why != nil {
		return nil, why, nil
	}
	out, err = r.lt.Add(p.l)
	if err != nil {
		why, err := refusal(err)
		return nil, why, err
	}
	if r.env != nil {
		if err := r.env.Add(p.l.To, p.name, p.seed); err != nil {
			return nil, nil, err
		}
	}
	if r.lab != nil {
		if err := r.lab.Add(p.l.To, p.name, p.seed); err != nil {
			return nil, nil, err
		}
	}
	return out, nil, nil
}

// Stats say what a run holds.
type Stats struct {
	Letters, LetterSheets int
	Envelopes             int
	Labels, LabelSheets   int
}

// Stats counts the letters, envelopes and labels added so far.
func (r *Run) Stats() Stats {
	s := Stats{Letters: r.lt.Count(), LetterSheets: r.lt.Sheets()}
	if r.env != nil {
		s.Envelopes = r.env.Count()
	}
	if r.lab != nil {
		s.Labels, s.LabelSheets = r.lab.Count(), r.lab.Sheets()
	}
	return s
}
