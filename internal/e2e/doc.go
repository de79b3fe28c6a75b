// Package e2e holds the helpers of rapport's end-to-end suite, which runs
// against a real Postfix and a real Dovecot from Debian's packages, started on
// loopback ports by scripts/e2e-servers.sh.
//
// The suite is enabled by RAPPORT_E2E=1 (as go-imap's GOIMAP_TEST_DOVECOT
// enables its Dovecot tests); without it every test that calls [Require]
// skips. To run it:
//
//	scripts/e2e-servers.sh start
//	set -a && . /tmp/rapport-e2e/env && set +a
//	go test ./internal/e2e/ -v -count=1
//
// With RAPPORT_E2E=1 set and the other variables missing, [Require] reads
// them from $RAPPORT_E2E_DIR/env (default /tmp/rapport-e2e/env), the file the
// script writes.
//
// What the servers provide:
//
//   - Submission (RAPPORT_E2E_SUBMISSION): Postfix with STARTTLS required and
//     AUTH PLAIN/LOGIN offered only after STARTTLS, checked by Dovecot.
//   - SMTP (RAPPORT_E2E_SMTP): Postfix's plain inbound port, no TLS and no
//     AUTH, for local domains only; [Servers.Deliver] uses it to inject mail
//     "from outside" (replies, RSVPs, hand-made bounces).
//   - IMAP (RAPPORT_E2E_IMAP, STARTTLS) and IMAPS (RAPPORT_E2E_IMAPS, implicit
//     TLS): Dovecot with IDLE, UIDPLUS, MOVE and SPECIAL-USE; every user has
//     Sent (\Sent), Junk (\Junk), Drafts, Trash and Archive, auto-subscribed.
//   - Local domains rapport.test, clinic.test, church.test and school.test.
//     The users are the constants below plus doc01@clinic.test to
//     doc30@clinic.test ([BatchUser]), all with the password in
//     RAPPORT_E2E_PASSWORD. "+" is the recipient delimiter:
//     therapist+anything@rapport.test lands in therapist's INBOX.
//   - Mail to [Unknown] (or any other unknown user of a local domain) is
//     accepted at RCPT time and bounced a moment later by Postfix with an RFC
//     3464 multipart/report; report-type=delivery-status to the envelope
//     sender. Mail to any other domain bounces at once: nothing leaves the
//     machine.
//   - [Vacation] answers with a Sieve vacation auto-reply (RFC 5230, :days 1)
//     carrying Auto-Submitted: auto-replied (vacation), In-Reply-To and
//     References, sent with a null envelope sender to the incoming envelope
//     sender.
//
// What real servers put in these messages, which classifiers must expect:
// Pigeonhole's auto-reply also carries Precedence: bulk and
// X-Auto-Response-Suppress: All, so Auto-Submitted must win over the
// mailing-list rule; Postfix's DSN also carries Auto-Submitted: auto-replied
// (From: MAILER-DAEMON@rapport.test, Return-Path <>), so the bounce check must
// come first. Both reach the INBOX with Return-Path: <>.
//
// Sieve vacation and its once-a-day rule: the script's vacation handle
// includes the incoming Message-ID, so every message with a new Message-ID
// draws its own auto-reply, even from the same sender on the same day. Tests
// must therefore give each message a fresh Message-ID (rapport does; use
// [UniqueSuffix] in hand-made ones) and must not expect a second reply to a
// resent copy of the same Message-ID from the same envelope sender. Pigeonhole
// never answers a null envelope sender (MAIL FROM:<>), MAILER-DAEMON, owner-*
// or *-request senders, nor messages carrying Auto-Submitted (other than
// "no"), Precedence: bulk, list or junk, or List-Id; rapport's personal notes
// carry none of these. Prefer a fresh subject per run too, so the wait can
// match on it.
//
// Mailboxes are kept across runs (the state lives in $RAPPORT_E2E_DIR), so
// tests must find their own messages by something unique to the run, such as a
// subject or Message-ID built with [UniqueSuffix], never by counting.
package e2e
