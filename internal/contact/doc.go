// Package contact is rapport's domain: a Contact and its postal Address, the
// Stage pipeline and its transition rules, normalization and validation of
// what comes in from spreadsheets, and the small types several packages share
// (a history Event, a journal Send).
//
// It imports only the standard library and golang.org/x/net/idna, so every
// other package of rapport may import it and it imports none of them.
package contact
