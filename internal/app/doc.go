// Package app holds rapport's use cases, the operations both of its faces
// offer: the command line (package cli) and the dashboard (package web).
// Starting and pausing a campaign with its checks, planning it, composing
// a preview, resolving an outbox entry and moving a contact's stage live
// here, with the wiring from the config to the store, templates,
// dispatcher and mailer they need; a face keeps only its input (flags,
// forms) and its output (printing, pages). So a stage moved on the board
// is recorded exactly as `rapport contacts stage` records it.
//
// app imports neither face nor the daemon: who holds the store's sender
// lock comes in through Senders, which the CLI wires to package daemon.
package app
