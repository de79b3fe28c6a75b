// Package dispatch runs campaigns: it gathers what the store knows into
// campaign facts, plans a tick, renders each due note, and sends it through
// the journal — claim (re-checking the contact), SMTP, outcome — at the
// pace the caps allow. It also recovers after a crash: sends left
// "sending" or "unknown" are looked for in the Sent folder, and the rest
// wait in the outbox for the user's decision.
//
// It imports campaign, render, mailer, store and contact; never inbox, cli
// or daemon.
package dispatch
