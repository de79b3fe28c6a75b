package inbox

import (
	"regexp"
	"strings"
)

// autoHeaders are the non-standard markers autoresponders put on their mail
// besides RFC 3834 Auto-Submitted. X-Auto-Response-Suppress is deliberately
// absent: it asks others not to auto-reply (MS-OXCMAIL 2.2.3.2.20) and
// Outlook puts it on ordinary human mail.
var autoHeaders = []string{"X-Autoreply", "X-Autorespond", "X-Autoreply-From", "X-Mail-Autoreply", "X-Autoresponder"}

var (
	// oooAnchored are subjects that open with an out-of-office phrase
	// followed by a colon, a dash, a bracket or nothing: "Automatic reply:
	// ...", "Abwesenheitsnotiz", "Réponse automatique : absent". A person's
	// "Out of office next week, can we move our call?" does not match.
	oooAnchored = regexp.MustCompile(`(?i)^\s*(automatic reply|automatische antwort|auto[- ]?reply|autoreply|auto[- ]?response|automatic response|out of (the )?office( auto ?reply)?|ooo|vacation reply|abwesenheitsnotiz|abwesenheit|abwesend|réponse automatique|reponse automatique|absence|absente?|respuesta automática|respuesta automatica|fuera de (la )?oficina|ausente|ausencia|risposta automatica|automatisch antwoord|autosvar)\s*($|[:\-–—(\[])`)
	// oooAnywhere are phrases no person writes into a subject by hand.
	oooAnywhere = regexp.MustCompile(`(?i)(automatic reply|auto-reply|autoreply|abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática|respuesta automatica|[\[(]\s*(out of (the )?office|ooo|auto ?reply|away|abwesend|absent|ausente|vacation)\s*[\])])`)
	// oooWeak needs a second sign (a null Return-Path) before it counts.
	oooWeak = regexp.MustCompile(`(?i)(out of (the )?office|on vacation|on leave|away from|urlaub|nicht im büro|abwesend|absence|absent|en congé|vacances|ausente|vacaciones)`)
	// ticketPhrase is the "we got your message" of help desks and front-desk
	// autoresponders, in the subject or the text.
	ticketPhrase = regexp.MustCompile(`(?i)(we('ve| have)? received your (message|request|e-?mail|inquiry|enquiry)|your (request|message|ticket) (has been|was) (received|created|logged)|request received|ticket (#\s?\d+ )?(has been )?(created|opened|received)|thank(s| you) for contacting|wir haben ihre (anfrage|nachricht|e-mail) erhalten|nous avons (bien )?reçu votre|hemos recibido su)`)
	ticketNumber = regexp.MustCompile(`(?i)(ticket|case|request|anfrage|demande|solicitud)\s*(#|no\.?|nr\.?|number|nummer)?\s*:?\s*\d{3,}`)
	// automatedText is what autoresponders say about themselves.
	automatedText = regexp.MustCompile(`(?i)(this is an automat(ed|ic) (response|reply|message|notification|e-?mail)|this (message|e-?mail) was (sent|generated) automatically|automatically generated (message|response|reply)|diese (e-mail|nachricht) wurde automatisch (erstellt|generiert|versendet|verschickt)|ceci est une réponse automatique|ceci est un message automatique|esta es una respuesta automática|este es un mensaje automático)`)
)

// autoReplyStep is rule 2: RFC 3834 automatic responses and their
// non-standard cousins, from the header and subject. An auto-reply pauses the
// contact (until the return date when the text gives one); it is never a
// reply.
func autoReplyStep(a *Analysis, m *msg) bool {
	reason, ok := autoReplyHeader(m)
	if !ok {
		reason, ok = autoReplySubject(a, m)
	}
	if ok {
		markAutoReply(a, m, reason)
	}
	return ok
}

// autoReplyTextStep runs after the list and RSVP rules: an autoresponder
// that says so only in its text ("This is an automated response", a help
// desk's "we have received your request" with a ticket number, a stock
// absence note under a plain "Re:" subject). It is weaker evidence than
// any header, so it comes later.
func autoReplyTextStep(a *Analysis, m *msg) bool {
	if !m.full {
		return false
	}
	text := forMatching(m.newText())
	reason := ""
	if loc := automatedText.FindStringIndex(text); loc != nil {
		reason = "text says " + quote(text[loc[0]:loc[1]])
	} else if loc := ticketPhrase.FindStringIndex(text); loc != nil && ticketNumber.MatchString(a.Subject+" "+text) {
		reason = "ticket system: " + quote(text[loc[0]:loc[1]])
	} else if formula, ok := absenceNote(m.newText(), text); ok {
		reason = "out-of-office wording and nothing personal: " + quote(formula)
	}
	if reason == "" {
		return false
	}
	markAutoReply(a, m, reason)
	return true
}

func markAutoReply(a *Analysis, m *msg, reason string) {
	a.Kind, a.Reason = KindAutoReply, reason
	if !m.full {
		a.NeedBody = true // the return date is in the text
		return
	}
	a.ReturnDate = returnDate(a.Subject+"\n"+m.newText(), a.Date)
}

// autoReplyHeader checks the header evidence of RFC 3834 section 5 and the
// common vendor headers. An MDN (RFC 8098 read receipt) is also automatic.
func autoReplyHeader(m *msg) (string, bool) {
	if v := headerToken(m.h.Get("Auto-Submitted")); v != "" && v != "no" {
		return "Auto-Submitted: " + v, true
	}
	for _, k := range autoHeaders {
		if m.h.Has(k) && !strings.EqualFold(strings.TrimSpace(m.h.Get(k)), "no") {
			return k + " header", true
		}
	}
	if headerToken(m.h.Get("Precedence")) == "auto_reply" {
		return "Precedence: auto_reply", true
	}
	typ, params := m.contentType()
	if typ == "multipart/report" && strings.EqualFold(params["report-type"], "disposition-notification") {
		return "read receipt (RFC 8098 disposition notification)", true
	}
	return "", false
}

// headerToken is the lower-cased value without parameters or comments:
// "auto-replied (vacation)" and "auto-replied; owner-email=..." both give
// "auto-replied".
func headerToken(v string) string {
	v, _, _ = strings.Cut(v, ";")
	v, _, _ = strings.Cut(v, "(")
	return strings.ToLower(strings.TrimSpace(v))
}

func autoReplySubject(a *Analysis, m *msg) (string, bool) {
	s := a.Subject
	switch {
	case oooAnchored.MatchString(s) || oooAnywhere.MatchString(s):
		return "subject " + quote(s), true
	case ticketPhrase.MatchString(s):
		return "ticket system: subject " + quote(s), true
	case oooWeak.MatchString(s) && nullReturnPath(m):
		return "subject " + quote(s) + " with a null Return-Path", true
	}
	return "", false
}

// quote shows a short excerpt in a Reason.
func quote(s string) string {
	return `"` + truncate(s, 80) + `"`
}
