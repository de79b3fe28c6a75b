package invite

import "testing"

func TestPlainTextAnswers(t *testing.T) {
	cases := []struct {
		text   string
		want   PartStat // "" means no answer: the user reads it
		phrase string
		asks   bool
	}{
		// Clear yes.
		{text: "Count me in!", want: Accepted, phrase: "count me in"},
		{text: "Hi Dana,\n\nI'll be there. Thanks for organizing!\n\nPriya", want: Accepted, phrase: "i'll be there"},
		{text: "We’d love to come — thank you for thinking of us.", want: Accepted, phrase: "we'd love to come"},
		{text: "See you there.", want: Accepted, phrase: "see you there"},
		{text: "Yes, I will definitely be there", want: Accepted, phrase: "i will definitely be there"},
		{text: "Happy to attend.", want: Accepted, phrase: "happy to attend"},
		{text: "I'm in!", want: Accepted, phrase: "i'm in"},
		{text: "Please save me a seat.", want: Accepted, phrase: "save me a seat"},
		{text: "I'll be there, but I might be a few minutes late.", want: Accepted, phrase: "i'll be there"},
		{text: "Count me in! Is there parking nearby?", want: Accepted, phrase: "count me in", asks: true},
		{text: "I'll be there, wouldn't miss it.", want: Accepted, phrase: "i'll be there"},
		{text: "Count us in.\n> Will you join us on December 3?\n> I can't make it work otherwise", want: Accepted, phrase: "count us in"},

		// Clear no.
		{text: "Sorry, I can't make it.", want: Declined, phrase: "can't make it"},
		{text: "Unfortunately I have a conflict that evening.", want: Declined, phrase: "i have a conflict"},
		{text: "I won't be able to attend, but please keep me in mind for the next one.", want: Declined, phrase: "won't be able to attend"},
		{text: "We'd love to come but we can't make it this time.", want: Declined, phrase: "can't make it"},
		{text: "I'm afraid I cannot attend.", want: Declined, phrase: "cannot attend"},
		{text: "I'll have to pass this time. Good luck with it!", want: Declined, phrase: "have to pass this time"},
		{text: "Can't make it this time, but I'll be there next time.", want: Declined, phrase: "can't make it"},
		{text: "I must regretfully decline.", want: Declined, phrase: "regretfully decline"},

		// Not an answer: the user reads it.
		{text: "What time does it end?"},
		{text: "I might come."},
		{text: "I'll be there if I can find a sitter."},
		{text: "I don't think I'll be there."},
		{text: "Not sure I can make it, I'll let you know."},
		{text: "Will you be there?"},
		{text: "Can I bring my colleague? She'd love to come."},
		{text: "I hope to make it."},
		{text: "I'll try to come."},
		{text: "I'll be there unless my 4 pm runs over."},
		{text: "Count me in. Actually, I can't make it, sorry."},
		{text: "I'll be there in spirit!"},
		{text: "I'll pass it on to our school psychologist."},
		{text: "Thanks for the note, I'll pass it on to Dr. Lee."},
		{text: "Thank you! We are looking for a therapist for a teen."},
		{text: "I probably won't make it."},
		{text: ""},
	}
	for _, c := range cases {
		t.Run(c.text, func(t *testing.T) {
			got, ok := ReadAnswer(c.text)
			if c.want == "" {
				if ok {
					t.Fatalf("read %+v from an unclear text", got)
				}
				return
			}
			if !ok || got.PartStat != c.want || got.Phrase != c.phrase || got.Asks != c.asks {
				t.Errorf("got %+v %v, want %s %q asks=%v", got, ok, c.want, c.phrase, c.asks)
			}
		})
	}
}
