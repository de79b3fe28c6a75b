package inbox

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// bounceStep is rule 1: delivery failure reports, in order of reliability.
// First the machine-readable RFC 3464 / RFC 6533 report, then Exim's
// X-Failed-Recipients, then the free-text notices of mailers that send no
// DSN. RFC 5965 spam complaints arrive in the same multipart/report shape
// and are handled here too, as opt-outs.
func bounceStep(a *Analysis, m *msg) bool {
	typ, params := m.contentType()
	report := typ == "multipart/report"
	switch rt := strings.ToLower(params["report-type"]); {
	case report && rt == "feedback-report":
		return complaint(a, m)
	case report && (rt == "delivery-status" || rt == "global-delivery-status"):
		// A delivery report is a bounce even when its machine-readable part
		// is broken: then the text has to tell.
		return dsnBounce(a, m) || textBounce(a, m, "multipart/report; report-type="+rt)
	}
	if dsnBounce(a, m) {
		return true
	}
	if m.h.Has("X-Failed-Recipients") {
		return textBounce(a, m, "X-Failed-Recipients")
	}
	if who, ok := deliveryDaemon(a, m); ok {
		return textBounce(a, m, "delivery notice from "+who)
	}
	return false
}

// guessBounce is the header-only answer: almost certainly a bounce, but the
// body says whether it is hard, soft or only a delay.
func guessBounce(a *Analysis, reason string) bool {
	a.Kind, a.Reason, a.NeedBody = KindBounce, reason, true
	return true
}

// dsnRecipient is one per-recipient block of a delivery-status part.
type dsnRecipient struct {
	action, status, diagnostic string
	addrs                      []string
}

// dsnBounce reads the message/delivery-status (RFC 3464 section 2) or
// message/global-delivery-status (RFC 6533 section 6) part. It reports false
// when there is no such part or it names no recipient with an Action, so the
// free-text rules still get their chance.
func dsnBounce(a *Analysis, m *msg) bool {
	if !m.full {
		return false
	}
	var rcpts []dsnRecipient
	for _, p := range m.parts {
		if p.typ == "message/delivery-status" || p.typ == "message/global-delivery-status" {
			rcpts = append(rcpts, parseDSN(p.body)...)
		}
	}
	if len(rcpts) == 0 {
		return false
	}
	r := worstRecipient(rcpts)
	b := &Bounce{Action: r.action, Status: r.status, Diagnostic: truncate(r.diagnostic, 300)}
	if b.Status == "" {
		b.Status = findStatus(r.diagnostic)
	}
	for _, x := range rcpts {
		for _, ad := range x.addrs {
			b.Recipients = appendUnique(b.Recipients, ad)
		}
	}
	judgeDSN(b)
	b.OriginalMessageID = originalMessageID(a, m, "")
	a.Kind, a.Bounce = KindBounce, b
	a.Reason = fmt.Sprintf("DSN Action: %s, Status %s", b.Action, orNone(b.Status))
	return true
}

// judgeDSN sets Hard and Delayed from the Action and Status fields (RFC 3464
// section 2.3.3, RFC 3463 classes): only a failed action with a permanent
// 5.x.x status is hard, and a full mailbox (x.2.2) never is, because the
// person is still there. A failure without a readable status is soft: a
// hard bounce ends a contact for good, a soft one costs one more try.
func judgeDSN(b *Bounce) {
	switch b.Action {
	case "failed":
		b.Hard = permanentStatus(b.Status) && !isQuota(b.Status, b.Diagnostic)
	case "delayed":
		b.Delayed = true
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// parseDSN reads the per-message block and then each per-recipient block,
// each an RFC 822-style header block (RFC 3464 section 2.1).
func parseDSN(body []byte) []dsnRecipient {
	br := bufio.NewReader(bytes.NewReader(lenientBlocks(body)))
	var out []dsnRecipient
	for i := 0; i < maxParts; i++ {
		h, err := textproto.ReadHeader(br)
		if r, ok := dsnRecipientFrom(h); ok {
			out = append(out, r)
		}
		if err != nil {
			break
		}
	}
	return out
}

func dsnRecipientFrom(h textproto.Header) (dsnRecipient, bool) {
	action := strings.ToLower(strings.TrimSpace(stripComment(h.Get("Action"))))
	if action == "" {
		return dsnRecipient{}, false
	}
	r := dsnRecipient{action: action, diagnostic: afterType(h.Get("Diagnostic-Code"))}
	r.status = findStatus(h.Get("Status"))
	for _, k := range []string{"Final-Recipient", "Original-Recipient", "X-Actual-Recipient"} {
		if v := afterType(h.Get(k)); strings.Contains(v, "@") {
			r.addrs = appendUnique(r.addrs, normalizeAddress(v))
		}
	}
	return r, true
}

// afterType drops the address-type or diagnostic-type prefix: "rfc822;
// a@b" gives "a@b", "smtp; 550 ..." gives "550 ...".
func afterType(v string) string {
	if _, rest, ok := strings.Cut(v, ";"); ok {
		v = rest
	}
	return strings.Join(strings.Fields(v), " ")
}

func stripComment(v string) string {
	v, _, _ = strings.Cut(v, "(")
	return v
}

// worstRecipient picks the recipient block that matters most: a permanent
// failure over a temporary one over a delay over anything else.
func worstRecipient(rs []dsnRecipient) dsnRecipient {
	best, bestRank := rs[0], -1
	for _, r := range rs {
		rank := 0
		switch {
		case r.action == "failed" && strings.HasPrefix(r.status, "5."):
			rank = 3
		case r.action == "failed":
			rank = 2
		case r.action == "delayed":
			rank = 1
		}
		if rank > bestRank {
			best, bestRank = r, rank
		}
	}
	return best
}

// lenientBlocks drops lines that cannot be part of a header block, so one
// malformed line does not hide the recipient blocks after it.
func lenientBlocks(b []byte) []byte {
	var out bytes.Buffer
	for _, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimRight(line, "\r")
		folded := len(line) > 0 && (line[0] == ' ' || line[0] == '\t')
		if len(bytes.TrimSpace(line)) == 0 {
			line = nil
		} else if !folded && !headerKeyLine.Match(line) {
			continue
		}
		out.Write(line)
		out.WriteString("\r\n")
	}
	return out.Bytes()
}

// complaint handles an RFC 5965 feedback report: a recipient marked our note
// as spam. That is the strongest possible "do not write to me again".
func complaint(a *Analysis, m *msg) bool {
	a.Kind, a.Reason = KindOptOut, "feedback report (spam complaint)"
	if !m.full {
		a.NeedBody = true
		return true
	}
	c := &Complaint{}
	for _, p := range m.parts {
		if p.typ != "message/feedback-report" {
			continue
		}
		h, _ := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(lenientBlocks(p.body))))
		c.FeedbackType = strings.ToLower(strings.TrimSpace(h.Get("Feedback-Type")))
		for f := h.FieldsByKey("Original-Rcpt-To"); f.Next(); {
			c.Recipients = appendUnique(c.Recipients, normalizeAddress(f.Value()))
		}
	}
	orig, ok := originalHeader(m)
	if ok {
		c.OriginalMessageID = firstID(orig.Get("Message-Id"))
		if len(c.Recipients) == 0 {
			for _, ad := range addresses(orig.Get("To")) {
				c.Recipients = appendUnique(c.Recipients, ad.addr)
			}
		}
	}
	a.Complaint = c
	return true
}

func firstID(v string) string {
	if ids := msgIDs(v); len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// originalHeader returns the header of the returned message: the
// text/rfc822-headers part (RFC 6522), message/rfc822, or their RFC 6533
// UTF-8 forms message/global-headers and message/global.
func originalHeader(m *msg) (textproto.Header, bool) {
	for _, p := range m.parts {
		switch p.typ {
		case "text/rfc822-headers", "message/rfc822", "message/global", "message/global-headers":
			head, _ := splitMessage(p.body)
			if h, err := parseHeader(head); err == nil {
				return h.Header.Header, true
			}
		}
	}
	return textproto.Header{}, false
}

// originalMessageID finds the Message-ID of the message that bounced: from
// the returned headers, else from a header block pasted into the text, else
// from the bounce's own In-Reply-To (some servers set it).
func originalMessageID(a *Analysis, m *msg, pasted string) string {
	if h, ok := originalHeader(m); ok {
		if id := firstID(h.Get("Message-Id")); id != "" {
			return id
		}
	}
	for _, t := range []string{pasted, m.allText()} {
		for _, sm := range pastedMessageID.FindAllStringSubmatch(t, 5) {
			if !strings.EqualFold(sm[1], a.MessageID) {
				return sm[1]
			}
		}
	}
	if len(a.InReplyTo) > 0 {
		return a.InReplyTo[0]
	}
	return ""
}
