package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"time"
)

// story is what the demo shows, step by step.
func (d *demo) story(ctx context.Context) error {
	d.say("rapport demo: Anna Lee is a family therapist in Springfield. She keeps her referral")
	d.say("sources in a spreadsheet. A private mail server runs on this computer for the demo;")
	d.say("nothing leaves it.")
	d.say("\n1. Import the spreadsheet. Two rows have problems a real sheet has: a broken address")
	d.say("   and the same office pasted twice. They are reported by row; the rest comes in.")
	steps := [][]string{
		{"import", filepath.Join(d.dir, "contacts.csv"), "--tag", "springfield"},
		{"contacts", "list"},
	}
	if err := d.runAll(ctx, steps); err != nil {
		return err
	}
	d.say("\n2. The intro note to a physician's office, exactly as it would go out. It greets the")
	d.say("   doctor by title, and the front-office staff, who handle referrals.")
	if err := d.runHead(ctx, 40, "campaigns", "preview", "intro-physicians", "--contact", "malvarez@elmpeds.example"); err != nil {
		return err
	}
	d.say("\n3. Start the campaign (it is checked first) and send: one note per office, paced.")
	if err := d.runAll(ctx, [][]string{{"campaigns", "start", "intro-physicians"}, {"send", "intro-physicians"}}); err != nil {
		return err
	}
	d.say("\n4. Answers arrive: Janet at Elm Street's front desk replies for Dr. Alvarez, Dr. Zhou")
	d.say("   is on vacation, the Old Mill Clinic has closed (its server bounces the note), and")
	d.say("   Prairie Health asks to be left off the list.")
	if err := d.answers(); err != nil {
		return err
	}
	if err := d.runAll(ctx, [][]string{{"inbox", "sync"}}); err != nil {
		return err
	}
	d.say("\n5. Ten business days later, the follow-up goes only to those who have not answered:")
	later := time.Now().AddDate(0, 0, 15).Format("2006-01-02") + " 10:00"
	if err := d.runAll(ctx, [][]string{{"campaigns", "plan", "intro-physicians", "--at", later}}); err != nil {
		return err
	}
	if err := d.meetAndGreet(ctx); err != nil {
		return err
	}
	d.say("\n9. Every contact keeps its whole story, and the log tells what rapport did:")
	if err := d.runAll(ctx, [][]string{{"contacts", "show", "priya@ramancounseling.example"}, {"log", "--since", "1h"}, {"status"}}); err != nil {
		return err
	}
	return d.handwrittenNote(ctx, 10)
}

func (d *demo) runAll(ctx context.Context, steps [][]string) error {
	for _, s := range steps {
		if err := d.run(ctx, s...); err != nil {
			return err
		}
	}
	return nil
}

// runHead runs a command and shows only its first lines.
func (d *demo) runHead(ctx context.Context, n int, args ...string) error {
	out := d.a.stdout
	lw := &lineLimit{w: out, left: n}
	d.a.stdout = lw
	err := d.run(ctx, args...)
	d.a.stdout = out
	if lw.cut {
		d.say("   [... the HTML part follows ...]")
	}
	return err
}

// answers delivers the mail Anna receives after her notes went out.
func (d *demo) answers() error {
	ids := d.sentIDs()
	msgs := []string{
		fmt.Sprintf("From: Janet Ortiz <janet@elmpeds.example>\r\nTo: %s\r\nSubject: Re: %s\r\nIn-Reply-To: <%s>\r\n"+
			"Message-ID: <demo-reply.%d@elmpeds.example>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Hi Anna, thanks for the note! Dr. Alvarez would love to have your cards for the waiting room.\r\n"+
			"Could you stop by on a Tuesday afternoon?\r\n\r\nJanet (front desk)\r\n",
			demoUser, ids["malvarez@elmpeds.example"].subject, ids["malvarez@elmpeds.example"].id, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z)),
		fmt.Sprintf("From: Wen Zhou <wzhou@maplepeds.example>\r\nTo: %s\r\nSubject: Automatic reply: %s\r\n"+
			"Auto-Submitted: auto-replied\r\nMessage-ID: <demo-ooo.%d@maplepeds.example>\r\nDate: %s\r\n"+
			"Content-Type: text/plain; charset=utf-8\r\n\r\nI am out of the office and will be back on %s.\r\n",
			demoUser, ids["wzhou@maplepeds.example"].subject, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z),
			time.Now().AddDate(0, 0, 12).Format("Monday, January 2")),
		fmt.Sprintf("From: Łukasz Nowak <lnowak@prairiehealth.example>\r\nTo: %s\r\nSubject: Re: %s\r\nIn-Reply-To: <%s>\r\n"+
			"Message-ID: <demo-optout.%d@prairiehealth.example>\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
			"Please remove me from your list. We only refer within our network.\r\n",
			demoUser, ids["lnowak@prairiehealth.example"].subject, ids["lnowak@prairiehealth.example"].id, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z)),
	}
	for _, m := range msgs {
		if err := d.srv.Deliver(demoUser, []byte(m)); err != nil {
			return err
		}
	}
	return nil
}

type sentNote struct{ id, subject string }

// sentIDs reads what the server received, as the recipients' side.
func (d *demo) sentIDs() map[string]sentNote {
	out := map[string]sentNote{}
	for _, e := range d.srv.Received() {
		if len(e.To) == 1 {
			out[e.To[0]] = sentNote{id: e.MessageID, subject: headerValue(e.Data, "Subject")}
		}
	}
	return out
}
