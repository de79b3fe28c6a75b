package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode what any note carries
	"github.com/emersion/go-message/mail"
	gomail "github.com/wneessen/go-mail"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// Pick finds the campaign, step and contact a preview or test is about:
// the step by ID (default the first), the contact by email or ID (default
// the first of the audience).
func (a *App) Pick(ctx context.Context, name, who, stepID string) (*campaign.Campaign, *campaign.Step, *contact.Contact, error) {
	c, err := a.Campaign(name)
	if err != nil {
		return nil, nil, nil, err
	}
	s := c.Steps[0]
	if stepID != "" {
		if s = c.Step(stepID); s == nil {
			return nil, nil, nil, Usagef("campaign %s has no step %q", name, stepID)
		}
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if who != "" {
		ct, err := st.FindContact(ctx, who)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("contact %s: %w", who, err)
		}
		return c, s, ct, nil
	}
	list, err := st.Contacts(ctx, store.Filter{Kinds: c.Audience.Kinds, Tags: c.Audience.Tags, Email: true})
	if err != nil {
		return nil, nil, nil, err
	}
	for _, ct := range list {
		if c.Audience.Matches(ct) {
			return c, s, ct, nil
		}
	}
	return nil, nil, nil, Invalidf("campaign %s has nobody in its audience yet: import contacts, or pass --contact", name)
}

// Composed is one rendered note for preview or test.
type Composed struct {
	Campaign *campaign.Campaign
	Step     *campaign.Step
	Contact  *contact.Contact
	Msg      *gomail.Msg
}

// Compose renders the note a step would send to a contact (see Pick); to,
// when set, replaces the recipient.
func (a *App) Compose(ctx context.Context, name, who, stepID, to string) (*Composed, error) {
	c, s, ct, err := a.Pick(ctx, name, who, stepID)
	if err != nil {
		return nil, err
	}
	d, done, err := a.Dispatcher(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer done()
	msg, err := d.Compose(ctx, c, s, ct, to)
	if err != nil {
		return nil, Invalid(err)
	}
	return &Composed{Campaign: c, Step: s, Contact: ct, Msg: msg}, nil
}

// Note is a rendered note read back as a mail program reads it.
type Note struct {
	From, To, ReplyTo, Subject string
	Date                       time.Time
	Text, HTML                 string
	Attachments                []string // "brochure.pdf (application/pdf, 88.1 KB)"
}

// ReadNote decodes a rendered message: its headers, its text and HTML
// parts, and the names and sizes of its attachments.
func ReadNote(raw []byte) (*Note, error) {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, fmt.Errorf("read the note back: %w", err)
	}
	v := &Note{}
	h := r.Header
	v.From, v.To, v.ReplyTo = addressList(h, "From"), addressList(h, "To"), addressList(h, "Reply-To")
	v.Subject, _ = h.Subject()
	v.Date, _ = h.Date()
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			return nil, fmt.Errorf("read the note back: %w", err)
		}
		body, _ := io.ReadAll(p.Body)
		switch ph := p.Header.(type) {
		case *mail.InlineHeader:
			ct, _, _ := ph.ContentType()
			switch ct {
			case "text/plain":
				v.Text = string(body)
			case "text/html":
				v.HTML = string(body)
			default:
				v.Attachments = append(v.Attachments, fmt.Sprintf("%s (inline, %s)", ct, Size(len(body))))
			}
		case *mail.AttachmentHeader:
			name, _ := ph.Filename()
			ct, _, _ := ph.ContentType()
			v.Attachments = append(v.Attachments, fmt.Sprintf("%s (%s, %s)", name, ct, Size(len(body))))
		}
	}
	return v, nil
}

func addressList(h mail.Header, key string) string {
	list, err := h.AddressList(key)
	if err != nil || len(list) == 0 {
		dec, _ := new(mime.WordDecoder).DecodeHeader(h.Get(key))
		return dec
	}
	out := make([]string, len(list))
	for i, a := range list {
		out[i] = a.String()
		if a.Name != "" {
			out[i] = a.Name + " <" + a.Address + ">"
		}
	}
	return strings.Join(out, ", ")
}

// Size says a size in bytes for people: "812 bytes", "88.1 KB".
func Size(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f KB", float64(n)/1024)
}
