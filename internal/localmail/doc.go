// Package localmail is an in-process mail system: an SMTP server
// (emersion/go-smtp) that delivers into IMAP mailboxes (go-imap v2's
// imapmemserver, served by imapserver), both listening on 127.0.0.1 with
// ports chosen by the kernel. Tests of every package use it, and so does
// `rapport demo` in the shipped binary, which is why it is not a _test
// package.
//
// It owns: the two listeners and their connections, the users and their
// mailboxes (INBOX, Sent as \Sent, Junk as \Junk, Drafts as \Drafts, Trash as
// \Trash), an in-memory CA and server certificate for 127.0.0.1 and
// localhost, the record of every message the SMTP server accepted, scripted
// SMTP failures (Fault), and RFC 3464 bounces for one "unknown" domain.
//
// Recipients that are local users get the message in their INBOX; any other
// recipient is accepted and only recorded (see Server.Received): the
// physicians and pastors rapport writes to are "outside".
//
// It imports only the standard library and the emersion mail libraries; never
// another package of rapport. Nothing in it logs: the servers' error logs are
// discarded.
//
// # Test-server behaviour worth knowing
//
// go-imap's imapserver sends "+ idling" before the session starts listening
// for updates, so an append that lands in that window is queued but never
// announced until the next one (upstream PR emersion/go-imap#767; the same
// window exists between DONE and the next IDLE). localmail closes that
// window for everything that goes through it: Deliver, DeliverTo, SMTP
// delivery and IMAP APPEND/COPY/MOVE by any client nudge every IDLE session of
// the user, which then restarts its wait after flushing the queue. Flag
// changes and expunges by another client are still subject to the upstream
// race. Production code must not rely on this: the inbox watcher does a
// catch-up fetch before every IDLE and a periodic safety poll anyway.
//
// imapmemserver answers MOVE with its EXPUNGE responses and then reports the
// same expunges again from its update queue, so a client's message count
// goes wrong. localmail implements MOVE as COPY + STORE \Deleted + UID
// EXPUNGE of exactly the moved UIDs, which reports each EXPUNGE once. Tests
// should still work with UIDs, not sequence numbers, as the watcher does.
//
// imapmemserver gives a re-created mailbox a new UIDVALIDITY; ResetMailbox
// uses that to simulate a server that rebuilt its index, and drops every IMAP
// connection, because a session that had the old mailbox selected would never
// hear of new mail again.
package localmail
