package inbox

import (
	"fmt"
	"strings"
	"testing"
)

// rawMail builds a small LF message from header lines and a body.
func rawMail(headers []string, body string) []byte {
	return []byte(strings.Join(headers, "\n") + "\n\n" + body)
}

var base = []string{
	"From: Dr. Jane Smith <jsmith@clinic.example>",
	"To: Dana Whitfield <therapist@rapport.test>",
	"Date: Tue, 10 Nov 2026 10:00:00 -0600",
	"Message-ID: <abc@clinic.example>",
	"In-Reply-To: <rapport.1@rapport.test>",
}

func with(extra ...string) []string { return append(append([]string{}, base...), extra...) }

func analyzeKind(t *testing.T, raw []byte) Analysis {
	t.Helper()
	a, err := Analyze(raw)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestRulesThatProtectHumanReplies(t *testing.T) {
	tests := []struct {
		story string
		raw   []byte
		want  Kind
	}{
		{"X-Auto-Response-Suppress alone is not an auto-reply",
			rawMail(with("Subject: RE: Introduction", "X-Auto-Response-Suppress: All"), "Happy to meet."), KindPersonal},
		{"Auto-Submitted: no is a person",
			rawMail(with("Subject: Re: Introduction", "Auto-Submitted: no"), "Happy to meet."), KindPersonal},
		{"a person writing about being out of office next week is a reply",
			rawMail(with("Subject: Out of office next week, can we move our call?"), "How about the 20th?"), KindPersonal},
		{"a null Return-Path alone does not make an auto-reply",
			rawMail(with("Return-Path: <>", "Subject: Re: Introduction"), "Yes, send cards."), KindPersonal},
		{"a weak vacation subject without a null Return-Path is a reply",
			rawMail(with("Subject: Re: vacation coverage"), "I can cover for you."), KindPersonal},
		{"we received your message from a front desk without a ticket is a reply",
			rawMail(with("Subject: Re: Introduction"), "Hi Dana, we have received your message and Dr. Smith will call you."), KindPersonal},
		{"a postmaster writing without failure words is not a bounce",
			rawMail([]string{"From: postmaster@clinic.example", "To: therapist@rapport.test", "Subject: Re: your question", "Date: Tue, 10 Nov 2026 10:00:00 -0600"}, "We use Office 365 now."), KindPersonal},
		{"Accepted: from a person with a calendar REQUEST is still read by its subject",
			rawMail(with("Subject: Accepted: Meet & Greet"), "See you there"), KindRSVP},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			if a := analyzeKind(t, tt.raw); a.Kind != tt.want {
				t.Errorf("Kind = %q (%s), want %q", a.Kind, a.Reason, tt.want)
			}
		})
	}
}

func TestRulesThatCatchMachines(t *testing.T) {
	tests := []struct {
		story string
		raw   []byte
		want  Kind
	}{
		{"auto-reply with Precedence bulk is an auto-reply, not a list",
			rawMail(with("Subject: Re: Introduction", "Auto-Submitted: auto-replied", "Precedence: bulk"), "Away until December 1."), KindAutoReply},
		{"Precedence auto_reply is an auto-reply",
			rawMail(with("Subject: Re: Introduction", "Precedence: auto_reply"), "Away."), KindAutoReply},
		{"bracketed out-of-office marker anywhere in the subject",
			rawMail(with("Subject: Re: Introduction [Out of Office]"), "Away."), KindAutoReply},
		{"Spanish Fuera de la oficina subject alone",
			rawMail(with("Subject: Fuera de la oficina"), "Ausente."), KindAutoReply},
		{"German Abwesend subject with a colon",
			rawMail(with("Subject: Abwesend: Vorstellung"), "Bin nicht da."), KindAutoReply},
		{"List-Unsubscribe with Precedence list is a list",
			rawMail(with("Subject: News", "List-Unsubscribe: <mailto:u@x.example>", "Precedence: list"), "News."), KindList},
		{"List-Unsubscribe with Feedback-ID is bulk",
			rawMail(with("Subject: News", "List-Unsubscribe: <https://x.example/u>", "Feedback-ID: 1:2:3:esp"), "News."), KindList},
		{"Mailchimp user header is bulk",
			rawMail(with("Subject: News", "X-MC-User: 1234"), "News."), KindList},
		{"mail to the opt-out address wins over an auto-reply header",
			rawMail([]string{"From: a@b.example", "To: therapist+optout-c42xkdab@rapport.test", "Auto-Submitted: auto-generated", "Subject: unsubscribe"}, ""), KindOptOut},
		{"mail to the opt-out address is an opt-out whatever it says",
			rawMail([]string{"From: a@b.example", "To: x@y.example", "Delivered-To: therapist+optout-AbC123dEf@rapport.test", "Subject: hello"}, "hi"), KindOptOut},
		{"Exim bounce carrying Auto-Submitted is a bounce first",
			rawMail([]string{"From: Mail Delivery System <Mailer-Daemon@mx.example>", "To: therapist@rapport.test", "Auto-Submitted: auto-replied",
				"X-Failed-Recipients: a@b.example", "Subject: Mail delivery failed: returning message to sender"}, "550 5.1.1 User unknown"), KindBounce},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			if a := analyzeKind(t, tt.raw); a.Kind != tt.want {
				t.Errorf("Kind = %q (%s), want %q", a.Kind, a.Reason, tt.want)
			}
		})
	}
}

func TestOptOutToken(t *testing.T) {
	a := analyzeKind(t, rawMail([]string{"From: a@b.example", "To: therapist+optout-AbC123dEf@rapport.test", "Subject: x"}, ""))
	if a.OptOutToken != "abc123def" {
		t.Errorf("token = %q", a.OptOutToken)
	}
	short := analyzeKind(t, rawMail([]string{"From: a@b.example", "To: therapist+optout-ab1@rapport.test", "Subject: Re: hi"}, "Thanks"))
	if short.Kind != KindPersonal || short.OptOutToken != "" {
		t.Errorf("a five-letter token is not ours: %q %q", short.Kind, short.OptOutToken)
	}
}

func TestOptOutWording(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"Please remove me from your list.", true},
		{"Take me off your mailing list", true},
		{"please stop emailing me", true},
		{"Do not contact me again.", true},
		{"No more emails, thanks.", true},
		{"I would like to unsubscribe.", true},
		{"UNSUBSCRIBE", true},
		{"Unsubscribe please, thanks!", true},
		{"Hi Dana,\nSTOP.\nJo", true},
		{"Bitte abmelden.", true},
		{"We don't want to receive any more emails from you.", true},
		{"Bitte keine weiteren E-Mails.", true},
		{"Bitte tragen Sie mich aus Ihrem Verteiler aus.", true},
		{"Entfernen Sie mich bitte.", true},
		{"Bitte melden Sie mich von diesem Newsletter ab.", true},
		{"Merci de me désabonner.", true},
		{"Retirez-moi de votre liste.", true},
		{"Je ne souhaite plus recevoir vos messages.", true},
		{"Por favor, darme de baja.", true},
		{"No me envíen más correos.", true},
		{"Elimíname de la lista.", true},
		{"Could you please remove me from your mailing list?", true},
		{"Can you please stop emailing me?", true},
		{"No, please take me off your list.", true},
		{"Please remove me from your list going forward. Thank you.", true},
		{"Don't worry about it, just remove me from your list.", true},
		{"Please do not contact me again.", true},
		{"Merci de ne plus m'écrire. Retirez-moi de votre liste.", true},
		// what must stay a reply
		{"I'm not taking new referrals right now, but keep in touch.", false},
		{"Thanks, remove the cookies from the schedule.", false},
		{"I'll stop by on Thursday.", false},
		{"Ich muss mich leider für den Termin abmelden.", false},
		{"Ich habe keine E-Mails von Ihnen erhalten.", false},
		{"Wir nehmen Sie gerne in unsere Liste auf.", false},
		{"Please don't email me at this address on weekends, call instead.", false},
		{"N'hésitez pas à me contacter.", false},
		{"No dude en contactarme.", false},
		// negations and questions around removal words
		{"No need to remove me! I just changed jobs.", false},
		{"Should I unsubscribe from something? I get two copies.", false},
		{"Please don't take me off your list, I'm only swamped until January.", false},
		{"How do I remove the old address from your mailing list?", false},
		{"You don't have to remove me, I enjoy your notes.", false},
		{"I do not want to unsubscribe.", false},
		{"Do I need to opt out of the old list?", false},
		{"Would you like me to unsubscribe my colleague?", false},
		{"Please remove me from the cc and add our office manager.", false},
		{"Take me off this thread, Janet handles referrals.", false},
		{"Ich möchte mich nicht von Ihrer Liste abmelden.", false},
		{"Surtout ne me désabonnez pas, j'aime vos messages.", false},
		{"No quiero darme de baja, gracias.", false},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if _, got := optOutWording(tt.text); got != tt.want {
				t.Errorf("optOutWording(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestDSNActionsAndStatuses(t *testing.T) {
	dsn := func(action, status string) []byte {
		return rawMail([]string{"From: MAILER-DAEMON@mx.example", "To: therapist@rapport.test", "Subject: Delivery report",
			`Content-Type: multipart/report; report-type=delivery-status; boundary="b"`},
			"--b\nContent-Type: text/plain\n\nreport\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example\n\n"+
				"Final-Recipient: rfc822; <Pat@Example.ORG>\nAction: "+action+"\nStatus: "+status+"\n--b--\n")
	}
	tests := []struct {
		story, action, status string
		hard, delayed         bool
	}{
		{"failed with 5.1.1 is hard", "failed", "5.1.1", true, false},
		{"failed with 4.x.x is soft", "failed", "4.4.7", false, false},
		{"failed with a full mailbox is soft", "failed", "5.2.2", false, false},
		{"delayed is neither hard nor failed", "delayed", "4.4.1", false, true},
		{"delivered is no failure at all", "delivered", "2.0.0", false, false},
		{"Action with a comment", "failed (bad address)", "5.1.2 (host unknown)", true, false},
		{"failed without a status is soft: no proof the address is gone", "failed", "", false, false},
		{"failed with an unreadable status is soft", "failed", "see below", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			a := analyzeKind(t, dsn(tt.action, tt.status))
			if a.Kind != KindBounce || a.Bounce == nil {
				t.Fatalf("Kind = %q", a.Kind)
			}
			if a.Bounce.Hard != tt.hard || a.Bounce.Delayed != tt.delayed {
				t.Errorf("Hard=%v Delayed=%v", a.Bounce.Hard, a.Bounce.Delayed)
			}
			if len(a.Bounce.Recipients) != 1 || a.Bounce.Recipients[0] != "Pat@example.org" {
				t.Errorf("Recipients = %q", a.Bounce.Recipients)
			}
		})
	}
}

func TestBrokenDeliveryReportIsStillABounce(t *testing.T) {
	raw := rawMail([]string{"From: Mail Delivery Subsystem <postmaster@mx.example>", "To: therapist@rapport.test", "Subject: Returned mail",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="b"`},
		"--b\nContent-Type: text/plain\n\n<pat@example.org>: 550 5.1.1 user unknown\n--b\nContent-Type: message/delivery-status\n\ngarbage\n--b--\n")
	a := analyzeKind(t, raw)
	if a.Kind != KindBounce || a.Bounce == nil || !a.Bounce.Hard || a.Bounce.Status != "5.1.1" {
		t.Fatalf("got %q %+v", a.Kind, a.Bounce)
	}
	if len(a.Bounce.Recipients) != 1 || a.Bounce.Recipients[0] != "pat@example.org" {
		t.Errorf("Recipients = %q", a.Bounce.Recipients)
	}
}

func TestBounceWithoutAStatusCodeIsSoft(t *testing.T) {
	tests := []struct {
		story string
		raw   []byte
	}{
		{"Exim notice naming the address but no code", rawMail([]string{"From: Mail Delivery System <Mailer-Daemon@mx.example>",
			"To: therapist@rapport.test", "X-Failed-Recipients: pat@example.org", "Subject: Mail delivery failed: returning message to sender"},
			"This message was created automatically by mail delivery software.\n\nA message that you sent could not be delivered to one or more of its\n"+
				"recipients. This is a permanent error. The following address(es) failed:\n\n  pat@example.org\n    Unrouteable address\n")},
		{"postmaster notice saying user unknown without a code", rawMail([]string{"From: postmaster@mx.example", "To: therapist@rapport.test",
			"Subject: Undeliverable: Hello from Dana"}, "Your message to pat@example.org could not be delivered: user unknown.\n")},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			a := analyzeKind(t, tt.raw)
			if a.Kind != KindBounce || a.Bounce == nil {
				t.Fatalf("Kind = %q (%s)", a.Kind, a.Reason)
			}
			if a.Bounce.Hard || a.Bounce.Delayed {
				t.Errorf("Hard=%v Delayed=%v (%s): only a 5.x.x status may end a contact for good", a.Bounce.Hard, a.Bounce.Delayed, a.Reason)
			}
		})
	}
}

func TestAnalyzeHeaderAsksForTheBodyWhenItMust(t *testing.T) {
	tests := []struct {
		story    string
		header   []string
		kind     Kind
		needBody bool
	}{
		{"a delivery report needs its body", []string{"From: MAILER-DAEMON@mx.example", "Subject: Undelivered Mail Returned to Sender",
			`Content-Type: multipart/report; report-type=delivery-status; boundary="b"`}, KindBounce, true},
		{"a postmaster message needs its body", []string{"From: postmaster@mx.example", "Subject: hello"}, KindBounce, true},
		{"an auto-reply needs its body for the return date", with("Subject: Automatic reply: hi", "Auto-Submitted: auto-generated"), KindAutoReply, true},
		{"a personal message needs its body for opt-out wording", with("Subject: Re: hi"), KindPersonal, true},
		{"a newsletter is settled by its header", with("Subject: news", "List-Id: <news.example>"), KindList, false},
		{"mail to the opt-out address is settled by its header", []string{"From: a@b.example", "To: t+optout-abcdef12@rapport.test"}, KindOptOut, false},
		{"an RSVP subject needs the calendar part", with("Subject: Declined: Meet & Greet"), KindRSVP, true},
	}
	for _, tt := range tests {
		t.Run(tt.story, func(t *testing.T) {
			a, err := AnalyzeHeader([]byte(strings.Join(tt.header, "\r\n")))
			if err != nil {
				t.Fatal(err)
			}
			if a.Kind != tt.kind || a.NeedBody != tt.needBody {
				t.Errorf("Kind=%q NeedBody=%v (%s), want %q %v", a.Kind, a.NeedBody, a.Reason, tt.kind, tt.needBody)
			}
		})
	}
}

// hostileInputs are a message of 5,000 MIME parts and a 12 MB one-part
// reply: what a broken or malicious sender may put in the inbox.
func hostileInputs() (manyParts, huge []byte) {
	var b strings.Builder
	b.WriteString("From: a@b.example\nSubject: Re: hi\nContent-Type: multipart/mixed; boundary=x\n\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "--x\nContent-Type: text/plain\n\npart %d please remove me\n", i)
	}
	b.WriteString("--x--\n")
	return []byte(b.String()), rawMail(with("Subject: Re: hi"), strings.Repeat("All good here, thanks. ", 1<<19))
}

// Their cost is BenchmarkHostileInputs; here, only that the answers are
// right.
func TestHugeAndHostileInputsAreClassified(t *testing.T) {
	manyParts, huge := hostileInputs()
	if a := analyzeKind(t, manyParts); a.Kind != KindOptOut {
		t.Errorf("5,000 parts asking for removal: Kind = %q", a.Kind)
	}
	if a := analyzeKind(t, huge); a.Kind != KindPersonal {
		t.Errorf("a 12 MB reply: Kind = %q", a.Kind)
	}
}

func TestNoLineBreaksInFields(t *testing.T) {
	raw := rawMail([]string{"From: =?utf-8?Q?Evil=0D=0ABcc:_x?= <a@b.example>", "To: t@rapport.test",
		"Subject: =?utf-8?Q?Hi=0D=0AX-Injected:_1=00?=", "Message-ID: <id\x00x@b.example>"}, "hello")
	a := analyzeKind(t, raw)
	for _, s := range []string{a.FromName, a.Subject, a.MessageID} {
		if strings.ContainsAny(s, "\r\n\x00") {
			t.Errorf("field %q holds a line break or NUL", s)
		}
	}
}
