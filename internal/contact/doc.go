// Package contact is rapport's domain: a Contact and its postal Address, the
// Stage pipeline and its transition rules, normalization and validation of
// what comes in from spreadsheets, and the small types several packages share
// (a history Event, a journal Send).
//
// It also holds the contact book's rules: fields set by name as a user
// types them (Set), the folded text contact search compares (Fold), and
// the keep-in-touch intervals (TouchRules).
//
// It imports only the standard library, golang.org/x/net/idna and
// golang.org/x/text (accent folding), so every other package of rapport may
// import it and it imports none of them.
package contact
