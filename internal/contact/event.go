package contact

import "time"

// EventType names an entry in a contact's history.
type EventType string

// The kinds of history entries.
const (
	EventCreated   EventType = "created" // first imported or added
	EventUpdated   EventType = "updated" // fields changed by a re-import
	EventStage     EventType = "stage"   // a stage move, manual or automatic
	EventSent      EventType = "sent"    // a note went out
	EventFailed    EventType = "failed"  // a send failed for good
	EventReply     EventType = "reply"   // they answered
	EventBounce    EventType = "bounce"  // a delivery failure report came back
	EventAutoReply EventType = "auto-reply"
	EventOptOut    EventType = "opt-out"
	EventRSVP      EventType = "rsvp"    // accepted (or maybe) an invitation: an answer, like a reply
	EventRSVPNo    EventType = "rsvp-no" // declined an invitation: ends only that event's notes
	EventMissing   EventType = "missing" // the row disappeared from its spreadsheet source
	EventNote      EventType = "note"
	EventReferral  EventType = "referral"
	EventPrinted   EventType = "printed"
	EventMailed    EventType = "mailed" // a printed letter's batch was marked as posted
	// EventLogged is an interaction the user recorded themselves (`contacts
	// log`): a visit, a call, cookies dropped off. It counts as being in
	// touch.
	EventLogged EventType = "logged"
)

// Event is one line of a contact's history. Stage moves fill From and To;
// mail events fill MessageID (without <>).
type Event struct {
	ID        int64
	ContactID int64
	At        time.Time
	Type      EventType
	From      Stage
	To        Stage
	Auto      bool   // made by rapport, not by the user
	Detail    string // why, in words: "reply from frontdesk@clinic.test: Re: Hello"
	MessageID string
}
