package dispatch

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

// ErrPaused is returned when sending is paused for the whole account (a
// refused login, a full quota): nothing more is sent until the user fixes
// the cause and `rapport check` logs in again.
var ErrPaused = errors.New("sending is paused")

// maxAttempts is how many times a temporary failure is retried before the
// note is given up (not bounced: the address may be fine).
const maxAttempts = 8

// backoff is the wait before attempt n+1 after n temporary failures: 15
// minutes, doubling, at most 12 hours (8 attempts span about two days).
func backoff(attempts int) time.Duration {
	d := 15 * time.Minute
	for i := 1; i < attempts && d < 12*time.Hour; i++ {
		d *= 2
	}
	return min(d, 12*time.Hour)
}

// outcome turns the mailer's result for a claimed send into what the
// journal records.
func outcome(sd *contact.Send, res mailer.Result, now time.Time) store.Outcome {
	o := store.Outcome{SendID: sd.ID, Send: sd, Why: describe(res), At: now}
	switch res.Outcome {
	case mailer.Sent:
		o.State, o.Response, o.Why = contact.SendSent, res.Response, ""
	case mailer.Deferred:
		o.State, o.Next = contact.SendDeferred, now.Add(backoff(sd.Attempts))
		if sd.Attempts >= maxAttempts {
			o.State, o.Why = contact.SendFailed, fmt.Sprintf("gave up after %d attempts: %s", sd.Attempts, o.Why)
		}
	case mailer.Failed:
		// The mailer says Failed only for a refused address (a refused
		// message pauses sending instead): the contact bounces.
		o.State, o.Bounce = contact.SendFailed, true
	case mailer.Unknown:
		o.State = contact.SendUnknown
	default: // Paused: the message did not leave
		o.State = contact.SendPlanned
	}
	return o
}

func describe(res mailer.Result) string {
	var parts []string
	if res.Code != 0 {
		parts = append(parts, fmt.Sprint(res.Code))
	}
	if res.Enhanced != "" {
		parts = append(parts, res.Enhanced)
	}
	if res.Err != nil {
		parts = append(parts, res.Err.Error())
	} else if res.Response != "" {
		parts = append(parts, res.Response)
	}
	return strings.Join(parts, " ")
}
