package mailer

import (
	"crypto/rand"
	"strings"
	"time"
)

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

// NewMessageID returns a fresh Message-ID, without <>, on the sender's
// domain: the UTC time and 10 random base-36 characters, e.g.
// "20261122T101500.8f3k2j9x1c@drlee.example". It is random enough (51
// bits per second) that two sends never share one, and it says nothing
// about the contact. An empty domain gives "localhost.invalid", which Build
// accepts but providers may frown upon: pass the From address's domain.
func NewMessageID(domain string, now time.Time) string {
	domain = strings.ToLower(strings.Trim(strings.TrimSpace(domain), "."))
	if domain == "" {
		domain = "localhost.invalid"
	}
	return now.UTC().Format("20060102T150405") + "." + randomString(10) + "@" + domain
}

// DomainOf returns the part of addr after the last "@".
func DomainOf(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}
