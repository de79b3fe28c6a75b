package inbox

import "strings"

// bulkHeaderPrefixes mark mail sent through newsletter services (Mailchimp,
// Constant Contact, Brevo, and the Certified Senders Alliance header most
// of them add). A clinic's newsletter from a contact's own domain carries
// them, and must never pass for that contact's reply.
var bulkHeaderPrefixes = []string{
	"X-Campaign", "X-Mc-User", "X-Mailchimp-", "X-Csa-Complaints", "X-Roving-", "X-Mailin-Campaign",
	"X-Ctct-", "X-Hubspot-", "X-Newsletter",
}

// listStep is rule 3: mailing lists and bulk mail are never replies. It
// needs no body: all the evidence is in the header.
func listStep(a *Analysis, m *msg) bool {
	reason, ok := listEvidence(m)
	if ok {
		a.Kind, a.Reason = KindList, reason
	}
	return ok
}

func listEvidence(m *msg) (string, bool) {
	h := &m.h
	// RFC 2919: a List-Id is put on every message a list distributes.
	if v := h.Get("List-Id"); v != "" {
		return "List-Id: " + truncate(v, 100), true
	}
	// RFC 8058 one-click unsubscription is for bulk mail only.
	if h.Has("List-Unsubscribe-Post") {
		return "List-Unsubscribe-Post (RFC 8058 bulk mail)", true
	}
	switch p := headerToken(h.Get("Precedence")); p {
	case "list", "bulk", "junk":
		return "Precedence: " + p, true
	}
	if k, ok := bulkHeader(m); ok {
		return "newsletter-service header " + k, true
	}
	if h.Has("List-Unsubscribe") && h.Has("Feedback-Id") {
		return "List-Unsubscribe with Feedback-ID (bulk sender)", true
	}
	return "", false
}

func bulkHeader(m *msg) (string, bool) {
	for f := m.h.Fields(); f.Next(); {
		k := f.Key()
		for _, p := range bulkHeaderPrefixes {
			if len(k) >= len(p) && strings.EqualFold(k[:len(p)], p) {
				return k, true
			}
		}
	}
	return "", false
}
