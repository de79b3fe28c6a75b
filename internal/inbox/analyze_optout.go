package inbox

import (
	"regexp"
	"strings"
)

// optOutAddress is our opt-out address as it appears in a recipient: the
// List-Unsubscribe mailto of our notes is "name+optout-TOKEN@domain".
var optOutAddress = regexp.MustCompile(`(?i)\+optout-([a-z0-9]{6,64})@`)

// optOutTokenStep: mail to the opt-out address is an opt-out whatever its
// text says (often it is empty, or written by the mail client).
func optOutTokenStep(a *Analysis, m *msg) bool {
	for _, to := range a.To {
		if sm := optOutAddress.FindStringSubmatch(to); sm != nil {
			a.Kind, a.OptOutToken = KindOptOut, strings.ToLower(sm[1])
			a.Reason = "sent to the opt-out address " + to
			return true
		}
	}
	return false
}

// optOutPhrases ask to be left alone. Each must be about the writer or our
// mail: "remove me", not "remove"; "stop emailing", not "stop". They are
// matched on the new text only, lower-cased, one space between words. Go's
// \b is ASCII-only, so none sits next to an accented letter.
var optOutPhrases = anyOf(
	// English
	`\bunsubscribe (me|us|this (address|e-?mail))\b`,
	`\b(please|kindly|pls) unsubscribe\b`,
	`\b(like|want|wish|need) to unsubscribe\b`,
	`\bunsubscribe (me |us )?from (your|this|these|the|all|future)\b`,
	`\bremove (me|us|myself|my (name|e-?mail|address|email address|contact (info|information|details))|our (office|practice|clinic|church|school|address|e-?mail|name)|this (e-?mail )?address)\b`,
	`\bremove\b.{0,40} from (your|the|this|our) (mailing|e-?mail|distribution|contact|outreach) list\b`,
	`\btake (me|us|my (name|e-?mail|address)|our (office|practice|clinic|name|address)) off\b`,
	`\b(stop|cease) (e-?mailing|contacting|messaging|writing to (me|us)|sending (me|us|these|those|your))\b`,
	`\b(stop|cease) all (contact|communications?|e-?mails)\b`,
	`\b(do not|don't|dont|please don't) contact (me|us)\b`,
	`\b(do not|don't|dont) (e-?mail|send|write to) (me|us|this address)( any| e-?mails)? (again|anymore|any more|further)\b`,
	`\b(do not|don't|dont|no longer) (want|wish|care) to (receive|get) (any more |any further |further |these |your |more |any )?(e-?mails|messages|mailings|communications?|solicitations?)\b`,
	`\bno (more|further) (e-?mails|messages|mailings|solicitations?|contact from you)\b`,
	`\bopt (me|us) out\b|\b(like|want|wish) to opt out\b`,
	// German: "abmelden" and "austragen" alone can mean leaving an event,
	// so they count with a list or mailing word, or in the Sie-form request.
	`\b(abmelden|austragen|entfernen|streichen|herausnehmen)\b[^.!?]{0,60}\b(verteiler|liste|mailingliste|newsletter|kartei)\b|\b(verteiler|liste|mailingliste|newsletter|kartei)\b[^.!?]{0,60}\b(abmelden|austragen|entfernen|streichen|herausnehmen)\b`,
	`\bmelden sie (mich|uns)\b[^.!?]{0,40} ab\b|\btragen sie (mich|uns)\b[^.!?]{0,40} aus\b|\bentfernen sie (mich|uns|meine (adresse|e-?mail))\b`,
	`\bbitte (mich |uns )?(abmelden|austragen)\b`,
	`\bbitte keine (weiteren )?(e-?mails|mails|nachrichten|zusendungen|werbung)\b|\bkeine weiteren (e-?mails|mails|nachrichten|zusendungen)\b|\bkeine (e-?mails|mails|nachrichten|zusendungen) mehr\b`,
	`\b(mich|uns) (bitte )?nicht mehr (kontaktieren|anschreiben|anmailen)|\bkontaktieren sie (mich|uns) (bitte )?nicht mehr\b`,
	// French
	`\bd[ée]s(abonn|inscri)`,
	`\bretirez[- ](moi|nous)|\b(me|nous) retirer de\b|\bretirer (mon|notre) (adresse|nom|e-?mail|courriel)`,
	`\bsupprimez[- ](moi|nous)|\b(me|nous) supprimer de\b`,
	`\bne (\S+ )?plus (recevoir|me contacter|nous contacter|m'écrire|nous écrire|être contactée?s?)|\bne (me|nous) (contactez|écrivez|envoyez) plus\b`,
	`\bcessez de (m'|me |nous )`,
	// Spanish
	`\b(dar|darme|darnos|denme|d[ée]nme|deme|d[ée]me) de baja\b`,
	`\bno (me|nos) (env[íi]en?|escriban?|contacten?|manden?) m[áa]s\b|\bno (quiero|deseo|queremos) recibir m[áa]s\b`,
	`\belim[íi]n(ame|eme|enme|arme|arnos|enos)\b|\bqu[íi]t(ar|en|e)(me|nos) de\b|\bs[áa]qu(en|e)(me|nos)\b`,
)

// optOutSubjects are subjects that are a request all by themselves.
var optOutSubjects = map[string]bool{
	"unsubscribe": true, "unsubscribe me": true, "remove": true, "remove me": true, "please remove me": true,
	"abmelden": true, "austragen": true, "désabonner": true, "désinscription": true, "se désinscrire": true,
	"baja": true, "darme de baja": true, "dar de baja": true,
}

var replyPrefix = regexp.MustCompile(`(?i)^\s*((re|aw|sv|wg|fw|fwd|tr|rv|r|antw|réf)\s?(\[\d+\])?\s?:\s*)+`)

// optOutTextStep is rule 5: a person asking, in their own new words, not to
// be written to again. Quoted text is removed first: our own note may say
// "unsubscribe" in its footer.
func optOutTextStep(a *Analysis, m *msg) bool {
	subj := strings.Trim(forMatching(replyPrefix.ReplaceAllString(a.Subject, "")), " .!")
	if optOutSubjects[subj] {
		a.Kind, a.Reason = KindOptOut, "subject "+quote(a.Subject)
		return true
	}
	if !m.full {
		return false
	}
	if phrase, ok := optOutWording(m.newText()); ok {
		a.Kind, a.Reason = KindOptOut, "opt-out wording "+quote(phrase)
		return true
	}
	return false
}

// requestLine is a whole line that is nothing but the request, give or take
// a please or a thanks: "Unsubscribe, thanks", "STOP", "Bitte abmelden".
var requestLine = regexp.MustCompile(`^(?:(?:please|pls|kindly|bitte|merci de|por favor)[ ,]+)?` +
	`(unsubscribe|unsubscribe me|remove|remove me|stop|abmelden|austragen|désabonner|désinscrire|désinscription|baja|darme de baja|dar de baja)` +
	`(?:[ ,.!]+(?:please|pls|thanks|thank you|thx|bitte|danke|merci|gracias))*$`)

// optOutWording returns the phrase that asks to be removed, if any. Only
// an unambiguous request counts: a phrase negated in its own clause ("no
// need to remove me", "don't take me off your list") or inside a question
// that is not a request ("should I unsubscribe from something?", "how do I
// remove the old address?") is a reply for the user to read. A false
// opt-out silences a willing contact for good; a reply costs one reading.
func optOutWording(newText string) (string, bool) {
	for _, l := range strings.Split(newText, "\n") {
		if requestLine.MatchString(strings.Trim(forMatching(l), " .!")) {
			return strings.TrimSpace(l), true
		}
	}
	// One pass over the whole text first: most replies hold no removal
	// words at all, and reading sentence by sentence costs more.
	if !optOutPhrases.MatchString(forMatching(newText)) {
		return "", false
	}
	for _, s := range sentences(truncate(newText, maxOptOutText)) {
		for _, loc := range optOutPhrases.FindAllStringIndex(s.low, -1) {
			if meantAsRequest(s, loc[0], loc[1]) {
				return s.low[loc[0]:loc[1]], true
			}
		}
	}
	return "", false
}

// maxOptOutText bounds the sentence-by-sentence reading: a request to be
// left alone comes in a person's first lines, not after 64 KB.
const maxOptOutText = 64 << 10

var (
	// politeRequest is a question that asks for the removal: "Could you
	// please remove me from your list?"
	politeRequest = regexp.MustCompile(`\b(?:can|could|would|will) you (?:please |kindly |just )?(?:remove|take|unsubscribe|stop|delete|drop|opt)\b|` +
		`\b(?:können|könnten|würden) sie (?:mich|uns)\b|\b(?:pouvez|pourriez)[- ]vous (?:me|nous)\b|` +
		`\b(?:puede|podría|pueden|podrían)(?: usted| ustedes)? (?:darme|eliminarme|quitarme|sacarme|borrarme)\b`)
	// negation turns a removal phrase around when it comes just before it
	// in the same clause.
	negation = regexp.MustCompile(`(?:^|\s)(?:no|not|don't|dont|do not|never|needn't|won't|wouldn't|shouldn't|didn't|doesn't|without|` +
		`nicht|kein|keine|nie|niemals|ne|n'\S*|pas|jamais|nunca|sin)(?:\s|$)`)
	// clauseBreak ends the reach of a negation: "No, please remove me."
	clauseBreak = regexp.MustCompile(`.*(?:[,;:—–]| - | but | aber | mais | pero )`)
	// otherThread is a removal from something other than our mail: "remove
	// me from the cc", "take me off this thread".
	otherThread = regexp.MustCompile(`^\s*(?:(?:from|off) )?(?:the |this |that |your )?(?:cc|bcc|thread|conversation|chain|e-?mail chain|call|meeting|invite|invitation|event|group|chat|calendar|agenda)\b`)
)

// meantAsRequest checks the phrase s.low[start:end] in its sentence.
func meantAsRequest(s sentence, start, end int) bool {
	if s.question() && !politeRequest.MatchString(s.low) {
		return false
	}
	if otherThread.MatchString(s.low[end:]) {
		return false
	}
	before := clauseBreak.ReplaceAllString(s.low[:start], "")
	words := strings.Fields(before)
	if len(words) > 5 {
		words = words[len(words)-5:]
	}
	return !negation.MatchString(" " + strings.Join(words, " ") + " ")
}

// anyOf joins patterns into one regexp, so the text is scanned once.
func anyOf(patterns ...string) *regexp.Regexp {
	for i, p := range patterns {
		patterns[i] = "(?:" + p + ")"
	}
	return regexp.MustCompile(strings.Join(patterns, "|"))
}
