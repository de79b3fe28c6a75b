package contact

// Answer is how a person answered an invitation to an event. The values
// are iCalendar's PARTSTAT (RFC 5545 §3.2.12), plus Waitlist: an accept
// that came when the event was already full.
type Answer string

// The answers an invitation can have.
const (
	NoAnswer  Answer = "NEEDS-ACTION" // invited, no answer yet
	Accepted  Answer = "ACCEPTED"
	Declined  Answer = "DECLINED"
	Tentative Answer = "TENTATIVE"
	// Waitlist is rapport's own: they said yes when every seat was taken.
	// Nothing is sent to them automatically; the user decides.
	Waitlist Answer = "WAITLIST"
)

// Words says the answer for people: "accepted", "no answer".
func (a Answer) Words() string {
	switch a {
	case Accepted:
		return "accepted"
	case Declined:
		return "declined"
	case Tentative:
		return "maybe"
	case Waitlist:
		return "waitlist"
	}
	return "no answer"
}
