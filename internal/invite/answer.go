package invite

import (
	"regexp"
	"strings"
)

// TextAnswer is a clear yes or no read from a person's own words.
type TextAnswer struct {
	PartStat PartStat // Accepted or Declined
	Phrase   string   // the words that said it, lower case ("count me in"), for the history
	Asks     bool     // the text also asks something: the user should still read it
}

// The phrases are regular expressions over lower-cased text with straight
// apostrophes. A "wish" ("we'd love to come") is a yes on its own but
// gives way to a no after it: "we'd love to come but can't make it".
var (
	yesPhrases = compile(
		`count (?:me|us) in`,
		`(?:i|we)(?:'ll| will) (?:definitely |certainly |absolutely |surely )?(?:be there|come|attend|join you)`,
		`see you (?:there|then)`,
		`(?:i|we) can (?:make it|come|attend|be there)`,
		`(?:i'm|i am|we're|we are) (?:happy|glad|delighted|pleased|thrilled) to (?:come|attend|join)`,
		`^(?:yes[,!]? )?(?:happy|glad|delighted|pleased) to (?:come|attend|join)`,
		`sign (?:me|us) up`,
		`save (?:me|us) a (?:seat|spot)`,
		`^(?:yes[,!]? )?(?:i'm|i am|we're|we are) in$`,
		`(?:i|we) (?:gladly |happily )?accept`,
		`looking forward to (?:seeing you there|attending|joining)`,
		`wouldn't miss it`,
	)
	wishPhrases = compile(
		`(?:i|we)(?:'d| would) (?:love|like|be (?:happy|glad|delighted)) to (?:come|attend|join(?: you)?|be there)`,
	)
	noPhrases = compile(
		`(?:can't|cannot|can not|won't be able to|will not be able to|unable to|not able to|won't|will not|couldn't|could not) (?:make it|come|attend|join(?: you)?|be there)`,
		`(?:i|we) (?:have|'ve got|have got|'ll have) (?:a|another) (?:conflict|prior commitment|commitment|prior engagement|scheduling conflict)`,
		`(?:have|need) to miss (?:this|it|that)`,
		`(?:i'll|i will|we'll|we will|must|have|need|will have) (?:to )?(?:pass|decline)(?: this time| on this(?: one)?| for now)?(?:,|$)`,
		`(?:regretfully|respectfully|sadly) decline`,
		`(?:i'm|i am|we're|we are) not (?:coming|attending|going to make it|going to be able to)`,
		`won't be (?:attending|coming|joining)`,
		`count (?:me|us) out`,
		`(?:i'm|i am|we're|we are|i'll be|we'll be) (?:out of town|away|traveling|travelling|on vacation) (?:that|then|this)`,
		`(?:sorry|unfortunately|afraid),? (?:i|we) (?:can't|cannot)(?: this time)?$`,
	)
	// hedges make a sentence no answer: a condition, a doubt, a promise
	// to tell later.
	hedges = regexp.MustCompile(`\b(?:if|unless|as long as|provided|assuming|depending|depends|whether|might|may|maybe|perhaps|possibly|probably|hopefully|hope to|try to|trying to|not sure|unsure|not certain|tentative|tentatively|pencil|should be able|i think|i guess|let you know|let me check|need to check|have to check|will check|get back to you)\b`)
	// elsewhere puts a yes on another occasion: "I'll be there next time",
	// "I'll be there in spirit" say nothing about coming to this one.
	elsewhere = regexp.MustCompile(`\b(?:next time|next one|in spirit)\b`)
	// negations before a phrase turn it around ("I don't think I'll be there").
	negations = regexp.MustCompile(`\bnot\b|\bnever\b|n't\b|\bcannot\b|\bunlikely\b|\bdoubt\b`)
	// lateness is not doubt about coming: "I'll be there but might be late".
	lateness  = regexp.MustCompile(`(?:might|may|will|'ll)? ?(?:be|arrive|come|run|get there) (?:a (?:little|bit|few minutes) |\d+ minutes |a little bit )?late|leave early`)
	sentences = regexp.MustCompile(`[^.!?;\n]+[.!?;\n]*`)
)

func compile(exprs ...string) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(exprs))
	for i, e := range exprs {
		out[i] = regexp.MustCompile(`(?:^|[^a-z'])(` + e + `)(?:$|[^a-z'])`)
	}
	return out
}

// ReadAnswer reads the new text of a threaded reply to an invitation (the
// quoted original already removed) for a clear yes ("Count me in!", "I'll
// be there", "We'd love to come") or no ("Can't make it", "Unfortunately I
// have a conflict"). Anything less than clear is no answer: a question
// about the event, a maybe, a condition, a negation, or a yes and a no
// together. Those go to the user as a reply to read, never as a guessed
// RSVP.
func ReadAnswer(text string) (TextAnswer, bool) {
	var yes, no []found
	asks := false
	for i, s := range splitSentences(text) {
		question := strings.Contains(s, "?")
		asks = asks || question
		y, n, unclear := readSentence(strings.TrimRight(s, ".!?; "))
		if (len(y) > 0 || len(n) > 0) && (question || unclear) {
			return TextAnswer{}, false
		}
		yes, no = append(yes, shift(y, i)...), append(no, shift(n, i)...)
	}
	switch {
	case len(yes) > 0 && len(no) == 0:
		return TextAnswer{PartStat: Accepted, Phrase: yes[0].phrase, Asks: asks}, true
	case len(no) > 0 && (len(yes) == 0 || onlyWishesBefore(yes, no[0])):
		return TextAnswer{PartStat: Declined, Phrase: no[0].phrase, Asks: asks}, true
	}
	return TextAnswer{}, false
}

// found is one phrase in the text; at orders phrases across sentences.
type found struct {
	phrase string
	at     int
	wish   bool
}

// readSentence finds the phrases of one sentence and whether a hedge or a
// negation makes them unclear.
func readSentence(s string) (yes, no []found, unclear bool) {
	clean := lateness.ReplaceAllString(s, " ")
	hedged := hedges.MatchString(clean)
	look := func(list []*regexp.Regexp, wish bool, into *[]found) {
		for _, re := range list {
			m := re.FindStringSubmatchIndex(clean)
			if m == nil {
				continue
			}
			if negations.MatchString(clean[:m[2]]) || hedged {
				unclear = true
			}
			*into = append(*into, found{phrase: clean[m[2]:m[3]], at: m[2], wish: wish})
		}
	}
	if !elsewhere.MatchString(clean) {
		look(yesPhrases, false, &yes)
		look(wishPhrases, true, &yes)
	}
	look(noPhrases, false, &no)
	return yes, no, unclear
}

// shift places a sentence's phrases after those of the sentences before.
func shift(fs []found, sentence int) []found {
	for i := range fs {
		fs[i].at += sentence << 16
	}
	return fs
}

// onlyWishesBefore reports "we'd love to come, but we can't make it": every
// yes is a wish and comes before the no.
func onlyWishesBefore(yes []found, no found) bool {
	for _, y := range yes {
		if !y.wish || y.at > no.at {
			return false
		}
	}
	return true
}

// splitSentences lower-cases the text, straightens apostrophes, drops
// quoted lines, and cuts it into sentences; each keeps its end mark.
func splitSentences(text string) []string {
	text = strings.NewReplacer("’", "'", "‘", "'", "`", "'", "\u00a0", " ").Replace(strings.ToLower(text))
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), ">") {
			lines = append(lines, l)
		}
	}
	var out []string
	for _, s := range sentences.FindAllString(strings.Join(lines, "\n"), -1) {
		s = strings.Join(strings.Fields(s), " ")
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
