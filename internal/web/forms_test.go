package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"rapport/internal/app"
	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// follow fetches the page a change sends the browser to, with the flash
// cookie the change set.
func (p *practice) follow(w interface {
	Result() *http.Response
}) string {
	p.t.Helper()
	res := w.Result()
	if res.StatusCode != http.StatusSeeOther {
		p.t.Fatalf("the change answered %d", res.StatusCode)
	}
	r := p.request("GET", res.Header.Get("Location"), nil, func(r *http.Request) {
		for _, c := range res.Cookies() {
			r.AddCookie(c)
		}
	})
	return r.Body.String()
}

func TestMovingAStageByForm(t *testing.T) {
	p := newPractice(t, nil)
	p.add(3)
	c := p.contact("office00000@clinic0.example")
	back := "/?kind=physician"
	w := p.post(fmt.Sprintf("/contacts/%d/stage", c.ID), url.Values{"stage": {"meeting"}, "note": {"coffee on Tuesday"}, "back": {back}})
	if loc := w.Header().Get("Location"); loc != back {
		t.Errorf("the move goes back to %q, not %q", loc, back)
	}
	if page := p.follow(w); !strings.Contains(page, "Dr. Maria Alvarez: New → Meeting.") {
		t.Errorf("the board does not say what moved:\n%s", page)
	}
	if got := p.contact(c.Email).Stage; got != "meeting" {
		t.Errorf("stage %s", got)
	}
	hist, _ := p.st.History(context.Background(), c.ID)
	if e := hist[len(hist)-1]; e.Type != contact.EventStage || e.Detail != "coffee on Tuesday" || e.Auto {
		t.Errorf("history %+v", e)
	}
	page := p.page(fmt.Sprintf("/contacts/%d", c.ID))
	if !strings.Contains(page, `<option value="meeting" selected>`) || !strings.Contains(page, "coffee on Tuesday") {
		t.Error("the contact page does not show the move")
	}
	t.Run("to the stage it is in", func(t *testing.T) {
		if page := p.follow(p.post(fmt.Sprintf("/contacts/%d/stage", c.ID), url.Values{"stage": {"meeting"}})); !strings.Contains(page, "is already in Meeting") {
			t.Error("no word that nothing moved")
		}
	})
	t.Run("to a stage that does not exist", func(t *testing.T) {
		w := p.post(fmt.Sprintf("/contacts/%d/stage", c.ID), url.Values{"stage": {"lunch"}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "unknown stage") {
			t.Errorf("%d %s", w.Code, w.Body)
		}
	})
	t.Run("with a line break in the note", func(t *testing.T) {
		w := p.post(fmt.Sprintf("/contacts/%d/stage", c.ID), url.Values{"stage": {"partner"}, "note": {"a\r\nb"}})
		if w.Code != http.StatusBadRequest || p.contact(c.Email).Stage != "meeting" {
			t.Errorf("%d, stage %s", w.Code, p.contact(c.Email).Stage)
		}
	})
	t.Run("of a contact that is not there", func(t *testing.T) {
		if w := p.post("/contacts/9999/stage", url.Values{"stage": {"partner"}}); w.Code != http.StatusNotFound {
			t.Errorf("%d", w.Code)
		}
	})
}

func TestStartingAndPausingACampaign(t *testing.T) {
	p := newPractice(t, nil)
	p.add(10)
	w := p.post("/campaigns/intro-physicians/start", url.Values{})
	if page := p.follow(w); !strings.Contains(page, "Campaign intro-physicians is started: 1 contact in its audience") {
		t.Errorf("the start is not said:\n%s", page)
	}
	if cs, _ := p.st.Campaign(context.Background(), "intro-physicians"); cs.State != store.CampaignActive {
		t.Errorf("state %s", cs.State)
	}
	if page := p.page("/campaigns"); !strings.Contains(page, `action="/campaigns/intro-physicians/pause"`) {
		t.Error("an active campaign offers no pause")
	}
	if page := p.follow(p.post("/campaigns/intro-physicians/pause", url.Values{})); !strings.Contains(page, "is paused") {
		t.Error("the pause is not said")
	}
	if cs, _ := p.st.Campaign(context.Background(), "intro-physicians"); cs.State != store.CampaignPaused {
		t.Errorf("state %s", cs.State)
	}
	t.Run("the plan gives the same reasons as campaigns plan", func(t *testing.T) {
		items, err := p.app.Plan(context.Background(), mustCampaign(t, p.app, "intro-physicians"), p.now)
		if err != nil || len(items) == 0 {
			t.Fatal(items, err)
		}
		page := p.page("/campaigns/intro-physicians")
		for _, it := range items {
			if !strings.Contains(page, it.Reason) {
				t.Errorf("the plan page lacks %q", it.Reason)
			}
		}
	})
	t.Run("a note that cannot be written stops the start", func(t *testing.T) {
		ctx := context.Background()
		im, _ := p.st.BeginImport(ctx, store.ImportMeta{File: "more.csv"})
		im.Add(contact.Contact{Email: "frontdesk@nameless.example", Kind: "physician"}) // no name, no practice
		im.Commit(1, nil)
		p.st.SetCampaignState(ctx, "intro-physicians", store.CampaignDraft)
		w := p.post("/campaigns/intro-physicians/start", url.Values{})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "is not started: 2 problems to fix first") ||
			!strings.Contains(w.Body.String(), "frontdesk@nameless.example") {
			t.Errorf("%d\n%s", w.Code, w.Body)
		}
		if cs, _ := p.st.Campaign(ctx, "intro-physicians"); cs.State != store.CampaignDraft {
			t.Errorf("state %s", cs.State)
		}
	})
}

func mustCampaign(t *testing.T, a *app.App, name string) *campaign.Campaign {
	t.Helper()
	c, err := a.Campaign(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// lockHeld says the daemon holds the sender lock with token.
type lockHeld string

func (l lockHeld) LiveToken(string) string { return string(l) }
func (l lockHeld) Holder(string) string    { return "rapport run (pid 4242, since Nov 23 08:00)" }

func TestResolvingTheOutbox(t *testing.T) {
	p := newPractice(t, nil)
	p.add(6)
	for i, d := range []struct {
		decision string
		state    contact.SendState
	}{{"sent", contact.SendSent}, {"resend", contact.SendDeferred}, {"drop", contact.SendDropped}} {
		id := p.uncertainNote(fmt.Sprintf("office%05d@clinic%d.example", i, i))
		if page := p.page("/outbox"); !strings.Contains(page, fmt.Sprintf(`action="/outbox/%d"`, id)) {
			t.Fatalf("the outbox offers no decision for %d", id)
		}
		page := p.follow(p.post(fmt.Sprintf("/outbox/%d", id), url.Values{"decision": {d.decision}}))
		if !strings.Contains(page, fmt.Sprintf("Note %d: %s.", id, app.Resolved(storeDecision(d.decision)))) {
			t.Errorf("%s: the outbox does not say what was done", d.decision)
		}
		if sd, _ := p.st.Send(context.Background(), id); sd.State != d.state && !(d.decision == "resend" && sd.State == contact.SendPlanned) {
			t.Errorf("%s: state %s", d.decision, sd.State)
		}
	}
	if w := p.post("/outbox/1", url.Values{"decision": {"maybe"}}); w.Code != http.StatusBadRequest {
		t.Errorf("a decision that is not one: %d", w.Code)
	}
	t.Run("a note being sent right now is shown as such, without buttons, and refused", func(t *testing.T) {
		ctx := context.Background()
		c := p.contact("office00005@clinic5.example")
		sd, err := p.st.Claim(ctx, store.SendKey{Campaign: "intro-physicians", Step: "intro", ContactID: c.ID},
			store.Pending{Email: c.Email, MessageID: "live-1@leefamilytherapy.example", Subject: "Hello", Owner: "tok-1"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		p.app = app.New(p.cfg, p.st, &app.Options{Now: func() time.Time { return p.now }, Senders: lockHeld("tok-1")})
		p.h = New(p.app, &Options{Listen: "127.0.0.1:8750", Key: testKey}).Handler()
		page := p.page("/outbox")
		if !strings.Contains(page, "being sent right now by rapport run (pid 4242") || strings.Contains(page, fmt.Sprintf(`action="/outbox/%d"`, sd.ID)) {
			t.Errorf("the outbox offers a decision about a note in flight:\n%s", page)
		}
		w := p.post(fmt.Sprintf("/outbox/%d", sd.ID), url.Values{"decision": {"drop"}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "is being sent right now") {
			t.Errorf("%d %s", w.Code, w.Body)
		}
		if got, _ := p.st.Send(ctx, sd.ID); got.State != contact.SendSending {
			t.Errorf("state %s", got.State)
		}
	})
}

func storeDecision(s string) store.Decision { d, _ := app.ParseDecision(s); return d }

// book records what the optional parts are given, as their stores will.
type book struct {
	visits    []string
	referrals []Referral
	mailed    map[int64]time.Time
}

func (b *book) extras() *Extras {
	return &Extras{
		LogVisit: func(_ context.Context, id int64, on time.Time, text string) error {
			b.visits = append(b.visits, fmt.Sprintf("%d %s %s", id, on.Format("2006-01-02"), text))
			return nil
		},
		AddReferral: func(_ context.Context, id int64, on time.Time, n int, note string) error {
			b.referrals = append(b.referrals, Referral{ContactID: id, On: on, Count: n, Note: note, Source: fmt.Sprint("#", id), Kind: "physician"})
			return nil
		},
		Referrals: func(context.Context) ([]Referral, error) { return b.referrals, nil },
		Invitations: func(context.Context) ([]Invitation, error) {
			return []Invitation{{Name: "meet", Title: "Meet-and-greet for local therapists", Start: time.Date(2026, 12, 3, 18, 0, 0, 0, time.UTC),
				Location: "Lee Family Therapy", Capacity: 2, Answers: []Answer{{ContactID: 1, Who: "Dr. Maria Alvarez", Answer: "accepted"},
					{ContactID: 2, Who: "Pastor James Okafor", Answer: "accepted"}, {ContactID: 3, Who: "Priya Chen", Answer: "waitlist"}}}}, nil
		},
		Batches: func(context.Context) ([]Batch, error) {
			return []Batch{{ID: 7, Campaign: "intro-by-post", Step: "card", Letters: 12, Printed: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
				Mailed: b.mailed[7], Files: []BatchFile{{Name: "letters.pdf", Path: "testdata/batch.pdf"}}}}, nil
		},
		MarkMailed: func(_ context.Context, id int64, on time.Time) error { b.mailed[id] = on; return nil },
	}
}

func TestTheOptionalParts(t *testing.T) {
	b := &book{mailed: map[int64]time.Time{}}
	p := newPractice(t, b.extras())
	p.add(3)
	c := p.contact("office00001@clinic1.example")
	contactPage := fmt.Sprintf("/contacts/%d", c.ID)
	page := p.page(contactPage)
	for _, want := range []string{`action="/contacts/` + fmt.Sprint(c.ID) + `/visits"`, `action="/contacts/` + fmt.Sprint(c.ID) + `/referrals"`,
		`href="/events"`, `href="/referrals"`, `href="/letters"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the contact page lacks %s", want)
		}
	}
	t.Run("a visit logged on the contact's page", func(t *testing.T) {
		w := p.post(contactPage+"/visits", url.Values{"day": {"2026-11-20"}, "text": {"dropped off cookies"}, "back": {contactPage}})
		if page := p.follow(w); !strings.Contains(page, "Noted: dropped off cookies.") {
			t.Error("the visit is not said")
		}
		if want := fmt.Sprintf("%d 2026-11-20 dropped off cookies", c.ID); len(b.visits) != 1 || b.visits[0] != want {
			t.Errorf("visits %q", b.visits)
		}
		if w := p.post(contactPage+"/visits", url.Values{"day": {"next week"}, "text": {"x"}}); w.Code != http.StatusBadRequest {
			t.Errorf("a day that is not one: %d", w.Code)
		}
	})
	t.Run("a referral recorded on the contact's page shows in the report", func(t *testing.T) {
		p.follow(p.post(contactPage+"/referrals", url.Values{"day": {"2026-10-02"}, "count": {"2"}, "note": {"met at the fall fair"}}))
		if len(b.referrals) != 1 || b.referrals[0].Count != 2 || b.referrals[0].On.Format("2006-01-02") != "2026-10-02" {
			t.Errorf("referrals %+v", b.referrals)
		}
		if w := p.post(contactPage+"/referrals", url.Values{"count": {"0"}}); w.Code != http.StatusBadRequest {
			t.Errorf("no referrals: %d", w.Code)
		}
		for _, u := range []string{"/referrals", "/report"} {
			if page := p.page(u); !strings.Contains(page, "Referrals by source, by quarter") || !strings.Contains(page, "Q4 2026") {
				t.Errorf("%s lacks the referrals chart", u)
			}
		}
	})
	t.Run("an event's answers against its capacity", func(t *testing.T) {
		page := p.page("/events")
		if !strings.Contains(page, "Meet-and-greet for local therapists") || !strings.Contains(page, "<strong>2</strong> coming of 2 places") ||
			!strings.Contains(page, "1 on the waiting list") || !strings.Contains(page, ">full<") {
			t.Errorf("events:\n%s", page)
		}
	})
	t.Run("a print batch marked mailed", func(t *testing.T) {
		if page := p.page("/letters"); !strings.Contains(page, `href="/letters/7/letters.pdf"`) || !strings.Contains(page, "Mark mailed") {
			t.Error("the batch has no download or no mark mailed")
		}
		if w := p.request("GET", "/letters/7/letters.pdf", nil); w.Code != http.StatusOK || !strings.HasPrefix(w.Body.String(), "%PDF") {
			t.Errorf("download: %d", w.Code)
		}
		if w := p.request("GET", "/letters/7/..%2frapport.toml", nil); w.Code != http.StatusNotFound {
			t.Errorf("a file the batch does not name: %d", w.Code)
		}
		page := p.follow(p.post("/letters/7/mailed", url.Values{"day": {"2026-11-21"}}))
		if !strings.Contains(page, "Batch 7 is marked mailed on Nov 21.") || b.mailed[7].IsZero() {
			t.Errorf("mailed %v", b.mailed)
		}
	})
}
