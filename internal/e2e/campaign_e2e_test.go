package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const twoStepCampaign = `name = %q
description = "e2e: an intro, then one threaded follow-up to those who did not answer"
schedule = "0 9 * * *"

[audience]
tags = [%q]

[[steps]]
id = "intro"
channel = "email"
template = "e2e-intro"

[[steps]]
id = "follow-up"
after = "2d"
channel = "email"
template = "e2e-follow-up"
thread = true
unless = ["replied", "opted-out", "bounced"]
`

const followUpTemplate = `---
subject: A different subject that threading replaces {{.Fields.token}}
---
Hi {{salutation "there"}},

Just a gentle nudge about my note from earlier this week. A short call is all I have in mind.

Thank you,
{{.Sender.Signature}}
`

func TestE2ETwoStepCampaign(t *testing.T) {
	s := Require(t)
	u := newRapportUser(t, s)
	u.startWatchingFromNow()
	token := UniqueSuffix()
	tag := "two-" + token
	replier, quiet := BatchUser(6), BatchUser(7)
	u.importContacts(tag, token, []csvContact{
		{"Dr.", "Hana", "Novák", "Riverside Family Medicine", "physician", replier},
		{"Dr.", "Omar", "Haddad", "Cedar Pediatrics", "physician", quiet},
	})
	u.writeTemplate("e2e-intro", introTemplate)
	u.writeTemplate("e2e-follow-up", followUpTemplate)
	camp := "e2e-two-" + token
	u.writeCampaign(camp, fmt.Sprintf(twoStepCampaign, camp, tag))
	u.mustRun("campaigns", "start", camp)

	// Day 0: both get the intro.
	rep, intro := u.send(camp)
	if rep.Sent != 2 || intro[replier] == "" || intro[quiet] == "" {
		t.Fatalf("first tick: %+v", rep)
	}
	for _, r := range rep.Results {
		if r.State == "sent" && r.Step != "intro" {
			t.Errorf("first tick sent %s/%s to %s", r.Campaign, r.Step, r.Contact)
		}
	}
	introRaw := s.findByMessageID(t, quiet, "INBOX", intro[quiet])
	introSubject, err := parseMessage(t, introRaw).header.Subject()
	if err != nil {
		t.Fatal(err)
	}
	s.findByMessageID(t, replier, "INBOX", intro[replier])

	// Day 0, later: Dr. Novák answers from her own mail server.
	replyID := "reply-" + token + "@clinic.test"
	s.Deliver(t, replier, s.User, Message("Hana Novák <"+replier+">", s.User, "Re: "+introSubject, replyID,
		"Yes, please come by on Thursday afternoon.\n\n> Could I stop by for ten minutes some afternoon?\n",
		"In-Reply-To: <"+intro[replier]+">", "References: <"+intro[replier]+">"))
	s.findByMessageID(t, s.User, "INBOX", replyID)
	res := u.inboxSync()
	r, ok := resultFor(res, replyID)
	if !ok {
		t.Fatalf("inbox sync did not report the reply %s: %+v", replyID, res)
	}
	if r.Class != "reply" || !strings.EqualFold(r.Contact, replier) || r.StageFrom != "contacted" || r.StageTo != "replied" {
		t.Errorf("the reply: %+v, want class reply, %s contacted → replied", r, replier)
	}

	// Day 1: nothing is due yet.
	u.shift = 24 * time.Hour
	if rep, _ := u.send(camp); rep.Sent != 0 {
		t.Errorf("a day after the intro: %+v", rep)
	}

	// Day 3: the follow-up goes to the one who did not answer, only.
	u.shift = 72 * time.Hour
	var plan []struct {
		Contact, Step, Reason string
		Due                   bool
	}
	u.json(&plan, "campaigns", "plan", camp)
	for _, p := range plan {
		if strings.EqualFold(addrOf(p.Contact), replier) && p.Due {
			t.Errorf("the plan has a note due for %s, who replied: %+v", replier, p)
		}
	}
	rep, follow := u.send(camp)
	if rep.Sent != 1 || follow[quiet] == "" || follow[replier] != "" {
		t.Fatalf("three days later: %+v, want one follow-up, to %s", rep, quiet)
	}
	for _, r := range rep.Results {
		if r.State == "sent" && r.Step != "follow-up" {
			t.Errorf("the second tick sent %s/%s", r.Campaign, r.Step)
		}
	}
	raw := s.findByMessageID(t, quiet, "INBOX", follow[quiet])
	checkWireFormat(t, raw)
	p := parseMessage(t, raw)
	want := "<" + intro[quiet] + ">"
	if got := strings.TrimSpace(p.header.Get("In-Reply-To")); got != want {
		t.Errorf("follow-up In-Reply-To %q, want %q", got, want)
	}
	if got := strings.Join(strings.Fields(p.header.Get("References")), " "); got != want {
		t.Errorf("follow-up References %q, want %q", got, want)
	}
	if subj, err := p.header.Subject(); err != nil || subj != "Re: "+introSubject {
		t.Errorf("follow-up Subject %q (%v), want %q", subj, err, "Re: "+introSubject)
	}
	if !strings.Contains(p.text, "gentle nudge") {
		t.Errorf("the follow-up is not the follow-up template:\n%s", p.text)
	}

	if c := u.contact(replier); c.Stage != "replied" || len(c.events("sent")) != 1 || len(c.events("reply")) != 1 {
		t.Errorf("%s: stage %s, history %+v", replier, c.Stage, c.History)
	}
	if c := u.contact(quiet); c.Stage != "contacted" || len(c.events("sent")) != 2 {
		t.Errorf("%s: stage %s, history %+v", quiet, c.Stage, c.History)
	}
	// The campaign is over: a week later nothing more goes out.
	u.shift = 10 * 24 * time.Hour
	if rep, _ := u.send(camp); rep.Sent != 0 {
		t.Errorf("after both steps: %+v", rep)
	}
}

// resultFor finds the inbox sync line of one message.
func resultFor(res []inboxResult, messageID string) (inboxResult, bool) {
	for _, r := range res {
		if r.MessageID == messageID {
			return r, true
		}
	}
	return inboxResult{}, false
}
