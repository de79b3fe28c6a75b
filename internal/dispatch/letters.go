package dispatch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"rapport/internal/batch"
	"rapport/internal/campaign"
	"rapport/internal/letters"
	"rapport/internal/render"
)

// Post is how campaigns' letter steps are printed. Without it (a nil
// Options.Post) letter steps are planned but never printed.
type Post struct {
	Dir       string // where print batches are written ([paths] letters)
	Templates string // the letter templates' folder (templates/letters)
	// Layout returns the format, fonts and sender with the font files
	// read; it is called at most once per plan or print pass, and only
	// when a letter step needs it (a large CJK font is not read for an
	// email campaign).
	Layout func() (*letters.Options, error)
	// Envelopes and Labels are what comes with each batch's letters; ""
	// for none.
	Envelopes letters.EnvelopeSize
	Labels    letters.LabelSheet
}

// ErrNoPost is the reason a letter step waits when printing is not set
// up.
var ErrNoPost = errors.New("printing letters is not set up")

// postal is a plan's or print pass's view of the letter templates and
// the layout: each loaded once, so an edit made while rapport runs is
// used from the next tick on.
type postal struct {
	p      *Post
	mu     sync.Mutex
	layout *letters.Options
	err    error // the layout's
	loaded bool
	tms    map[string]*render.Template
	tmErrs map[string]error
	checks map[string]*batch.Run // a run per template that only checks
}

// letters is the templates' postal view, made on first use.
func (t *templates) letters(p *Post) *postal {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.post == nil {
		t.post = &postal{p: p, tms: map[string]*render.Template{}, tmErrs: map[string]error{}, checks: map[string]*batch.Run{}}
	}
	return t.post
}

// run starts a print run of a letter template; check reuses one run per
// template for checks (a check prints nothing, so it can be shared).
func (pl *postal) run(name string, check bool) (*batch.Run, error) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if r, ok := pl.checks[name]; ok && check {
		return r, nil
	}
	if !pl.loaded {
		pl.layout, pl.err = pl.p.Layout()
		pl.loaded = true
	}
	if pl.err != nil {
		return nil, pl.err
	}
	tm, err := pl.template(name)
	if err != nil {
		return nil, err
	}
	o := *pl.layout
	o.Title = "rapport: " + name
	r, err := batch.New(tm, batch.Options{Layout: &o, Envelopes: pl.p.Envelopes, Labels: pl.p.Labels})
	if err == nil && check {
		pl.checks[name] = r
	}
	return r, err
}

func (pl *postal) template(name string) (*render.Template, error) {
	if tm, ok := pl.tms[name]; ok {
		return tm, nil
	}
	if err, ok := pl.tmErrs[name]; ok {
		return nil, err
	}
	tm, err := render.Load(pl.p.Templates, name)
	if err != nil {
		pl.tmErrs[name] = err
		return nil, err
	}
	pl.tms[name] = tm
	return tm, nil
}

// checkLetter tells why a letter step cannot print for a contact now: a
// missing field, an address the envelope cannot take, a character no
// font has, a note too long for its card.
func (d *Dispatcher) checkLetter(tpl *templates, c *campaign.Campaign, s *campaign.Step, in render.Input) error {
	if d.o.Post == nil {
		return ErrNoPost
	}
	r, err := tpl.letters(d.o.Post).run(s.Template, true)
	if err != nil {
		return err
	}
	pl := tpl.letters(d.o.Post)
	pl.mu.Lock() // a Run is not safe for concurrent use
	defer pl.mu.Unlock()
	why, err := r.Check(in, d.letterDate())
	if err != nil {
		return err
	}
	var fe render.FieldErrors
	if asFieldErrors(why, &fe) {
		return missingErr(fe)
	}
	return why
}

// checkLetters checks a letter step for every contact with a postal
// address, as CheckCampaign does an email step.
func (d *Dispatcher) checkLetters(tpl *templates, c *campaign.Campaign, s *campaign.Step, facts []campaign.Facts) []Problem {
	if d.o.Post == nil {
		return []Problem{{Campaign: c.Name, Step: s.ID, Err: ErrNoPost}}
	}
	pl := tpl.letters(d.o.Post)
	r, err := pl.run(s.Template, true)
	if err != nil {
		return []Problem{{Campaign: c.Name, Step: s.ID, Err: err}}
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	var out []Problem
	for _, f := range facts {
		if !f.Contact.Address.Complete() {
			continue // the letters are passed over for them
		}
		in := render.Input{Contact: f.Contact, Sender: d.o.Sender, Campaign: c.Name, Step: s.ID}
		why, err := r.Check(in, d.letterDate())
		if err != nil {
			return append(out, Problem{Campaign: c.Name, Step: s.ID, Err: err})
		}
		if why != nil {
			out = append(out, Problem{Campaign: c.Name, Step: s.ID, Contact: f.Contact, Err: why})
		}
	}
	return out
}

// letterDate is the date a letter printed now carries, in the user's zone.
func (d *Dispatcher) letterDate() time.Time { return d.o.Now().In(d.o.Location) }

// batchFiles names a batch's PDFs once its number is known: by campaign,
// date and number, in [paths] letters, never over a file already there.
func (d *Dispatcher) batchFiles(c *campaign.Campaign, format letters.Format) func(int64) ([]string, error) {
	return func(id int64) ([]string, error) {
		what := "letters"
		if format == letters.FormatCard || format == letters.FormatCard5x7 {
			what = "cards"
		}
		base := fmt.Sprintf("%s-%s-batch-%d-", c.Name, d.letterDate().Format("2006-01-02"), id)
		files := []string{filepath.Join(d.o.Post.Dir, base+what+".pdf")}
		if d.o.Post.Envelopes != "" {
			files = append(files, filepath.Join(d.o.Post.Dir, base+"envelopes.pdf"))
		}
		if d.o.Post.Labels != "" {
			files = append(files, filepath.Join(d.o.Post.Dir, base+"labels.pdf"))
		}
		for _, f := range files {
			if _, err := os.Stat(f); err == nil {
				return nil, fmt.Errorf("%s is already there: move it away, and rapport writes the batch at its next tick", f)
			}
		}
		return files, nil
	}
}

// batchWrite is where a batch's PDFs go, from the names it was claimed
// with.
func (d *Dispatcher) batchWrite(files []string) batch.Files {
	f := batch.Files{Letters: files[0]}
	rest := files[1:]
	if d.o.Post.Envelopes != "" && len(rest) > 0 {
		f.Envelopes, rest = rest[0], rest[1:]
	}
	if d.o.Post.Labels != "" && len(rest) > 0 {
		f.Labels = rest[0]
	}
	return f
}
