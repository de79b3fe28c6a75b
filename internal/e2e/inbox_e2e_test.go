package e2e

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestE2EReplyBounceVacation sends one note each to a person who answers,
// to an address Postfix bounces with an RFC 3464 DSN, and to a mailbox
// whose Sieve vacation script answers; then one `rapport inbox sync` must
// tell the three apart and move each contact as the pipeline says.
func TestE2EReplyBounceVacation(t *testing.T) {
	s := Require(t)
	u := newRapportUser(t, s)
	u.startWatchingFromNow()
	token := UniqueSuffix()
	tag := "inbox-" + token
	replier := BatchUser(9)
	nobody := "nobody-" + token + "@clinic.test"
	away := Vacation
	u.importContacts(tag, token, []csvContact{
		{"Dr.", "Lena", "Fischer", "Lakeside Clinic", "physician", replier},
		{"Dr.", "Paul", "Gone", "Closed Practice", "physician", nobody},
		{"Dr.", "Vera", "Away", "Clinic on Vacation", "physician", away},
	})
	u.writeTemplate("e2e-intro", introTemplate)
	camp := "e2e-inbox-" + token
	u.writeCampaign(camp, fmt.Sprintf(oneStepCampaign, camp, tag))
	u.mustRun("campaigns", "start", camp)
	rep, intro := u.send(camp)
	if rep.Sent != 3 || intro[replier] == "" || intro[nobody] == "" || intro[away] == "" {
		t.Fatalf("send: %+v (Postfix must accept the unknown address at RCPT time and bounce it later)", rep)
	}

	// The person answers; Postfix bounces; Sieve answers for the absent.
	replyID := "reply-" + token + "@clinic.test"
	s.Deliver(t, replier, s.User, Message("Lena Fischer <"+replier+">", s.User, "Re: your note", replyID,
		"Thank you! Tuesday works for a call.\n",
		"In-Reply-To: <"+intro[replier]+">", "References: <"+intro[replier]+">"))
	s.findByMessageID(t, s.User, "INBOX", replyID)
	dsn := s.WaitForMessage(t, s.User, "INBOX", func(raw []byte) bool {
		return bytes.Contains(raw, []byte("<"+intro[nobody]+">")) && bytes.Contains(raw, []byte("multipart/report"))
	}, deliveryWait)
	vacation := s.WaitForMessage(t, s.User, "INBOX", HeaderContains("In-Reply-To", "<"+intro[away]+">"), deliveryWait)
	dsnID, vacationID := messageID(dsn), messageID(vacation)
	if dsnID == "" || vacationID == "" {
		t.Fatalf("the DSN (%q) or the auto-reply (%q) has no Message-ID", dsnID, vacationID)
	}

	res := u.inboxSync()
	for _, want := range []struct {
		what, id, class, contact, from, to string
	}{
		{"the reply", replyID, "reply", replier, "contacted", "replied"},
		{"the DSN", dsnID, "bounce", nobody, "contacted", "bounced"},
		{"the vacation auto-reply", vacationID, "auto-reply", away, "contacted", "contacted"},
	} {
		r, ok := resultFor(res, want.id)
		if !ok {
			t.Errorf("inbox sync did not report %s <%s>: %+v", want.what, want.id, res)
			continue
		}
		if r.Class != want.class || !strings.EqualFold(r.Contact, want.contact) || r.StageFrom != want.from || r.StageTo != want.to || r.Duplicate {
			t.Errorf("%s: %+v, want class %s for %s, %s → %s", want.what, r, want.class, want.contact, want.from, want.to)
		}
	}

	// Each contact's history tells its story.
	before := map[string]contactShown{}
	for _, want := range []struct {
		email, stage, event, detail, move string
	}{
		{replier, "replied", "reply", "reply from " + replier, "contacted → replied"},
		{nobody, "bounced", "bounce", "hard bounce", "contacted → bounced"},
		{away, "contacted", "auto-reply", "out-of-office from " + away, ""},
	} {
		c := u.contact(want.email)
		before[want.email] = c
		if c.Stage != want.stage {
			t.Errorf("%s is %s, want %s; history %+v", want.email, c.Stage, want.stage, c.History)
		}
		ev := c.events(want.event)
		if len(ev) != 1 || !strings.Contains(ev[0], want.detail) {
			t.Errorf("%s: %s events %q, want one with %q", want.email, want.event, ev, want.detail)
		}
		moves := c.events("stage")
		if want.move != "" && !slices.ContainsFunc(moves, func(d string) bool { return strings.Contains(d, want.move) }) {
			t.Errorf("%s: stage moves %q lack %q", want.email, moves, want.move)
		}
		if want.move == "" && slices.ContainsFunc(moves, func(d string) bool { return strings.Contains(d, "contacted →") }) {
			t.Errorf("%s: an out-of-office moved the contact: %q", want.email, moves)
		}
	}
	// The vacation script's return date (12 January 2099) is more than a
	// year away, which rapport distrusts: the next note waits for the
	// configured auto_reply_pause (7 days) instead.
	if ev := before[away].events("auto-reply"); len(ev) == 1 {
		_, after, _ := strings.Cut(ev[0], "next note waits until ")
		until, err := time.Parse("2006-01-02", strings.Fields(after + " x")[0])
		if days := until.Sub(time.Now()).Hours() / 24; err != nil || days < 5.5 || days > 7.6 {
			t.Errorf("the out-of-office should hold the next note for 7 days: %q", ev[0])
		}
	}

	// A second pass finds nothing new, or only what it has seen, and
	// changes nothing. (Mail another test run sends at the same moment may
	// arrive; none of it may touch these contacts.)
	seen := map[uint32]bool{}
	for _, r := range res {
		seen[r.UID] = true
	}
	for _, r := range u.inboxSync() {
		if seen[r.UID] && !r.Duplicate {
			t.Errorf("second sync processed message %d again: %+v", r.UID, r)
		}
		if !r.Duplicate && r.Contact != "" && r.StageFrom != r.StageTo {
			t.Errorf("second sync moved a contact: %+v", r)
		}
	}
	for email, b := range before {
		c := u.contact(email)
		if c.Stage != b.Stage || len(c.History) != len(b.History) {
			t.Errorf("%s changed after the second sync: %s %+v, before %s %+v", email, c.Stage, c.History, b.Stage, b.History)
		}
	}
}
