// Package mailer sends the user's notes over SMTP with go-mail: it builds a
// message that looks like personal mail (no bulk or auto-reply headers,
// no mailer banner), keeps one connection for many messages, classifies
// every outcome into what the send journal needs (sent, deferred, failed,
// paused, unknown), paces sends against rolling per-hour and per-day caps,
// and keeps the copy in the IMAP Sent folder that lets rapport find out,
// after a crash, whether a message went out.
//
// The one rule it never breaks: after the final dot of DATA it never sends
// the same message again by itself; a lost answer is Unknown, and the
// caller (the journal) decides, usually by looking in the Sent folder.
//
// It imports imapconn and the mail libraries; never inbox (what ties a
// reply to a send is the Message-ID in the store), store, cli or daemon.
package mailer
