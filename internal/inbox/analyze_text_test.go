package inbox

import (
	"strings"
	"testing"
)

func TestStripQuotes(t *testing.T) {
	tests := []struct {
		story string
		in    string
		want  string
	}{
		{"lines quoted with > are dropped",
			"Sounds good.\n\n> please reply unsubscribe\n> Dana", "Sounds good."},
		{"Gmail attribution wrapped over two lines",
			"Yes please.\n\nOn Tue, Nov 10, 2026 at 9:14 AM Dana Whitfield <therapist@rapport.test>\nwrote:\n\nDear Dr. Raman, reply unsubscribe", "Yes please."},
		{"Thunderbird attribution",
			"Count me in.\n\nOn 11/10/26 3:02 PM, Dana Whitfield wrote:\n> hello", "Count me in."},
		{"German attribution",
			"Gerne.\n\nAm Di., 10. Nov. 2026 um 09:14 Uhr schrieb Dana Whitfield <therapist@rapport.test>:\nabmelden", "Gerne."},
		{"French attribution",
			"Avec plaisir.\n\nLe mar. 10 nov. 2026 à 09:14, Dana Whitfield <therapist@rapport.test> a écrit :\ndésabonner", "Avec plaisir."},
		{"Spanish attribution",
			"Con gusto.\n\nEl mar, 10 nov 2026 a las 9:14, Dana Whitfield (<therapist@rapport.test>) escribió:\ndarme de baja", "Con gusto."},
		{"Outlook original message separator",
			"Call me Monday.\n\n-----Original Message-----\nFrom: Dana\nunsubscribe", "Call me Monday."},
		{"Outlook From/Sent block",
			"Call me Monday.\n\nFrom: Dana Whitfield <therapist@rapport.test>\nSent: Tuesday, November 10, 2026 9:20 AM\nTo: Tom\nremove me", "Call me Monday."},
		{"German Von/Gesendet block",
			"Rufen Sie an.\n\nVon: Dana Whitfield\nGesendet: Dienstag, 10. November 2026 10:15\nabmelden", "Rufen Sie an."},
		{"Outlook underscore line",
			"Thanks!\n\n________________________________\nFrom: Dana\nunsubscribe", "Thanks!"},
		{"signature delimiter",
			"See you there.\n-- \nGoogle Groups: to unsubscribe send mail", "See you there."},
		{"a sentence starting with On is kept",
			"On Monday I can meet.\nThanks", "On Monday I can meet.\nThanks"},
		{"a From: line in the text without Sent: is kept",
			"From: the front desk, with thanks.\nBrenda", "From: the front desk, with thanks.\nBrenda"},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			if got := stripQuotes(tt.in); got != tt.want {
				t.Errorf("stripQuotes(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		story string
		in    string
		want  string
	}{
		{"tags stripped and entities decoded",
			"<div>Dana &mdash; thank&nbsp;you &amp; welcome<br>Kwame</div>", "Dana — thank you & welcome\nKwame"},
		{"blockquote dropped, text after it kept",
			"<p>Yes.</p><blockquote type=cite>unsubscribe</blockquote><p>Bye</p>", "Yes.\n\nBye"},
		{"gmail_quote ends the new text",
			`<div>Sure.</div><div class="gmail_quote">On Tue ... wrote:<br>remove me</div>`, "Sure."},
		{"Outlook web divRplyFwdMsg ends the new text even though the quote follows it",
			`<p>Please call.</p><hr><div id="divRplyFwdMsg"><b>From:</b> Dana</div><p>reply unsubscribe</p>`, "Please call."},
		{"Outlook for Mac OLK_SRC_BODY_SECTION",
			`<p>OK</p><span id="OLK_SRC_BODY_SECTION"><p>unsubscribe</p></span>`, "OK"},
		{"Yahoo quoted block",
			`<div>Fine</div><div id="yahoo_quoted_1" class="yahoo_quoted">unsubscribe</div>`, "Fine"},
		{"Thunderbird moz-cite-prefix",
			`<p>Yes</p><div class="moz-cite-prefix">On 11/10 Dana wrote:</div><blockquote>remove me</blockquote>`, "Yes"},
		{"style and script are not text",
			"<html><head><style>p{color:red}</style><title>x</title></head><body><script>var a=1</script><p>Hi</p></body></html>", "Hi"},
		{"nested blockquotes are skipped as a whole",
			"<blockquote>a<blockquote>b</blockquote>c</blockquote>new", "new"},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			if got := htmlToText(tt.in); got != tt.want {
				t.Errorf("htmlToText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHTMLToTextIsLinearOnDeepNesting(t *testing.T) {
	in := strings.Repeat("<div><blockquote>", 50000) + "x"
	if got := htmlToText(in); got != "" {
		t.Errorf("got %q", got)
	}
}
