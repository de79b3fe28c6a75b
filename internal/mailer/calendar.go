package mailer

import (
	"bytes"
	"fmt"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// CalendarFile is the name of the attached copy of an invitation's
// calendar, for mail programs that only offer attachments.
const CalendarFile = "invite.ics"

// setCalendar adds an iMIP calendar (RFC 6047 §2.4) twice: as the
// text/calendar alternative that Outlook, Gmail and Apple Mail turn into
// Accept / Decline buttons, its method parameter copied from the
// calendar's own METHOD because Outlook refuses a mismatch, and as the
// same bytes attached as invite.ics. The part is base64 so that no relay
// rewraps its lines.
func setCalendar(msg *gomail.Msg, cal []byte) error {
	method, err := calendarMethod(cal)
	if err != nil {
		return &HeaderError{"Content-Type (calendar)", err.Error()}
	}
	msg.AddAlternativeString(gomail.ContentType("text/calendar; method="+method), string(cal),
		gomail.WithPartEncoding(gomail.EncodingB64))
	if err := msg.AttachReader(CalendarFile, bytes.NewReader(cal), gomail.WithFileContentType("application/ics")); err != nil {
		return fmt.Errorf("attach %s: %w", CalendarFile, err)
	}
	return nil
}

// calendarMethod reads METHOD from the calendar's own properties, the
// content lines before its first component, unfolded (RFC 5545 §3.1).
func calendarMethod(cal []byte) (string, error) {
	text := strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(string(cal))
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if len(lines) == 0 || !strings.EqualFold(strings.TrimSpace(lines[0]), "BEGIN:VCALENDAR") {
		return "", fmt.Errorf("the calendar does not start with BEGIN:VCALENDAR")
	}
	for _, l := range lines[1:] {
		name, value, _ := strings.Cut(l, ":")
		switch {
		case strings.EqualFold(name, "BEGIN"):
			return "", fmt.Errorf("the calendar has no METHOD (iMIP needs one, e.g. REQUEST)")
		case strings.EqualFold(name, "METHOD"):
			if value == "" || strings.Trim(strings.ToUpper(value), "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") != "" {
				return "", fmt.Errorf("METHOD %q is not a method name", value)
			}
			return strings.ToUpper(value), nil
		}
	}
	return "", fmt.Errorf("the calendar has no METHOD (iMIP needs one, e.g. REQUEST)")
}
