package cli

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"rapport/internal/config"
	"rapport/internal/contact"
	"rapport/internal/store"
)

func cmdLog() *command {
	var since, who string
	return &command{
		name:    "log",
		args:    "[--since 1d|DATE] [--contact EMAIL]",
		summary: "what rapport did, in sentences with names and your local times",
		help: `Tells what happened, oldest first: notes sent, answers and who they came
from, out-of-office replies, bounces, opt-outs, stage moves, imports and
your own entries. --since takes a length of time (12h, 3d, 2w) or a date
(2026-12-01); the default is the last 7 days.`,
		example: "rapport log\nrapport log --since 1d\nrapport log --contact malvarez@elmpeds.example --since 2026-11-01",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&since, "since", "7d", "how far back: a length of time (1d, 12h) or a date (2026-12-01)")
			fs.StringVar(&who, "contact", "", "only this contact")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runLog(ctx, a, since, who)
		},
	}
}

type logJSON struct {
	At       string `json:"at"`
	Type     string `json:"type"`
	Contact  string `json:"contact"`
	Sentence string `json:"sentence"`
}

func runLog(ctx context.Context, a *app, since, who string) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	from, err := parseSince(since, a.env.Now(), cfg.Location)
	if err != nil {
		return usagef("--since: %v", err)
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	f := store.LogFilter{Since: from}
	if who != "" {
		c, err := st.FindContact(ctx, who)
		if err != nil {
			return fmt.Errorf("contact %s: %w", who, err)
		}
		f.ContactID = c.ID
	}
	entries, err := st.Log(ctx, f)
	if err != nil {
		return err
	}
	lines := logSentences(entries)
	if a.json {
		out := []logJSON{}
		for _, l := range lines {
			out = append(out, logJSON{At: l.at.Format(time.RFC3339), Type: string(l.typ), Contact: l.contact, Sentence: l.text})
		}
		return a.printJSON(out)
	}
	if len(lines) == 0 {
		a.say("Nothing happened since %s.", from.In(cfg.Location).Format("Mon Jan 2 15:04 MST"))
		return nil
	}
	day := ""
	for _, l := range lines {
		t := l.at.In(cfg.Location)
		if d := t.Format("Monday, January 2, 2006"); d != day {
			if day != "" {
				a.say("")
			}
			a.say("%s", d)
			day = d
		}
		a.say("  %s  %s", t.Format("15:04"), l.text)
	}
	a.say("\n(times in %s)", cfg.Location)
	return nil
}

// parseSince reads "7d", "12h", "2w" back from now, or a date (its
// midnight) or a date and time, in loc.
func parseSince(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if d, err := config.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := parseLocalTime(s, loc, 0); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a length of time (12h, 3d, 2w) nor a date (2026-12-01)", s)
}

// parseLocalTime reads a time a person types, in loc: "2026-12-01" (at
// dayHour o'clock), "2026-12-01 09:30", "2026-12-01T09:30" or RFC 3339.
func parseLocalTime(s string, loc *time.Location, dayHour int) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	t, err := time.ParseInLocation("2006-01-02", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2026-12-01 or 2026-12-01 09:30", s)
	}
	return t.Add(time.Duration(dayHour) * time.Hour), nil
}

// logLine is one sentence of the log.
type logLine struct {
	at      time.Time
	typ     contact.EventType
	contact string
	text    string
}

// logSentences turns history events into sentences. An automatic stage
// move caused by the message just told (the note that went out, the
// answer that came in) is told with it: "… → replied".
func logSentences(entries []store.LogEntry) []logLine {
	var out []logLine
	for i := range entries {
		e := &entries[i]
		if e.Type == contact.EventStage && e.Auto && len(out) > 0 {
			prev := &entries[i-1]
			if prev.ContactID == e.ContactID && prev.MessageID != "" && prev.MessageID == e.MessageID {
				out[len(out)-1].text += " → " + string(e.To)
				continue
			}
		}
		out = append(out, logLine{at: e.At, typ: e.Type, contact: e.Who.Email, text: sentence(e)})
	}
	return out
}

// who names a contact for a sentence: "Dr. Maria Alvarez (Elm Street
// Pediatrics)".
func who(c *contact.Contact) string {
	name := c.Label()
	if c.Organization != "" && name != c.Organization {
		name += " (" + c.Organization + ")"
	}
	return name
}

func sentence(e *store.LogEntry) string {
	w := who(&e.Who)
	d := e.Detail
	switch e.Type {
	case contact.EventSent:
		if e.Campaign != "" {
			return fmt.Sprintf("sent %s/%s to %s", e.Campaign, e.Step, w)
		}
		return "sent a note to " + w
	case contact.EventFailed:
		return fmt.Sprintf("could not send %s/%s to %s: %s", e.Campaign, e.Step, w, afterColon(d))
	case contact.EventReply:
		if from := fromOf(d, e.Who.Email); from != "" {
			return fmt.Sprintf("%s answered for %s: %s", from, w, afterColon(d))
		}
		return fmt.Sprintf("%s answered: %s", w, afterColon(d))
	case contact.EventAutoReply:
		return fmt.Sprintf("%s is away (out-of-office answer): %s", w, d)
	case contact.EventBounce:
		return fmt.Sprintf("a note to %s bounced: %s", w, d)
	case contact.EventOptOut:
		return fmt.Sprintf("%s asked not to be written to again", w)
	case contact.EventRSVP, contact.EventRSVPNo:
		// Answers to rapport's invitations say what they did: "accepted
		// the invitation to …", "declined …", "answered maybe …".
		for _, verb := range []string{"accepted ", "declined ", "answered "} {
			if strings.HasPrefix(d, verb) {
				return w + " " + d
			}
		}
		return fmt.Sprintf("%s answered an invitation: %s", w, d)
	case contact.EventStage:
		how := "you moved"
		if e.Auto {
			how = "rapport moved"
		}
		s := fmt.Sprintf("%s %s from %s to %s", how, w, e.From, e.To)
		if d != "" {
			s += ": " + d
		}
		return s
	case contact.EventMissing:
		return fmt.Sprintf("%s is no longer in its spreadsheet; kept, and held from campaigns", w)
	case contact.EventUpdated:
		return fmt.Sprintf("updated %s (%s)", w, d)
	case contact.EventNote:
		return fmt.Sprintf("you noted for %s: %s", w, d)
	case contact.EventReferral:
		return fmt.Sprintf("referral from %s: %s", w, d)
	case contact.EventLogged:
		return fmt.Sprintf("you were in touch with %s: %s", w, d)
	case contact.EventPrinted:
		return fmt.Sprintf("printed a letter to %s", w)
	case contact.EventMailed:
		s := "you mailed the letter to " + w
		if i := strings.Index(d, "(print batch"); i >= 0 {
			s += " " + d[i:]
		}
		return s
	}
	return fmt.Sprintf("%s: %s %s", w, e.Type, d)
}

// fromOf finds the sender in "reply from janet@elmpeds.example: …", or ""
// when it is the contact's own address (they answered themselves) or
// cannot be read.
func fromOf(detail, own string) string {
	rest, ok := strings.CutPrefix(detail, "reply from ")
	if !ok {
		return ""
	}
	from, _, _ := strings.Cut(rest, ":")
	from, _, _ = strings.Cut(from, " ")
	if strings.EqualFold(from, own) {
		return ""
	}
	return from
}

func afterColon(s string) string {
	if _, rest, ok := strings.Cut(s, ": "); ok {
		return rest
	}
	return s
}
