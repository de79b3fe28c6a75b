package report

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// practice is a store with a known quarter of outreach: two campaigns,
// three kinds of sources who refer, and a school counselor who does not.
type practice struct {
	t   *testing.T
	ctx context.Context
	st  *store.Store
	clk *clock
	ids map[string]int64
	n   int
}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func newPractice(t *testing.T) *practice {
	t.Helper()
	p := &practice{t: t, ctx: context.Background(), clk: &clock{t: at("2025-10-01 12:00")}, ids: map[string]int64{}}
	var err error
	p.st, err = store.Open(p.ctx, filepath.Join(t.TempDir(), "rapport.db"), &store.Options{Now: p.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.st.Close() })
	p.contacts()
	return p
}

func (p *practice) contacts() {
	im, err := p.st.BeginImport(p.ctx, store.ImportMeta{File: "sources.csv"})
	if err != nil {
		p.t.Fatal(err)
	}
	rows := []struct {
		key, kind, name string
		stage           contact.Stage
		tags            []string
	}{
		{"doc1", "physician", "Maria Alvarez", "", nil}, {"doc2", "physician", "James Okafor", "", nil},
		{"doc3", "physician", "Wen Zhou", "", nil}, {"doc4", "physician", "Hannah Becker", contact.StagePartner, nil},
		{"pastor1", "pastor", "Daniel Kim", "", nil}, {"pastor2", "pastor", "Ruth Adeyemi", "", nil},
		{"ther1", "therapist", "Priya Raman", "", []string{"close-colleague"}}, {"ther2", "therapist", "Tom Reyes", "", nil},
		{"ther3", "therapist", "Dana Ruiz", contact.StageMeeting, []string{"close-colleague"}},
		{"school1", "school-counselor", "Carol Jensen", "", nil},
	}
	for _, r := range rows {
		first, last, _ := cut(r.name)
		c := contact.Contact{Email: r.key + "@sources.test", FirstName: first, LastName: last, Kind: r.kind, Stage: r.stage, Tags: r.tags}
		if _, err := im.Add(c); err != nil {
			p.t.Fatal(err)
		}
	}
	if _, err := im.Commit(len(rows), nil); err != nil {
		p.t.Fatal(err)
	}
	list, _ := p.st.Contacts(p.ctx, store.Filter{})
	for _, c := range list {
		p.ids[c.Email[:len(c.Email)-len("@sources.test")]] = c.ID
	}
}

func cut(name string) (string, string, bool) {
	for i := range name {
		if name[i] == ' ' {
			return name[:i], name[i+1:], true
		}
	}
	return name, "", false
}

// send records a note that went out at when; failed notes bounce at the
// server.
func (p *practice) send(campaign, step, who, when string, failed bool) int64 {
	p.t.Helper()
	p.clk.Set(at(when))
	p.n++
	sd, err := p.st.Claim(p.ctx, store.SendKey{Campaign: campaign, Step: step, ContactID: p.ids[who]},
		store.Pending{Email: who + "@sources.test", MessageID: fmt.Sprintf("m%d@me.test", p.n)}, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	if failed {
		err = p.st.MarkFailed(p.ctx, sd.ID, "550 5.1.1 no such user", true)
	} else {
		err = p.st.MarkSent(p.ctx, sd.ID, "250 ok")
	}
	if err != nil {
		p.t.Fatal(err)
	}
	return sd.ID
}

// mail records an incoming message about who (sendID 0: matched by
// address only), with the stage move it causes.
func (p *practice) mail(who string, sendID int64, class, when string, move contact.Stage) {
	p.t.Helper()
	p.clk.Set(at(when))
	p.n++
	_, err := p.st.ApplyInbound(p.ctx, store.Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(p.n),
		MessageID: fmt.Sprintf("in%d@sources.test", p.n), Class: class, ContactID: p.ids[who], SendID: sendID,
		From: who + "@sources.test", ReceivedAt: at(when), Move: move, EventType: contact.EventType(class)})
	if err != nil {
		p.t.Fatal(err)
	}
}

func (p *practice) stage(who string, to contact.Stage, when string) {
	p.t.Helper()
	p.clk.Set(at(when))
	if _, _, err := p.st.MoveStage(p.ctx, p.ids[who], store.Move{To: to, Reason: "met"}); err != nil {
		p.t.Fatal(err)
	}
}

func (p *practice) referral(who, day string, n int) {
	p.t.Helper()
	d, _ := time.Parse("2006-01-02", day)
	if _, err := p.st.AddReferral(p.ctx, store.Referral{ContactID: p.ids[who], On: d, Count: n}); err != nil {
		p.t.Fatal(err)
	}
}

// quarter is the first quarter of 2026 of a practice in Chicago.
func (p *practice) quarter() {
	a1 := p.send("intro-physicians", "intro", "doc1", "2026-01-05 15:00", false)
	a2 := p.send("intro-physicians", "intro", "doc2", "2026-01-05 15:00", false)
	p.send("intro-physicians", "intro", "doc3", "2026-01-05 15:00", false)
	p.send("intro-physicians", "intro", "pastor1", "2026-01-05 15:00", false)
	p.send("intro-therapists", "intro", "pastor2", "2025-12-20 15:00", false) // before the quarter
	p.mail("doc2", a2, "auto-reply", "2026-01-05 16:00", "")
	p.mail("doc1", a1, "reply", "2026-01-06 15:00", contact.StageReplied)   // 24 hours
	p.mail("pastor1", 0, "reply", "2026-01-08 15:00", contact.StageReplied) // 72 hours, by address
	f2 := p.send("intro-physicians", "follow-up", "doc2", "2026-01-15 15:00", false)
	f3 := p.send("intro-physicians", "follow-up", "doc3", "2026-01-15 15:00", false)
	p.mail("doc2", f2, "bounce", "2026-01-15 16:00", contact.StageBounced)
	p.mail("doc3", f3, "opt-out", "2026-01-16 15:00", contact.StageOptedOut)
	b1 := p.send("intro-therapists", "intro", "ther1", "2026-02-02 15:00", false)
	p.send("intro-therapists", "intro", "ther2", "2026-02-02 15:00", true)
	p.mail("ther1", b1, "reply", "2026-02-02 21:00", contact.StageReplied) // 6 hours
	p.stage("doc1", contact.StageMeeting, "2026-01-20 15:00")
	p.stage("pastor1", contact.StagePartner, "2026-02-01 15:00")
	p.stage("pastor2", contact.StageMeeting, "2026-01-12 15:00")
	p.stage("ther1", contact.StagePartner, "2026-02-25 15:00")
	p.referral("ther1", "2025-11-01", 1) // before any note
	p.referral("pastor2", "2026-01-10", 1)
	p.referral("pastor1", "2026-02-10", 2)
	p.referral("ther1", "2026-02-20", 1)
	p.referral("pastor1", "2026-03-05", 2)
	p.referral("doc1", "2026-03-20", 1)
	p.referral("doc1", "2026-04-02", 5) // after the quarter
	p.clk.Set(at("2025-03-01 18:00"))
	if err := p.st.LogInteraction(p.ctx, p.ids["doc4"], at("2025-03-01 18:00"), "dropped off cookies"); err != nil {
		p.t.Fatal(err)
	}
	p.clk.Set(at("2026-04-03 14:00"))
}

var rules = &contact.TouchRules{
	Kinds:  map[string]contact.Interval{"physician": {Months: 12}, "pastor": {Months: 6}},
	Tags:   map[string]contact.Interval{"close-colleague": {Months: 3}},
	Stages: contact.DefaultTouchStages,
}
