// Package invite knows the calendar: it turns an event of a campaign (a
// meet-and-greet, the monthly consultation group) into the iCalendar
// objects an invitation carries, and reads the answers that come back.
//
//   - Event is one event in its own time zone; Spec is the same event as a
//     person writes it in a campaign file, checked field by field.
//   - Invitation.Request and Invitation.Cancel write RFC 5545 calendars with
//     the iMIP methods of RFC 5546 (REQUEST, CANCEL): one ATTENDEE, the
//     user's mailbox as ORGANIZER, a VTIMEZONE built from the zone's rules
//     for the event's dates, a stable UID and a SEQUENCE the caller raises.
//   - ParseReply reads a METHOD:REPLY as Outlook, Google Calendar, Apple
//     Calendar and Thunderbird send it; Reply.Supersedes says which of two
//     answers from one person stands.
//   - ReadAnswer reads a plain threaded reply for a clear yes or no in
//     English, and refuses anything hedged.
//   - Links gives "add to calendar" and map links for the HTML part.
//
// The data model and the parser are github.com/arran4/golang-ical. The
// content lines are written here (contentline.go) because that library
// backslash-escapes parameter values ("CN=Lee\, LMFT", "O\'Neil"), which
// RFC 5545 §3.2 does not allow and calendars then show to the recipient;
// parameter values are DQUOTEd instead, as the RFC says.
//
// It is pure: no clock (every time is given), no I/O, no store. It imports
// contact and the calendar library; never campaign, mailer, inbox, store,
// dispatch, cli or daemon (they import it).
package invite
