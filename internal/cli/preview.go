package cli

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode what any note carries
	"github.com/emersion/go-message/mail"
)

// previewMode is what `campaigns preview` prints.
type previewMode int

const (
	previewText previewMode = iota // what the recipient sees
	previewHTML                    // the HTML part
	previewRaw                     // the exact MIME message
)

// noteView is a rendered note read back as a mail program reads it.
type noteView struct {
	from, to, replyTo, subject string
	date                       time.Time
	text, html                 string
	attachments                []string
}

// readNote decodes a rendered message: its headers, its text and HTML
// parts, and the names and sizes of its attachments.
func readNote(raw []byte) (*noteView, error) {
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, fmt.Errorf("read the note back: %w", err)
	}
	v := &noteView{}
	h := r.Header
	v.from, v.to, v.replyTo = addressList(h, "From"), addressList(h, "To"), addressList(h, "Reply-To")
	v.subject, _ = h.Subject()
	v.date, _ = h.Date()
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
				v.text = string(body)
			case "text/html":
				v.html = string(body)
			default:
				v.attachments = append(v.attachments, fmt.Sprintf("%s (inline, %s)", ct, size(len(body))))
			}
		case *mail.AttachmentHeader:
			name, _ := ph.Filename()
			ct, _, _ := ph.ContentType()
			v.attachments = append(v.attachments, fmt.Sprintf("%s (%s, %s)", name, ct, size(len(body))))
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

func size(n int) string {
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f KB", float64(n)/1024)
}

// print shows the note as a mail program would, with what else it holds.
func (v *noteView) print(w io.Writer, loc *time.Location) {
	fmt.Fprintf(w, "From:     %s\n", v.from)
	fmt.Fprintf(w, "To:       %s\n", v.to)
	if v.replyTo != "" {
		fmt.Fprintf(w, "Reply-To: %s\n", v.replyTo)
	}
	fmt.Fprintf(w, "Subject:  %s\n", v.subject)
	if !v.date.IsZero() {
		fmt.Fprintf(w, "Date:     %s (when it goes, it carries the time it was sent)\n", v.date.In(loc).Format("Mon, Jan 2, 2006 15:04 MST"))
	}
	fmt.Fprintf(w, "\n%s\n", strings.TrimRight(v.text, "\n"))
	fmt.Fprintln(w, strings.Repeat("─", 60))
	if v.html != "" {
		fmt.Fprintf(w, "Also an HTML version of the same note (%s; `--html` shows it).\n", size(len(v.html)))
	}
	for _, a := range v.attachments {
		fmt.Fprintf(w, "Attached: %s\n", a)
	}
	fmt.Fprintln(w, "`--raw` shows the exact message as it goes to your mail server.")
}
