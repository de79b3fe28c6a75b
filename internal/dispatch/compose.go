package dispatch

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/wneessen/go-mail"

	"rapport/internal/campaign"
	"rapport/internal/contact"
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

func asFieldErrors(err error, fe *render.FieldErrors) bool { return errors.As(err, fe) }

// prepare renders an item's note and works out its thread.
func (d *Dispatcher) prepare(ctx context.Context, tpl *templates, c *campaign.Campaign, it campaign.Item, round string) (*prepared, error) {
	t, err := tpl.get(it.Step.Template)
	if err != nil {
		return nil, err
	}
	msg, err := t.Render(render.Input{Contact: it.Contact, Sender: d.o.Sender, Campaign: c.Name, Step: it.Step.ID})
	if err != nil {
		return nil, err
	}
	p := &prepared{camp: c, item: it, msg: msg, subject: msg.Subject,
		key: store.SendKey{Campaign: c.Name, Step: it.Step.ID, ContactID: it.Contact.ID, Round: round}}
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

// build turns a prepared note into the go-mail message with its
// Message-ID.
func (d *Dispatcher) build(p *prepared, messageID string) (*mail.Msg, error) {
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
