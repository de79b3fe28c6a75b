package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"rapport/internal/config"
	"rapport/internal/contact"
	"rapport/internal/letters"
	"rapport/internal/render"
)

// printRun is one `rapport letters`: the template, the PDFs being made
// and what became of each contact.
type printRun struct {
	job     letterJob
	tm      *render.Template
	sender  render.Sender
	country string
	now     time.Time
	lt      *letters.Letters
	env     *letters.Envelopes // nil without --envelopes
	lab     *letters.Labels    // nil without --labels
	res     lettersResult
}

// lettersResult is what `rapport letters --json` prints.
type lettersResult struct {
	Letters   fileJSON      `json:"letters"`
	Envelopes *fileJSON     `json:"envelopes"`
	Labels    *fileJSON     `json:"labels"`
	Printed   []printedJSON `json:"printed"`
	Skipped   []skippedJSON `json:"skipped"`
}

type fileJSON struct {
	File   string `json:"file"`
	Size   string `json:"size"` // the format, envelope size or label sheet
	Count  int    `json:"count"`
	Sheets int    `json:"sheets"`
}

type printedJSON struct {
	Contact  string   `json:"contact"` // email, or #ID for a postal-only contact
	Name     string   `json:"name"`
	Pages    int      `json:"pages"`
	Fallback []string `json:"fallback,omitempty"`
}

type skippedJSON struct {
	Contact string `json:"contact"`
	Name    string `json:"name"`
	Reason  string `json:"reason"`
}

func (a *app) newPrintRun(job letterJob, f *lettersFlags) (*printRun, error) {
	cfg := a.cfg
	tm, err := loadLetterTemplate(cfg, job.template)
	if err != nil {
		return nil, err
	}
	o, err := letterOptions(cfg, job.format, f.plain)
	if err != nil {
		return nil, err
	}
	o.Title = "rapport: " + job.template
	r := &printRun{job: job, tm: tm, sender: a.sender(), country: cfg.Letters.Country, now: a.env.Now().In(cfg.Location)}
	r.res.Letters = fileJSON{File: f.out, Size: string(job.format)}
	if r.lt, err = letters.NewLetters(o); err != nil {
		return nil, invalid(err)
	}
	if f.envelopes != "" {
		if r.env, err = letters.NewEnvelopes(job.envSize, o); err != nil {
			return nil, invalid(err)
		}
		r.res.Envelopes = &fileJSON{File: f.envelopes, Size: string(job.envSize)}
	}
	if f.labels != "" {
		if r.lab, err = letters.NewLabels(job.labelSheet, f.skip, o); err != nil {
			return nil, invalid(err)
		}
		r.res.Labels = &fileJSON{File: f.labels, Size: string(job.labelSheet)}
	}
	return r, nil
}

// loadLetterTemplate loads templates/letters/NAME.md.
func loadLetterTemplate(cfg *config.Config, name string) (*render.Template, error) {
	dir := filepath.Join(cfg.Resolve(cfg.Paths.Templates), "letters")
	tm, err := render.Load(dir, name)
	if errors.Is(err, os.ErrNotExist) {
		have, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		names := ""
		for i, p := range have {
			if i > 0 {
				names += ", "
			}
			names += filepath.Base(p[:len(p)-3])
		}
		return nil, invalidf("there is no letter template %s (letter templates: %s)", filepath.Join(dir, name+".md"), names)
	}
	if err != nil {
		return nil, invalid(err)
	}
	return tm, nil
}

// letterOptions reads [letters] and [identity] into the layout's options,
// with the font files read and checked.
func letterOptions(cfg *config.Config, format letters.Format, plain bool) (*letters.Options, error) {
	l := cfg.Letters
	o := &letters.Options{Format: format, Plain: plain || l.Plain, Locale: l.Locale, HomeCountry: l.Country,
		From: letters.Sender{Name: cfg.Identity.Name, Address: letters.ReturnAddress(cfg.Identity.Practice, cfg.Identity.PostalAddress)}}
	var err error
	if o.Font, o.FontName, err = readSetting(cfg, "letters.font", l.Font, true); err != nil {
		return nil, err
	}
	if o.FallbackFont, o.FallbackFontName, err = readSetting(cfg, "letters.fallback_font", l.FallbackFont, true); err != nil {
		return nil, err
	}
	if o.Signature, _, err = readSetting(cfg, "letters.signature_image", l.SignatureImage, false); err != nil {
		return nil, err
	}
	return o, nil
}

// readSetting reads the file a setting names; a font must be TrueType.
func readSetting(cfg *config.Config, key, path string, font bool) ([]byte, string, error) {
	if path == "" {
		return nil, "", nil
	}
	where := fmt.Sprintf("%s line %d: %s", cfg.Path, cfg.Line(key), key)
	data, err := os.ReadFile(cfg.Resolve(path))
	if err != nil {
		return nil, "", invalidf("%s: %v", where, err)
	}
	if font {
		if err := letters.CheckFont(data); err != nil {
			return nil, "", invalidf("%s: %s: %v", where, path, err)
		}
	}
	return data, filepath.Base(path), nil
}

// print lays out a letter (and its envelope and label) for each contact,
// or says why not.
func (r *printRun) print(list []*contact.Contact, a *app) (*lettersResult, error) {
	bar := a.progress("printing letters")
	defer bar.Finish()
	for _, c := range list {
		if reason, err := r.one(c); err != nil {
			return nil, err
		} else if reason != "" {
			r.res.Skipped = append(r.res.Skipped, skippedJSON{Contact: contactRef(c), Name: c.Label(), Reason: reason})
		}
		bar.Add(1)
	}
	return &r.res, nil
}

// one prints one contact's letter, envelope and label, all or none. It
// returns why not, or an error that stops the run (a broken font).
func (r *printRun) one(c *contact.Contact) (string, error) {
	switch c.Stage {
	case contact.StageOptedOut, contact.StageDoNotContact:
		return fmt.Sprintf("in stage %s: rapport does not write to them", c.Stage), nil
	}
	to := letters.RecipientOf(c)
	if _, err := to.Lines(r.country); err != nil {
		return err.Error() + ": add it to your spreadsheet and import it again", nil
	}
	text, err := r.tm.RenderLetter(render.Input{Contact: c, Sender: r.sender, Campaign: r.job.campaign})
	if err != nil {
		return err.Error(), nil
	}
	name := c.Label()
	if r.env != nil {
		if err := r.env.Check(to, name); err != nil {
			return err.Error(), nil
		}
	}
	if r.lab != nil {
		if err := r.lab.Check(to, name); err != nil {
			return err.Error(), nil
		}
	}
	p, err := r.lt.Add(letters.Letter{To: to, Contact: name, Seed: fmt.Sprint(c.ID), Date: r.now, Text: text})
	var mg *letters.MissingGlyphError
	switch {
	case errors.As(err, &mg), errors.Is(err, letters.ErrTooLong), errors.Is(err, letters.ErrIncompleteAddress):
		return err.Error(), nil
	case err != nil:
		return "", err
	}
	if r.env != nil {
		if err := r.env.Add(to, name, fmt.Sprint(c.ID)); err != nil {
			return "", err
		}
	}
	if r.lab != nil {
		if err := r.lab.Add(to, name, fmt.Sprint(c.ID)); err != nil {
			return "", err
		}
	}
	r.res.Printed = append(r.res.Printed, printedJSON{Contact: contactRef(c), Name: name, Pages: p.Pages, Fallback: p.Fallback})
	return "", nil
}

// contactRef is how a contact is typed on the command line.
func contactRef(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return fmt.Sprintf("#%d", c.ID)
}

// output is one PDF to write.
type output struct {
	path string
	w    io.WriterTo
}

// write writes every PDF, or none: each goes to a temporary file beside
// its place and is renamed only once all are written.
func (r *printRun) write() error {
	r.res.Letters.Count, r.res.Letters.Sheets = r.lt.Count(), r.lt.Sheets()
	outs := []output{{r.res.Letters.File, r.lt}}
	if r.env != nil {
		r.res.Envelopes.Count, r.res.Envelopes.Sheets = r.env.Count(), r.env.Count()
		outs = append(outs, output{r.res.Envelopes.File, r.env})
	}
	if r.lab != nil {
		r.res.Labels.Count, r.res.Labels.Sheets = r.lab.Count(), r.lab.Sheets()
		outs = append(outs, output{r.res.Labels.File, r.lab})
	}
	var tmps []string
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	for _, o := range outs {
		tmp, err := writeTemp(o.path, o.w)
		if err != nil {
			return err
		}
		tmps = append(tmps, tmp)
	}
	for i, o := range outs {
		if err := os.Rename(tmps[i], o.path); err != nil {
			return fmt.Errorf("write %s: %w", o.path, err)
		}
	}
	tmps = nil
	return nil
}

func writeTemp(path string, w io.WriterTo) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
