package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/invite"
	"rapport/internal/mailer"
	"rapport/internal/render"
	"rapport/internal/store"
)

// prepared is a due item rendered and ready to claim and send.
type prepared struct {
	camp      *campaign.Campaign
	item      campaign.Item
	key       store.SendKey
	msg       *render.Message
	subject   string
	inReplyTo string
	refs      []string
	invite    *inviteMsg // an invitation, update or cancellation: its calendar
	// built is the message built for one Message-ID ahead of its turn
	// (with the bytes of its Sent copy), so the sending loop only sends.
	built *built
}

// built is a note built for a claimed Message-ID.
type built struct {
	messageID string
	msg       *mail.Msg
	raw       []byte // its Sent copy; nil when no copy is filed
	err       error
}

// inviteMsg is the calendar an invitation carries.
type inviteMsg struct {
	event    *invite.Event // with its UID
	eventID  int64         // the store's event; 0 in a preview before the first send
	sequence int
	cancel   bool
}

// sent is what the journal records with the outcome of an invitation.
func (im *inviteMsg) sent() *store.InviteSent {
	if im == nil || im.eventID == 0 {
		return nil
	}
	return &store.InviteSent{EventID: im.eventID, Sequence: im.sequence}
}

func asFieldErrors(err error, fe *render.FieldErrors) bool { return errors.As(err, fe) }

// prepare renders an item's note and works out its thread; an invitation
// also gets its calendar and, in the HTML part, its calendar and map links.
func (d *Dispatcher) prepare(ctx context.Context, tpl *templates, c *campaign.Campaign, it campaign.Item, round string) (*prepared, error) {
	t, err := tpl.forStep(it.Step)
	if err != nil {
		return nil, err
	}
	in := d.input(c, it.Step, it.Contact)
	im, err := d.inviteMsg(ctx, tpl, c, it.Step, round)
	if err != nil {
		return nil, err
	}
	msg, err := t.Render(in)
	if err != nil {
		return nil, err
	}
	p := &prepared{camp: c, item: it, msg: msg, subject: msg.Subject, invite: im,
		key: store.SendKey{Campaign: c.Name, Step: it.Step.ID, ContactID: it.Contact.ID, Round: round}}
	if im != nil && !im.cancel {
		msg.HTML = withLinks(msg.HTML, im.event.Links())
	}
	if it.Step.Revision > 0 && !it.Step.Cancel {
		p.subject = "Updated: " + msg.Subject
	}
	if it.Step.Thread {
		if err := d.thread(ctx, p, round); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// thread makes a step a reply to the campaign's earlier notes to the same
// contact: In-Reply-To the last, References all of them, "Re: " subject.
func (d *Dispatcher) thread(ctx context.Context, p *prepared, round string) error {
	rows, err := d.o.Store.Sends(ctx, store.SendFilter{Campaign: p.camp.Name, ContactID: p.item.Contact.ID})
	if err != nil {
		return err
	}
	var last *contact.Send
	for _, sd := range rows {
		if sd.Round == round && sd.State == contact.SendSent && sd.MessageID != "" && sd.Step != p.item.Step.ID {
			p.refs = append(p.refs, sd.MessageID)
			last = sd
		}
	}
	if last == nil {
		return nil // nothing went out by email before: a fresh note
	}
	p.inReplyTo = last.MessageID
	p.subject = last.Subject
	if !strings.HasPrefix(strings.ToLower(p.subject), "re:") {
		p.subject = "Re: " + p.subject
	}
	return nil
}

// input is what a template sees for a step and a contact: the event of an
// invitation, a reminder or a thank-you included.
func (d *Dispatcher) input(c *campaign.Campaign, s *campaign.Step, ct *contact.Contact) render.Input {
	in := render.Input{Contact: ct, Sender: d.o.Sender, Campaign: c.Name, Step: s.ID}
	if inv := inviteStep(c, s); inv != nil && inv.Event != nil {
		in.Event = eventView(inv.Event, ct, d.o.Now())
	}
	return in
}

// inviteMsg is the calendar of an invitation, an update or a
// cancellation, with the event's UID and revision from the store; nil for
// any other step.
func (d *Dispatcher) inviteMsg(ctx context.Context, tpl *templates, c *campaign.Campaign, s *campaign.Step, round string) (*inviteMsg, error) {
	inv := inviteStep(c, s)
	if s.Channel != "invite" || inv == nil || inv.Event == nil {
		return nil, nil
	}
	info, err := tpl.events.get(ctx, d, c, inv, round)
	if err != nil {
		return nil, err
	}
	ev := *inv.Event
	ev.UID = info.uid
	im := &inviteMsg{event: &ev, eventID: info.id, sequence: info.sequence, cancel: s.Cancel}
	if s.Added() {
		im.sequence = s.Revision
	}
	return im, nil
}

// build turns a prepared note into the go-mail message with its
// Message-ID; stamp is the DTSTAMP of an invitation's calendar, the time
// its journal row was claimed, so that building it again gives the same
// calendar.
func (d *Dispatcher) build(p *prepared, messageID string, stamp time.Time) (*mail.Msg, error) {
	m := mailer.Message{
		From: d.o.Sender.Email, FromName: p.msg.FromName, ReplyTo: p.msg.ReplyTo,
		To: p.item.Contact.Email, ToName: p.item.Contact.FullName(),
		Subject: p.subject, Text: p.msg.Text, HTML: p.msg.HTML,
		MessageID: messageID, InReplyTo: p.inReplyTo, References: p.refs,
		Date: d.o.Now(),
	}
	for _, a := range p.msg.Attachments {
		m.Attachments = append(m.Attachments, mailer.Attachment{Name: a.Name, ContentType: a.ContentType, Data: a.Data})
	}
	if p.invite != nil {
		cal, err := d.calendar(p, stamp)
		if err != nil {
			return nil, fmt.Errorf("the invitation to %s: %w", p.item.Contact.Email, err)
		}
		m.Calendar = cal
	}
	if d.o.ListUnsubscribe {
		m.Headers = map[string]string{"List-Unsubscribe": "<mailto:" + optOutAddress(d.o.Sender.Email, p.item.Contact) + "?subject=unsubscribe>"}
	}
	msg, err := mailer.Build(m)
	if err != nil {
		return nil, fmt.Errorf("build the note to %s: %w", p.item.Contact.Email, err)
	}
	return msg, nil
}

// messageDomain is the domain of the sender's address, for Message-IDs.
func messageDomain(from string) string {
	_, d, _ := strings.Cut(from, "@")
	return d
}

// calendar writes an invitation's iCalendar object: REQUEST (or CANCEL)
// from the user's mailbox to the one contact.
func (d *Dispatcher) calendar(p *prepared, stamp time.Time) ([]byte, error) {
	inv := invite.Invitation{Event: p.invite.event, Sequence: p.invite.sequence, Stamp: stamp,
		Organizer: invite.Person{Name: d.o.Sender.Name, Email: d.o.Sender.Email},
		Attendee:  invite.Person{Name: p.item.Contact.FullName(), Email: p.item.Contact.Email}}
	if p.invite.cancel {
		return inv.Cancel()
	}
	return inv.Request()
}
