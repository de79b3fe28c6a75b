package inbox

import (
	"regexp"
	"strings"
)

// This file reads the bounces that come without a machine-readable report:
// Exim's "Mail delivery failed", qmail's "failure notice", Yahoo's, and
// Exchange notices that lost their report part. The evidence is the sender,
// the subject, and status codes or stock phrases in the explanation.

var (
	daemonLocalParts = map[string]bool{
		"mailer-daemon": true, "mailerdaemon": true, "mail-daemon": true, "maildaemon": true,
		"postmaster": true, "mdaemon": true,
	}
	daemonNames = map[string]bool{
		"mail delivery subsystem": true, "mail delivery system": true, "mail delivery service": true,
		"mail administrator": true, "mailer-daemon": true, "postmaster": true, "microsoft outlook": true,
	}
	bounceSubject = regexp.MustCompile(`(?i)(undeliver|undelivered mail|returned mail|mail delivery (failed|failure)|delivery status notification|delivery failure|failure notice|could not be delivered|message not delivered|non remis|nicht zustellbar|unzustellbar|no se puede entregar|mensaje no entregado|delivery delayed|delayed mail|warning: message .* delayed|delivery has failed)`)
	delaySubject  = regexp.MustCompile(`(?i)(\(delay\)|delivery delayed|delayed mail|warning: message .* delayed|delay notification|zustellung verzögert|remise retardée|entrega retrasada)`)
	failureText   = regexp.MustCompile(`(?i)(could ?n[o']t be delivered|was ?n[o']t able to deliver|was not delivered|unable to deliver|delivery (to the following recipients? )?(has )?failed|permanent (error|failure)|user unknown|unknown user|does ?n[o']t exist|mailbox unavailable|recipient (address )?rejected|no such user|address not found|has not yet been delivered)`)
	delayText     = regexp.MustCompile(`(?i)(has not yet been delivered|will (continue|keep) trying|will retry|still (being )?retr(y|ying|ied)|no action is required|not a failure|delivery .{0,20}delayed)`)
	hardText      = regexp.MustCompile(`(?i)(user unknown|unknown user|no such user|does ?n[o']t exist|mailbox unavailable|recipient not found|recipientnotfound|address rejected|invalid recipient|no mailbox here|account (has been )?disabled|not a valid (recipient|mailbox|address)|address not found|does ?n[o']t have an? [^ ]+ account|permanent (error|failure)|permanently)`)
	quotaText     = regexp.MustCompile(`(?i)(mailbox (is )?full|over quota|quota exceeded|exceeded (its|the|their) (storage|quota)|insufficient (system )?storage|mailbox size limit|disk quota)`)
	// copyMarker starts the returned copy of the original message.
	copyMarker      = regexp.MustCompile(`(?im)^[ \t]*(-+ ?this is a copy of the message|-+ ?below this line is a copy|-+ ?original message|original message headers:|-+ ?the original message|-+ ?returned message|received:|return-path:)`)
	pastedMessageID = regexp.MustCompile(`(?im)^[ \t>]*message-id:[ \t]*<?([^\s<>]+@[^\s<>]+?)>?[ \t]*$`)
	enhancedStatus  = regexp.MustCompile(`([245])\.([0-7])\.(\d{1,3})`)
	smtpReplyCode   = regexp.MustCompile(`(?m)(?:^|[\s(\[#])([45][0-5][0-9])(?:[\s:\-]|$)`)
	plainAddress    = regexp.MustCompile(`[A-Za-z0-9._%+'=-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
)

// deliveryDaemon reports a sender that is a mail system rather than a
// person, and only when the subject or text reads like a failure notice: a
// postmaster can write other things.
func deliveryDaemon(a *Analysis, m *msg) (string, bool) {
	local, _, _ := strings.Cut(strings.ToLower(a.From), "@")
	daemon := daemonLocalParts[local] || strings.HasPrefix(local, "microsoftexchange") ||
		daemonNames[strings.ToLower(a.FromName)]
	null := nullReturnPath(m)
	if !daemon && !null {
		return "", false
	}
	who := a.From
	if !daemon {
		who = "a null Return-Path sender"
	}
	if bounceSubject.MatchString(a.Subject) {
		return who, true
	}
	if !daemon {
		return "", false
	}
	if !m.full {
		return who, true // a best guess; NeedBody lets the text decide
	}
	return who, failureText.MatchString(m.allText())
}

// nullReturnPath is "Return-Path: <>", the envelope sender of bounces and,
// by RFC 3834 section 3.3, of many automatic replies.
func nullReturnPath(m *msg) bool {
	if !m.h.Has("Return-Path") {
		return false
	}
	v := strings.Join(strings.Fields(m.h.Get("Return-Path")), "")
	return v == "<>" || v == ""
}

// textBounce builds a Bounce from free text. Without a status code or a
// telling phrase it is soft: a wrong "hard" would drop a real contact for
// good, a wrong "soft" only costs one more try.
func textBounce(a *Analysis, m *msg, why string) bool {
	if !m.full {
		return guessBounce(a, why)
	}
	explain, pasted := splitBounceText(m.allText())
	b := &Bounce{Status: findStatus(explain), Diagnostic: diagnosticLine(explain)}
	for _, ad := range addresses(m.h.Get("X-Failed-Recipients")) {
		b.Recipients = appendUnique(b.Recipients, ad.addr)
	}
	b.Recipients = append(b.Recipients, failedAddresses(a, explain, b.Recipients)...)
	judgeText(b, a.Subject, explain)
	b.OriginalMessageID = originalMessageID(a, m, pasted)
	a.Kind, a.Bounce = KindBounce, b
	a.Reason = why + textVerdict(b)
	return true
}

// judgeText decides from free text. Stock phrases ("user unknown") tell a
// failure from a delay, but only a permanent status code (5.x.x, or an SMTP
// 5xx reply) makes it hard: a notice whose code could not be read is soft.
func judgeText(b *Bounce, subject, explain string) {
	permanent := permanentStatus(b.Status) || hardText.MatchString(explain)
	switch {
	case delaySubject.MatchString(subject) || (delayText.MatchString(explain) && !permanent):
		b.Delayed, b.Action = true, "delayed"
	case isQuota(b.Status, explain):
		b.Action = "failed"
	default:
		b.Hard, b.Action = permanentStatus(b.Status), "failed"
	}
}

// permanentStatus is an RFC 3463 permanent-failure class, 5.x.x.
func permanentStatus(status string) bool { return strings.HasPrefix(status, "5.") }

func textVerdict(b *Bounce) string {
	switch {
	case b.Delayed:
		return ": delivery delayed, not a failure"
	case b.Hard:
		return ", permanent failure, status " + orNone(b.Status)
	case b.Status == "":
		return ", failure without a status code, treated as temporary"
	}
	return ", temporary failure, status " + orNone(b.Status)
}

// isQuota recognises a full mailbox (RFC 3463 X.2.2, or the words servers
// use): the person exists, so it is never a hard bounce.
func isQuota(status, text string) bool {
	return strings.HasSuffix(status, ".2.2") || quotaText.MatchString(text)
}

// splitBounceText separates the server's explanation from the copy of the
// original message it returns, so codes and addresses quoted from our own
// note are not taken for the server's.
func splitBounceText(t string) (explain, pasted string) {
	if loc := copyMarker.FindStringIndex(t); loc != nil {
		return t[:loc[0]], t[loc[0]:]
	}
	return t, ""
}

// findStatus returns the first RFC 3463 enhanced status code, or else the
// class of the first SMTP reply code ("550" gives "5.0.0"). Codes inside IP
// addresses and version numbers ("10.4.5.66", "4.96.1") are skipped.
func findStatus(t string) string {
	for _, loc := range enhancedStatus.FindAllStringIndex(t, 20) {
		if standalone(t, loc[0], loc[1]) {
			return t[loc[0]:loc[1]]
		}
	}
	if sm := smtpReplyCode.FindStringSubmatch(t); sm != nil {
		return sm[1][:1] + ".0.0"
	}
	return ""
}

func standalone(t string, start, end int) bool {
	if start > 0 && (isDigit(t[start-1]) || t[start-1] == '.') {
		return false
	}
	if end < len(t) && isDigit(t[end]) {
		return false
	}
	return !(end+1 < len(t) && t[end] == '.' && isDigit(t[end+1]))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// diagnosticLine is what the receiving server said: the first line of the
// explanation with a reply code, or else the first with a stock phrase.
func diagnosticLine(explain string) string {
	lines := strings.Split(explain, "\n")
	for _, l := range lines {
		if l = strings.TrimSpace(l); findStatus(l) != "" {
			return truncate(l, 300)
		}
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); hardText.MatchString(l) || quotaText.MatchString(l) {
			return truncate(l, 300)
		}
	}
	return ""
}

// failedAddresses picks the addresses the explanation names, leaving out
// mail-system addresses and our own.
func failedAddresses(a *Analysis, explain string, have []string) []string {
	var out []string
	for _, s := range plainAddress.FindAllString(explain, 20) {
		ad := normalizeAddress(s)
		local, _, _ := strings.Cut(strings.ToLower(ad), "@")
		if daemonLocalParts[local] || containsFold(a.To, ad) || strings.EqualFold(ad, a.From) ||
			containsFold(have, ad) || containsFold(out, ad) {
			continue
		}
		out = append(out, ad)
		if len(have)+len(out) >= 10 {
			break
		}
	}
	return out
}

func containsFold(l []string, s string) bool {
	for _, x := range l {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
