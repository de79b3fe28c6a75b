package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"rapport/internal/batch"
	"rapport/internal/config"
	"rapport/internal/contact"
	"rapport/internal/letters"
	"rapport/internal/render"
)

// printRun is one `rapport letters`: the template, the PDFs being made
// and what became of each contact.
type printRun struct {
	job    letterJob
	sender render.Sender
	now    time.Time
	run    *batch.Run
	files  batch.Files
	res    lettersResult
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
	r := &printRun{job: job, sender: a.core().Sender(), now: a.env.Now().In(cfg.Location), files: batch.Files{Letters: f.out}}
	r.res.Letters = fileJSON{File: f.out, Size: string(job.format)}
	bo := batch.Options{Layout: o, Skip: f.skip}
	if f.envelopes != "" {
		bo.Envelopes, r.files.Envelopes = job.envSize, f.envelopes
		r.res.Envelopes = &fileJSON{File: f.envelopes, Size: string(job.envSize)}
	}
	if f.labels != "" {
		bo.Labels, r.files.Labels = job.labelSheet, f.labels
		r.res.Labels = &fileJSON{File: f.labels, Size: string(job.labelSheet)}
	}
	if r.run, err = batch.New(tm, bo); err != nil {
		return nil, invalid(err)
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
	p, why, err := r.run.Add(render.Input{Contact: c, Sender: r.sender, Campaign: r.job.campaign}, r.now)
	if err != nil {
		return "", err
	}
	if why != nil {
		return why.Error(), nil
	}
	r.res.Printed = append(r.res.Printed, printedJSON{Contact: contactRef(c), Name: c.Label(), Pages: p.Pages, Fallback: p.Fallback})
	return "", nil
}

// contactRef is how a contact is typed on the command line.
func contactRef(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return fmt.Sprintf("#%d", c.ID)
}

// write writes every PDF, or none (see batch.Run.Write).
func (r *printRun) write() error {
	st := r.run.Stats()
	r.res.Letters.Count, r.res.Letters.Sheets = st.Letters, st.LetterSheets
	if e := r.res.Envelopes; e != nil {
		e.Count, e.Sheets = st.Envelopes, st.Envelopes
	}
	if l := r.res.Labels; l != nil {
		l.Count, l.Sheets = st.Labels, st.LabelSheets
	}
	return r.run.Write(r.files)
}
