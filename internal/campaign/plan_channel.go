package campaign

import (
	"fmt"

	"rapport/internal/contact"
)

// The reasons that come with letters in a campaign.
const (
	CodeNoAddress Code = "no-address" // a letter step for a contact without a complete postal address
	CodeUnmailed  Code = "unmailed"   // the previous step's print batch is not marked mailed yet
)

// planOne plans a contact on the steps that can reach them. A campaign
// may mix channels — a card by post, then an email ten days later — and a
// contact without an email address gets only its letters, one without a
// complete postal address only its emails: the other steps are passed
// over, and the plan's reason says so.
func (c *Campaign) planOne(f *Facts, o Options) (Item, bool) {
	cc, code, why := c.forContact(f.Contact)
	if cc == nil {
		return c.unreachable(f, o, code, why)
	}
	it, ok := cc.planSteps(f, o)
	if ok && why != "" {
		it.Reason += "; " + why
	}
	return it, ok
}

// reaches reports whether a step's channel can reach a contact: email
// and invitations need an email address, letters a complete postal one.
func reaches(s *Step, ct *contact.Contact) bool {
	if s.Channel == "letter" {
		return ct.Address.Complete()
	}
	return ct.Email != ""
}

// forContact is c with only the steps that can reach ct (c itself when
// all can), and why the others were passed over; nil when none can,
// with the code and reason to say so.
func (c *Campaign) forContact(ct *contact.Contact) (*Campaign, Code, string) {
	var keep []*Step
	noEmail := false
	for _, s := range c.Steps {
		switch {
		case reaches(s, ct):
			keep = append(keep, s)
		case s.Channel != "letter":
			noEmail = true
		}
	}
	switch {
	case len(keep) == len(c.Steps):
		return c, "", ""
	case len(keep) == 0 && noEmail:
		return nil, CodeNoEmail, "has no email address (postal only)"
	case len(keep) == 0:
		return nil, CodeNoAddress, "has no complete postal address (street, city and postal code): letters cannot reach them"
	}
	cc := *c
	cc.Steps = keep
	if noEmail {
		return &cc, "", "by post only: no email address, so the email steps are passed over"
	}
	return &cc, "", "by email only: no complete postal address, so the letters are passed over"
}

// unreachable is the plan of a contact none of whose steps can reach.
func (c *Campaign) unreachable(f *Facts, o Options, code Code, why string) (Item, bool) {
	ct := f.Contact
	it := Item{Contact: ct}
	if len(f.Sends) == 0 && !c.Audience.Admits(ct) {
		return it, false
	}
	if o.Pipeline.Suppressed(ct.Stage) {
		return it.not(stageCode(ct.Stage), fmt.Sprintf("%s: never written to", ct.Stage)), true
	}
	return it.not(code, why), true
}

// unmailed says why the step after a letter waits: the letter's print
// batch has not been marked as posted, so its delay cannot start.
func unmailed(letter *contact.Send) string {
	return fmt.Sprintf("waiting for print batch %d to be marked mailed (`rapport letters mailed %d` once it is posted)",
		letter.Batch, letter.Batch)
}

// printing says where a letter claimed for a print batch stands: being
// written right now, or left half done by a rapport that stopped, which
// the next print pass settles by itself (printed once, or put in a later
// batch; never twice).
func printing(s *Step, sd *contact.Send, o Options) string {
	if o.InFlight != nil && o.InFlight(sd) {
		return fmt.Sprintf("%s is being printed right now (print batch %d)", s.ID, sd.Batch)
	}
	return fmt.Sprintf("%s: print batch %d was being written when rapport stopped; the next `rapport send` or the daemon finishes it", s.ID, sd.Batch)
}
