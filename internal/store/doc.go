// Package store keeps rapport's state in one SQLite file: contacts with their
// tags and custom fields, every contact's history, the import log, the send
// journal, campaign and inbox state, referrals, the suppression list of
// forgotten people, contact search, the keep-in-touch list, the report's
// data and backups. It is the only package that speaks SQL.
//
// The database runs in WAL mode with synchronous=FULL, a busy timeout and
// immediate transactions: a committed "sending" row must survive a power cut,
// because a lost one is how a message would go out twice. Migrations are
// embedded and applied at Open.
//
// It imports only the standard library, the SQLite driver and
// rapport/internal/contact.
package store
