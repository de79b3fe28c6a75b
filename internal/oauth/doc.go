// Package oauth signs the user in to Google or Microsoft and keeps that
// sign-in working, so SMTP and IMAP can log in with XOAUTH2 instead of a
// password: the provider settings (endpoints, scopes, tenant), the
// loopback-redirect sign-in with PKCE (RFC 8252, RFC 7636) and the
// device-code sign-in (RFC 8628), both through golang.org/x/oauth2; the
// grant kept in a private file beside the store or handed to a command of
// the user's choosing (token_cmd); and Source, which gives an access token
// for each login and renews it ahead of its expiry.
//
// Tokens never appear in a log line, an error message or printed output:
// errors are built from the provider's error code and description only (and
// any token they might echo is cut out), and a Grant prints as
// "[redacted]" wherever fmt or slog meet it.
//
// It imports only the standard library and golang.org/x/oauth2; never
// another package of rapport. mailer and imapconn take a Source through
// their own small TokenSource interface, so they do not import it either.
package oauth
