package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	core "rapport/internal/app"
)

// previewMode is what `campaigns preview` prints.
type previewMode int

const (
	previewText previewMode = iota // what the recipient sees
	previewHTML                    // the HTML part
	previewRaw                     // the exact MIME message
)

// printNote shows the note as a mail program would, with what else it
// holds.
func printNote(w io.Writer, v *core.Note, loc *time.Location) {
	fmt.Fprintf(w, "From:     %s\n", v.From)
	fmt.Fprintf(w, "To:       %s\n", v.To)
	if v.ReplyTo != "" {
		fmt.Fprintf(w, "Reply-To: %s\n", v.ReplyTo)
	}
	fmt.Fprintf(w, "Subject:  %s\n", v.Subject)
	if !v.Date.IsZero() {
		fmt.Fprintf(w, "Date:     %s (when it goes, it carries the time it was sent)\n", v.Date.In(loc).Format("Mon, Jan 2, 2006 15:04 MST"))
	}
	fmt.Fprintf(w, "\n%s\n", strings.TrimRight(v.Text, "\n"))
	fmt.Fprintln(w, strings.Repeat("─", 60))
	if v.HTML != "" {
		fmt.Fprintf(w, "Also an HTML version of the same note (%s; `--html` shows it).\n", core.Size(len(v.HTML)))
	}
	for _, a := range v.Attachments {
		fmt.Fprintf(w, "Attached: %s\n", a)
	}
	fmt.Fprintln(w, "`--raw` shows the exact message as it goes to your mail server.")
}
