package dispatch

import (
	"context"
	"errors"
	"fmt"

	"github.com/wneessen/go-mail"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/render"
)

// Compose renders the exact message a step would send to a contact now,
// threaded as it would be, with a fresh Message-ID. to, when not empty,
// replaces the recipient (a test send to the user). Nothing is recorded.
func (d *Dispatcher) Compose(ctx context.Context, c *campaign.Campaign, s *campaign.Step, ct *contact.Contact, to string) (*mail.Msg, error) {
	if s.Channel == "letter" {
		return nil, fmt.Errorf("step %q is a letter step: preview it with `rapport letters`", s.ID)
	}
	it := campaign.Item{Contact: ct, Step: s, Index: c.Index(s.ID)}
	p, err := d.prepare(ctx, newTemplates(d.o.Templates), c, it, c.Round(d.o.Now()))
	if err != nil {
		return nil, err
	}
	if to != "" {
		cp := *ct
		cp.Email = to
		p.item.Contact = &cp
	}
	return d.build(p, mailer.NewMessageID(messageDomain(d.o.Sender.Email), d.o.Now()), d.o.Now())
}

// Problem is one note that cannot be written for one contact.
type Problem struct {
	Campaign string
	Step     string
	Contact  *contact.Contact
	Err      error // render.FieldErrors for missing fields
}

// CheckCampaign renders every email, invite and letter step of c for every
// contact of its audience and everyone already in it (a letter for those
// with a postal address, an email or an invitation for those with an
// email address), and returns what fails: each missing field by contact
// and step, and for letters what would not print.
func (d *Dispatcher) CheckCampaign(ctx context.Context, c *campaign.Campaign) ([]Problem, int, error) {
	facts, err := Facts(ctx, d.o.Store, c, d.o.Now())
	if err != nil {
		return nil, 0, err
	}
	tpl := newTemplates(d.o.Templates)
	var out []Problem
	for _, s := range c.Steps {
		if s.Channel == "letter" {
			out = append(out, d.checkLetters(tpl, c, s, facts)...)
			continue
		}
		t, err := tpl.get(s.Template)
		if err != nil {
			out = append(out, Problem{Campaign: c.Name, Step: s.ID, Err: err})
			continue
		}
		for _, f := range facts {
			if f.Contact.Email == "" {
				continue
			}
			_, err := t.Render(d.input(c, s, f.Contact))
			var fe render.FieldErrors
			if err != nil && !errors.As(err, &fe) {
				// Not about this contact (an attachment gone since the
				// template loaded): said once for the step.
				out = append(out, Problem{Campaign: c.Name, Step: s.ID, Err: err})
				break
			}
			if err != nil {
				out = append(out, Problem{Campaign: c.Name, Step: s.ID, Contact: f.Contact, Err: err})
			}
		}
	}
	return out, len(facts), nil
}
