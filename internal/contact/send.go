package contact

import "time"

// SendState is where a journal row stands. The journal holds one row per
// (campaign, step, contact) and moves it
//
//	planned → sending → sent | deferred | failed | unknown
//
// A row is committed as sending, with its Message-ID, before the SMTP
// transaction starts; that is what lets rapport promise never to send twice.
type SendState string

// The journal states.
const (
	SendPlanned  SendState = "planned"
	SendSending  SendState = "sending"  // committed before the SMTP transaction; uncertain after a crash
	SendSent     SendState = "sent"     // the server accepted it (250 to DATA)
	SendDeferred SendState = "deferred" // a temporary failure; retried at NextAttempt
	SendFailed   SendState = "failed"   // a permanent failure; never retried
	SendUnknown  SendState = "unknown"  // the connection was lost after the final dot
	SendDropped  SendState = "dropped"  // the user decided not to send it
	SendPrinted  SendState = "printed"  // a letter, written to a PDF
)

// Uncertain reports whether nobody knows if the message went out: such a row
// is never re-sent without the user's decision.
func (s SendState) Uncertain() bool { return s == SendSending || s == SendUnknown }

// Done reports whether the row needs no more work.
func (s SendState) Done() bool {
	return s == SendSent || s == SendFailed || s == SendDropped || s == SendPrinted
}

// Send is one journal row.
type Send struct {
	ID          int64
	Campaign    string
	Step        string
	ContactID   int64
	Round       string // "" for campaigns that run once; the year for yearly ones
	Channel     string // "email", "letter", "invite"
	Email       string // the address it went (or goes) to
	State       SendState
	MessageID   string // without <>
	Subject     string
	Attempts    int
	NextAttempt time.Time // for deferred rows
	LastError   string
	Response    string // the server's final answer, with its queue id
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SentAt      time.Time
}
