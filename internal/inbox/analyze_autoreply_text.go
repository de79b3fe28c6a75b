package inbox

import (
	"regexp"
	"strings"
)

// Out-of-office answers without any machine header: some mail systems (and
// people who paste their absence note by hand) answer with a plain "Re:"
// subject. Such a message is an auto-reply when it opens with a standard
// absence formula and every other sentence is stock absence wording, a
// greeting or a signature. A person who writes a real answer and mentions
// being away stays a reply: one sentence of their own is enough. Both ways
// of being wrong cost the user, so the rule is narrow on both sides.

const maxAbsenceText = 1500 // stock absence notes are short

var (
	// absenceFormula opens the note, after any greeting and thanks.
	absenceFormula = regexp.MustCompile(`^(?:` +
		// English
		`(?:i am|i'm|i will be|i'll be|i shall be)(?: currently| presently| now)? (?:out of (?:the |my )?office|away from (?:the|my) (?:office|desk)|` +
		`on (?:annual |parental |maternity |paternity |medical |sick |study )?leave|on (?:vacation|holiday|holidays|sabbatical|pto)|away on (?:vacation|holiday|leave|business))\b` +
		// German: "Ich bin bis … nicht im Büro", "ich befinde mich … im Urlaub"
		`|(?:ich bin|ich befinde mich|ich werde)(?: \S+){0,7}? (?:nicht im büro|nicht in der praxis|außer haus|ausser haus|abwesend|im urlaub|in urlaub|nicht erreichbar|nicht am arbeitsplatz)\b` +
		// French: "Je suis absent(e) …"
		`|(?:je suis|je serai|je me trouve)(?: actuellement| présentement| momentanément)? (?:absente?|absent\(e\)|en congés?|en vacances|hors du bureau|en dehors du bureau)(?:[^\p{L}]|$)` +
		// Spanish: "Estoy fuera de la oficina …"
		`|(?:estoy|estaré|me encuentro|me encontraré)(?: actualmente| temporalmente)? (?:fuera de (?:la )?oficina|fuera de la consulta|de vacaciones|ausente|de permiso)(?:[^\p{L}]|$)` +
		`)`)

	// absenceGreeting may come before the formula.
	absenceGreeting = regexp.MustCompile(`^(?:hello|hi|hey|dear\b.*|good (?:morning|afternoon|day)|greetings|` +
		`hallo|guten tag|sehr geehrte.*|liebe.*|bonjour|madame.*|monsieur.*|hola|buenos días|buenas tardes|estimad[oa].*)[ ,!.:]*$`)

	// absenceStock are the sentences absence notes are made of: thanks
	// for the message, when the person is back, whom to call meanwhile,
	// what happens to the message, and the sign-off.
	absenceStock = anyOf(
		// English
		`\bthank(?:s| you) for (?:your|the) (?:e-?mail|message|mail|note|patience|understanding)\b`,
		`\b(?:i will|i'll|i shall|i am|i'm) (?:be )?(?:back|return|returning|respond|reply|get back to you|answer|be checking|check|read|be in touch|attend to|follow up)\b`,
		`\b(?:limited|no|intermittent|occasional) access to (?:my )?e-?mail\b`,
		`\b(?:urgent|immediate|emergenc|time-sensitive|pressing)`,
		`\bplease (?:contact|call|reach out to|e-?mail|get in touch with|direct|forward|resend|write to|note)\b`,
		`\byour (?:e-?mail|message) (?:will|has|is) (?:not )?(?:be(?:en)? )?(?:forwarded|read|received|deleted)\b`,
		`\b(?:upon|on|after) my return\b|\bwhen i (?:return|get back|am back|'m back)\b`,
		`\b(?:in|at) the office (?:on|from|again)\b|\bback in the office\b`,
		// German
		`\b(?:vielen|herzlichen|besten) dank für ihre (?:e-?mail|nachricht|mail)\b`,
		`\b(?:in dringenden fällen|bei dringenden (?:anliegen|fragen|angelegenheiten|fällen))\b|\bwenden sie sich\b`,
		`\b(?:ihre|die) (?:e-?mail|nachricht|mail) wird (?:nicht )?(?:weitergeleitet|gelesen)\b|\bzugriff auf\b`,
		`\bbin ich wieder\b|\bwieder (?:im büro|in der praxis|erreichbar|da)\b|\bnach meiner rückkehr\b`,
		`\b(?:werde|beantworte|bearbeite) ich\b|\bich werde ihre\b`,
		// French
		`\bje (?:répondrai|vous répondrai|traiterai|prendrai connaissance|serai de retour|reviendrai)\b|\b(?:dès|à) mon retour\b`,
		`\ben cas d'urgence\b|\bpour toute (?:urgence|question urgente)\b|\bveuillez\b`,
		`\bmerci (?:pour|de) votre (?:message|courriel|e-?mail|mail)\b|\baccès (?:limité|restreint)\b`,
		// Spanish
		`\b(?:responderé|contestaré|le responderé|atenderé|revisaré)\b|\b(?:a mi regreso|cuando regrese|al regresar)\b`,
		`\b(?:para|en caso de) (?:asuntos |temas |consultas )?urgen|\b(?:comuníquese|contacte|póngase en contacto|llame|escriba)\b`,
		`\bgracias por su (?:correo|mensaje|e-?mail)\b|\bacceso limitado\b`,
	)

	// absenceSignOff closes the note; what follows is a signature.
	absenceSignOff = regexp.MustCompile(`^(?:(?:(?:best|kind|warm|warmest|many)\s)?(?:regards|wishes|thanks)|sincerely|cheers|thank you|best|respectfully|take care|all the best|blessings|` +
		`(?:mit )?(?:freundlichen|besten|herzlichen|vielen|viele|beste|liebe) grüßen?|mfg|` +
		`cordialement|bien à vous|bonne journée|salutations|bien cordialement|meilleures salutations|` +
		`saludos|atentamente|cordialmente|un saludo)[ ,.!]*$`)

	// personalWords are a person speaking to the reader: never in a
	// stock absence note.
	personalWords = anyOf(
		`\bwould love\b|\blove to\b|\b(?:happy|glad|delighted) to\b|\bgladly\b|\blet's\b|\blet us\b|\blet me know\b`,
		`\bcall me\b|\blooking forward\b|\bsounds (?:great|good|lovely|wonderful|like)\b|\bsee you\b|\btalk soon\b`,
		`\bworks for (?:me|us)\b|\b(?:i|we)'d (?:like|love|be)\b|\b(?:i|we) would (?:like|love|be)\b|\binterested\b`,
		`\b(?:stop|come|drop) by\b|\bdrop (?:them|it) off\b|\bcoffee\b|\blunch\b|\bmeet (?:you|with you|up)\b|\bchat\b`,
		`\bwanted to\b|\bquick(?:ly)? (?:answer|reply|note)\b|\byour (?:cards|brochures?|cookies|practice|offer|invitation|visit)\b`,
		`\bgerne?\b|\bfreue mich\b|\bwürde mich freuen\b|\bfreuen uns\b|\brufen sie mich\b|\blassen sie uns\b|\bkaffee\b`,
		`\bavec plaisir\b|\bvolontiers\b|\bravie?\b|\bheureu(?:x|se) de\b|\bappelez-moi\b|\brencontrer\b|\bcafé\b`,
		`\bme encantaría\b|\bcon gusto\b|\bencantad[oa]\b|\bllámeme\b|\bnos vemos\b|\breunirnos\b`,
	)
)

// absenceHint is a cheap first look for absence words anywhere in the
// text, before it is read sentence by sentence.
var absenceHint = regexp.MustCompile(`out of (?:the |my )?office|away from|leave|vacation|holiday|sabbatical|pto\b|` +
	`nicht im büro|nicht in der praxis|haus|abwesend|urlaub|nicht erreichbar|nicht am arbeitsplatz|` +
	`absent|congé|vacances|bureau|fuera de|vacaciones|ausente|permiso`)

// absenceNote reports whether newText is a stock absence note, and the
// formula it opens with; low is newText prepared by forMatching.
func absenceNote(newText, low string) (string, bool) {
	if len(newText) > maxAbsenceText || !absenceHint.MatchString(low) {
		return "", false
	}
	ss := sentences(newText)
	i := 0
	for i < len(ss) && (absenceGreeting.MatchString(ss[i].low) || (i < 2 && thanksOnly(ss[i]))) {
		i++
	}
	if i == len(ss) || len(strings.Fields(ss[i].low)) > 40 || !absenceFormula.MatchString(openingOf(ss[i].low)) {
		return "", false
	}
	formula := ss[i].orig
	for _, s := range ss[i:] {
		if s.question() || personalWords.MatchString(s.low) {
			return "", false
		}
	}
	signedOff := false
	for _, s := range ss[i+1:] {
		switch {
		case absenceSignOff.MatchString(s.low):
			signedOff = true
		case signedOff && len(strings.Fields(s.low)) <= 8:
			// a signature: name, title, practice, telephone
		case !absenceStock.MatchString(s.low) && !nameLike(s.orig) && !absenceGreeting.MatchString(s.low):
			return "", false
		}
	}
	return formula, true
}

// openingPrefix is what may precede the formula in its own sentence:
// "Hello, I am ...", "Thank you for your email, I am ...".
var openingPrefix = regexp.MustCompile(`^(?:(?:hello|hi|hey|dear [^,]{1,40}|good (?:morning|afternoon)|hallo|guten tag|bonjour|hola)[,!]? |` +
	`(?:thank(?:s| you)|(?:vielen|herzlichen) dank|merci|gracias) (?:for|für|pour|por) (?:your|the|ihre|votre|su) (?:e-?mail|message|mail|note|nachricht|courriel|correo|mensaje)[,.!;]? )+`)

func openingOf(low string) string { return openingPrefix.ReplaceAllString(low, "") }

// thanksOnly is an opening "Thank you for your email." on its own.
func thanksOnly(s sentence) bool {
	return len(s.low) < 60 && absenceStock.MatchString(s.low) && !absenceFormula.MatchString(s.low)
}
