// Package inbox watches the practice's mailbox and decides what each incoming
// message means for the outreach pipeline.
//
// The classification half (Analyze, AnalyzeHeader) is pure: bytes in, an
// Analysis out, no IMAP and no store. It answers one question before anything
// is matched to a contact: is this a person writing back, or a machine?
// The order of the checks follows DESIGN.md ("Classification of incoming
// mail") because a wrong answer costs the user's reputation:
//
//  1. delivery failures (RFC 3464 DSNs, RFC 6533 global DSNs, and the
//     non-standard notices of Exim, qmail, Yahoo and Exchange) and RFC 5965
//     spam complaints;
//  2. mail sent to the opt-out address (name+optout-TOKEN@domain);
//  3. automatic replies known by their header or subject (RFC 3834
//     Auto-Submitted, the X-Autoreply family, out-of-office subjects in
//     English, German, French and Spanish, ticket systems), with the return
//     date read from the text when it is there;
//  4. mailing lists and bulk mail (RFC 2919 List-Id, RFC 2369/8058
//     List-Unsubscribe, Precedence, newsletter-service headers);
//  5. iMIP replies to an invitation (RFC 6047 text/calendar, RFC 5546
//     METHOD:REPLY), or a calendar's "Accepted:" subject;
//  6. autoresponders that say so only in their text ("This is an automated
//     response", a help desk's acknowledgement with a ticket number, a stock
//     absence note under a plain "Re:" subject that adds nothing personal);
//  7. a person asking to be left alone, read from the new text only (quoted
//     text removed), in the same four languages: only an unambiguous
//     request, never removal words that are negated or asked about;
//  8. everything else is personal: a candidate reply.
//
// Mail to the opt-out address comes second, before auto-replies: it is only
// ever someone's "unsubscribe", sometimes written by their mail client, and
// must not be lost to a machine-looking header.
//
// An out-of-office counted as a reply, or a follow-up sent after someone
// answered, is a real cost to a clinician's reputation, so every rule that
// could turn a human's words into "automatic" needs evidence a human mailer
// never produces, and X-Auto-Response-Suppress (which Outlook puts on
// ordinary mail) is never taken as evidence.
//
// The watching half (New, Watcher) reads the mailbox over IMAP (IDLE, with
// a catch-up on every notice and a safety poll), records each message's
// effects in the store, and reports its State for `rapport status`.
//
// It imports store, contact and imapconn; never mailer, dispatch, daemon or
// cli: what ties a reply to a send is the Message-ID in the store.
package inbox
