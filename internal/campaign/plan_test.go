package campaign

import (
	"fmt"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/schedule"
)

func load(t *testing.T, path string) *Campaign {
	t.Helper()
	ny, _ := time.LoadLocation("America/New_York")
	c, err := Load(path, Env{Location: ny, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// world is a small simulation of contacts, a journal and replies, driven by
// Plan the way the daemon drives it.
type world struct {
	t        *testing.T
	c        *Campaign
	facts    map[int64]*Facts
	sent     map[string]time.Time // "contact/step" → when
	log      []string
	perHour  int
	window   schedule.Window
	holidays schedule.Holidays
}

func newWorld(t *testing.T, c *Campaign, n int) *world {
	w := &world{t: t, c: c, facts: map[int64]*Facts{}, sent: map[string]time.Time{}, perHour: 5}
	w.window, _ = schedule.ParseWindow("Mon-Fri 09:00-17:00")
	w.holidays, _ = schedule.ParseHolidays([]string{"2026-11-26"})
	for i := 1; i <= n; i++ {
		w.add(int64(i), "physician")
	}
	return w
}

func (w *world) add(id int64, kind string) {
	w.facts[id] = &Facts{Contact: &contact.Contact{ID: id, Email: fmt.Sprintf("doc%02d@clinic.test", id), Kind: kind,
		Stage: contact.StageNew}, Sends: map[string]*contact.Send{}}
}

func (w *world) list() []Facts {
	var out []Facts
	for id := int64(1); id <= int64(len(w.facts)); id++ {
		out = append(out, *w.facts[id])
	}
	return out
}

// capacity counts sends in the last hour, like the store's rolling window.
func (w *world) capacity(now time.Time) int {
	n := w.perHour
	for _, at := range w.sent {
		if now.Sub(at) < time.Hour {
			n--
		}
	}
	return max(n, 0)
}

func (w *world) tick(now time.Time) {
	items := w.c.Plan(w.list(), Options{Now: now, Window: w.window, Holidays: w.holidays,
		Pipeline: contact.DefaultPipeline(), Capacity: w.capacity(now)})
	for _, it := range items {
		if !it.Due {
			continue
		}
		key := fmt.Sprintf("%d/%s", it.Contact.ID, it.Step.ID)
		if _, dup := w.sent[key]; dup {
			w.t.Fatalf("%s: %s planned twice", now, key)
		}
		w.sent[key] = now
		f := w.facts[it.Contact.ID]
		f.Sends[it.Step.ID] = &contact.Send{Step: it.Step.ID, State: contact.SendSent, SentAt: now}
		if f.Contact.Stage == contact.StageNew {
			f.Contact.Stage = contact.StageContacted
		}
		w.log = append(w.log, key)
	}
}

func TestThreeStepsOverWeeksWithRepliesBouncesAndDST(t *testing.T) {
	c := load(t, "testdata/intro.toml")
	w := newWorld(t, c, 12)
	ny := c.Location
	start := time.Date(2026, 10, 19, 8, 0, 0, 0, ny) // a Monday; DST ends Nov 1
	end := start.AddDate(0, 0, 56)
	events := map[time.Time]func(){
		time.Date(2026, 10, 21, 12, 0, 0, 0, ny): func() { w.facts[3].EngagedAt = time.Date(2026, 10, 21, 12, 0, 0, 0, ny) }, // Dr. 3 answers
		time.Date(2026, 10, 22, 12, 0, 0, 0, ny): func() { w.facts[4].Contact.Stage = contact.StageBounced },
		time.Date(2026, 10, 23, 12, 0, 0, 0, ny): func() { w.facts[5].Contact.Stage = contact.StageOptedOut },
		time.Date(2026, 11, 2, 12, 0, 0, 0, ny):  func() { w.add(13, "physician") }, // a re-import brings a new office
		time.Date(2026, 10, 28, 12, 0, 0, 0, ny): func() {
			w.facts[6].HoldUntil = time.Date(2026, 11, 20, 0, 0, 0, 0, ny) // on vacation
			w.facts[6].AutoRepliedAt = time.Date(2026, 10, 28, 12, 0, 0, 0, ny)
		},
	}
	for now := start; now.Before(end); now = now.Add(15 * time.Minute) {
		if ev, ok := events[now]; ok {
			ev()
		}
		w.tick(now)
	}
	for key, at := range w.sent {
		local := at.In(ny)
		if !w.window.Contains(local) || w.holidays.Has(local) {
			t.Errorf("%s sent outside the window at %s", key, local)
		}
	}
	for _, id := range []int64{3, 4, 5} {
		if _, ok := w.sent[fmt.Sprintf("%d/follow-up", id)]; ok {
			t.Errorf("contact %d got a follow-up after replying, bouncing or opting out", id)
		}
	}
	for id := int64(1); id <= 13; id++ {
		intro, ok := w.sent[fmt.Sprintf("%d/intro", id)]
		if !ok {
			t.Errorf("contact %d never got the intro", id)
			continue
		}
		if fu, ok := w.sent[fmt.Sprintf("%d/follow-up", id)]; ok {
			if min := (schedule.Delay{N: 10, Unit: "business day", Business: true}).After(intro, w.holidays); fu.Before(min) {
				t.Errorf("contact %d follow-up at %s, before 10 business days after %s", id, fu, intro)
			}
			if id == 6 && fu.Before(time.Date(2026, 11, 20, 9, 0, 0, 0, ny)) {
				t.Errorf("the vacationer's follow-up went out at %s, before their return", fu)
			}
		}
	}
	if got := len(w.sent); got != 13+10+10 {
		t.Errorf("%d messages in all, want 33 (13 intros, 10 follow-ups, 10 last notes): %v", got, w.log)
	}
}

func TestCapsRollOverFollowUpsFirst(t *testing.T) {
	c := load(t, "testdata/intro.toml")
	ny := c.Location
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, ny)
	w := newWorld(t, c, 4)
	w.facts[4].Contact.Stage = contact.StageContacted
	w.facts[4].Sends["intro"] = &contact.Send{State: contact.SendSent, SentAt: now.AddDate(0, 0, -20)}
	items := c.Plan(w.list(), Options{Now: now, Window: w.window, Pipeline: contact.DefaultPipeline(), Capacity: 2})
	if !items[0].Due || items[0].Contact.ID != 4 || items[0].Step.ID != "follow-up" {
		t.Fatalf("first due item = %+v, want contact 4's follow-up", items[0])
	}
	var capped int
	for _, it := range items {
		if it.Code == CodeCap {
			capped++
		}
	}
	if !items[1].Due || capped != 2 {
		t.Errorf("items = %+v", items)
	}
}

func TestReasonsUsersSee(t *testing.T) {
	c := load(t, "testdata/intro.toml")
	ny := c.Location
	sat := time.Date(2026, 11, 28, 10, 0, 0, 0, ny)
	w := newWorld(t, c, 3)
	w.facts[2].Sends["intro"] = &contact.Send{ID: 9, State: contact.SendUnknown}
	w.facts[3].Contact.Email = ""
	items := c.Plan(w.list(), Options{Now: sat, Window: w.window, Pipeline: contact.DefaultPipeline(), Capacity: -1, Paused: true})
	got := map[int64]Code{}
	for _, it := range items {
		got[it.Contact.ID] = it.Code
	}
	want := map[int64]Code{1: CodeWindow, 2: CodeOutbox, 3: CodeNoEmail}
	for id, code := range want {
		if got[id] != code {
			t.Errorf("contact %d: %s, want %s", id, got[id], code)
		}
	}
	mon := time.Date(2026, 11, 30, 10, 0, 0, 0, ny)
	items = c.Plan(w.list()[:1], Options{Now: mon, Window: w.window, Pipeline: contact.DefaultPipeline(), Capacity: -1, Paused: true})
	if items[0].Code != CodePaused {
		t.Errorf("a paused campaign: %+v", items[0])
	}
	items = c.Plan(w.list()[:1], Options{Now: mon, Window: w.window, Pipeline: contact.DefaultPipeline(), Capacity: -1,
		Check: func(*contact.Contact, *Step) error { return fmt.Errorf("{{.Title}} is empty") }})
	if items[0].Code != CodeMissing {
		t.Errorf("a missing field: %+v", items[0])
	}
}

func TestCampaignFileProblemsNameLineAndKey(t *testing.T) {
	dir := t.TempDir()
	path := dir + "/bad.toml"
	writeFile(t, path, `name = "Bad Name"
schedule = "0 9 * *"
[audience]
kinds = ["astronaut"]
[[steps]]
id = "intro"
template = "intro"
thread = true
[[steps]]
id = "intro"
after = "ten days"
template = "x"
unless = ["answered"]
`)
	_, err := Load(path, Env{Location: time.UTC, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{"line 1: name", "line 2: schedule", "line 4: audience.kinds", "line 8: steps.0.thread",
		"line 10: steps.1.id", "line 11: steps.1.after", "line 13: steps.1.unless"} {
		if !contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
}

func TestSampleCampaignsLoad(t *testing.T) {
	list, errs := LoadDir("../../campaigns", Env{Location: time.UTC, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if len(errs) > 0 || len(list) < 3 {
		t.Fatalf("samples: %d loaded, errors %v", len(list), errs)
	}
	yearly, _ := Find(list, "yearly-touch")
	if yearly == nil || yearly.Round(time.Date(2027, 7, 1, 12, 0, 0, 0, time.UTC)) != "2027" {
		t.Errorf("yearly-touch round: %+v", yearly)
	}
}
