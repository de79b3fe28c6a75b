// Package dispatch runs campaigns: it gathers what the store knows into
// campaign facts, plans a tick, renders each due note, and sends it through
// the journal — claim (re-checking the contact), SMTP, outcome — at the
// pace the caps allow. It also recovers after a crash: sends left
// "sending" or "unknown" are looked for in the Sent folder, and the rest
// wait in the outbox for the user's decision.
//
// Invitations take the same path: an invite step's note carries its
// event's calendar (invite.Invitation), with the UID and revision the
// store keeps for the event (SyncEvents records it before each tick, so an
// event moved in its file owes an update), and the outcome records the
// revision the person now holds. Updates and the cancellation are steps
// the plan adds (campaign.Updates), journaled like any other.
//
// It imports campaign, invite, render, mailer, store and contact; never
// inbox, cli or daemon.
package dispatch
