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
	SendSending  SendState = "sending"  // committed before the SMTP transaction: in flight while its owner lives, uncertain after a crash
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

// InFlight reports whether the row is being sent right now by the live
// process whose sender-lock token is liveOwner ("" when none runs): its
// outcome is recorded the moment the server answers, so it is not
// uncertain and nobody must be asked to decide about it.
func (s *Send) InFlight(liveOwner string) bool {
	return s.State == SendSending && liveOwner != "" && s.Owner == liveOwner
}

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
	SentAt      time.Time // when the server accepted it (or the letter was printed)
	// Owner is the sender-lock token of the process that claimed the row;
	// a "sending" row whose owner still holds the lock is in flight.
	Owner string
	// Batch is a letter's print batch (0 for notes by email), and MailedAt
	// when the user marked that batch as posted (zero until then).
	Batch    int64
	MailedAt time.Time
}

// CountsFrom is when the next step's delay starts: when a note went out,
// or, for a letter of a print batch, when the batch was posted. ok is false
// while that batch waits to be marked mailed: nobody knows yet when the
// letter will arrive.
func (s *Send) CountsFrom() (at time.Time, ok bool) {
	if s.State != SendPrinted || s.Batch == 0 {
		return s.SentAt, true
	}
	return s.MailedAt, !s.MailedAt.IsZero()
}
