// Package imapconn dials and logs in to the user's IMAP server, the one way
// rapport does it: verified TLS (implicit or STARTTLS; plaintext only to a
// loopback host), LOGIN, AUTHENTICATE PLAIN or XOAUTH2 (OAUTHBEARER when a
// server offers only that), with the OAuth2 token fetched from a
// TokenSource at each login, errors that name the
// step that failed (connect, tls, login) and never carry the password, and a
// protocol log that redacts credentials. It also finds special-use mailboxes
// (RFC 6154) such as \Sent and \Junk, with the usual names as a fallback.
//
// The mailer (its Sent folder) and the inbox watcher share it.
//
// It imports only the standard library and go-imap, go-sasl; never another
// package of rapport (in particular not store, cli, daemon, mailer or inbox).
package imapconn
