package web

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport"
	"rapport/internal/app"
	"rapport/internal/config"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// testKey is the dashboard key of the tests' practice.
const testKey = "test-key-0123456789-abcdefghijklmnopqrstuvwxyz"

// practice is a therapist's rapport as the dashboard sees it: the sample
// config, campaigns and templates, and a real store.
type practice struct {
	t   testing.TB
	dir string
	now time.Time
	cfg *config.Config
	st  *store.Store
	app *app.App
	srv *Server
	h   http.Handler
}

func newPractice(t testing.TB, x *Extras) *practice {
	t.Helper()
	p := &practice{t: t, dir: t.TempDir(), now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	fs.WalkDir(rapport.Samples, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := fs.ReadFile(rapport.Samples, path)
		if path == "config.example.toml" {
			path = "rapport.toml"
		}
		os.MkdirAll(filepath.Join(p.dir, filepath.Dir(path)), 0o755)
		return os.WriteFile(filepath.Join(p.dir, path), b, 0o600)
	})
	cfg, err := config.Load(filepath.Join(p.dir, "rapport.toml"))
	if err != nil {
		t.Fatal(err)
	}
	p.cfg = cfg
	clock := func() time.Time { return p.now }
	p.st, err = store.Open(context.Background(), cfg.Resolve(cfg.Store.Path), &store.Options{Now: clock, Pipeline: &cfg.Pipeline})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.st.Close() })
	p.app = app.New(cfg, p.st, &app.Options{Now: clock})
	o := &Options{Listen: "127.0.0.1:8750", Key: testKey}
	if x != nil {
		o.Extras = *x
	}
	p.srv = New(p.app, o)
	p.h = p.srv.Handler()
	return p
}

// What the fixtures cycle through: a town's referral sources.
var (
	fixtureKinds  = []string{"physician", "pastor", "school-counselor", "therapist", "agency"}
	fixtureStages = []contact.Stage{"new", "new", "contacted", "contacted", "replied", "meeting", "partner", "bounced"}
	fixtureFirst  = []string{"Maria", "James", "Priya", "Daniel", "Grace", "Samuel", "Elena", "Marcus", "Hannah", "Luis", "Aisha", "Tom"}
	fixtureLast   = []string{"Alvarez", "Okafor", "Chen", "Nguyen", "Brennan", "Kowalski", "Haddad", "Moreau", "Lindqvist", "Osei", "Park"}
	fixtureTitles = map[string]string{"physician": "Dr.", "pastor": "Pastor"}
	fixtureOrgs   = map[string][]string{
		"physician":        {"Elm Street Pediatrics", "Riverside Family Medicine", "Oak Park OB/GYN"},
		"pastor":           {"Grace Community Church", "St. Mark's Lutheran", "First Baptist Church"},
		"school-counselor": {"Lincoln Middle School", "Westview High School"},
		"therapist":        {"Harbor Counseling", "Maple Therapy Collective", ""},
		"agency":           {"Springfield Family Services", "County Youth Services"},
	}
	fixtureTags = []string{"pediatrics", "family-medicine", "church", "school", "couples", "adoption"}
)

// add imports n contacts spread over kinds, stages and tags, a year
// before now.
func (p *practice) add(n int) {
	p.t.Helper()
	ctx := context.Background()
	now := p.now
	p.now = now.AddDate(-1, 0, 0)
	defer func() { p.now = now }()
	im, err := p.st.BeginImport(ctx, store.ImportMeta{File: "contacts.xlsx"})
	if err != nil {
		p.t.Fatal(err)
	}
	for i := range n {
		kind := fixtureKinds[i%len(fixtureKinds)]
		orgs := fixtureOrgs[kind]
		c := contact.Contact{Email: fmt.Sprintf("office%05d@clinic%d.example", i, i%97),
			FirstName: fixtureFirst[i%len(fixtureFirst)], LastName: fixtureLast[(i/3)%len(fixtureLast)],
			Title: fixtureTitles[kind], Organization: orgs[(i/5)%len(orgs)], Kind: kind, Stage: fixtureStages[i%len(fixtureStages)],
			Tags:    []string{fixtureTags[i%len(fixtureTags)]},
			Address: contact.Address{Street: fmt.Sprintf("%d Elm St", 10+i%90), City: "Springfield", PostalCode: "62701", Region: "IL"}}
		c.Source.Row = i + 2
		if _, err := im.Add(c); err != nil {
			p.t.Fatal(err)
		}
	}
	if _, err := im.Commit(n, nil); err != nil {
		p.t.Fatal(err)
	}
}

// history gives every contact per history lines over the past year: notes
// sent, answers, out-of-office replies and stage moves.
func (p *practice) history(per int) {
	p.t.Helper()
	ctx := context.Background()
	list, err := p.st.Contacts(ctx, store.Filter{})
	if err != nil {
		p.t.Fatal(err)
	}
	kinds := []contact.Event{
		{Type: contact.EventSent, Detail: "intro-physicians/intro"},
		{Type: contact.EventAutoReply, Detail: "out of the office until Monday"},
		{Type: contact.EventReply, Detail: "reply from frontdesk@clinic.example: Re: A quick hello"},
		{Type: contact.EventStage, From: "new", To: "contacted"},
		{Type: contact.EventSent, Detail: "intro-physicians/follow-up"},
	}
	var batch []contact.Event
	for i, c := range list {
		for k := range per {
			e := kinds[k%len(kinds)]
			e.ContactID, e.Auto = c.ID, true
			e.At = p.now.Add(-time.Duration((i*7919+k*104729)%(360*24)) * time.Hour)
			batch = append(batch, e)
		}
		if len(batch) >= 20000 {
			if err := p.st.AddEvents(ctx, batch); err != nil {
				p.t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := p.st.AddEvents(ctx, batch); err != nil {
		p.t.Fatal(err)
	}
}

// contact finds a fixture contact by email.
func (p *practice) contact(email string) *contact.Contact {
	p.t.Helper()
	c, err := p.st.ContactByEmail(context.Background(), email)
	if err != nil {
		p.t.Fatal(err)
	}
	return c
}

// request runs one request through the whole handler, as a signed-in
// browser on this computer sends it.
func (p *practice) request(method, target string, form url.Values, mod ...func(*http.Request)) *httptest.ResponseRecorder {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, "http://127.0.0.1:8750"+target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Header.Set("Origin", "http://127.0.0.1:8750")
	}
	r.AddCookie(&http.Cookie{Name: "rapport_session_8750", Value: session(testKey)})
	for _, m := range mod {
		m(r)
	}
	w := httptest.NewRecorder()
	p.h.ServeHTTP(w, r)
	return w
}

func (p *practice) get(target string) (int, string) {
	p.t.Helper()
	w := p.request("GET", target, nil)
	return w.Code, w.Body.String()
}

func (p *practice) post(target string, form url.Values) *httptest.ResponseRecorder {
	p.t.Helper()
	return p.request("POST", target, form)
}

// page fetches a page that must answer 200.
func (p *practice) page(target string) string {
	p.t.Helper()
	code, body := p.get(target)
	if code != http.StatusOK {
		p.t.Fatalf("GET %s: %d\n%s", target, code, body)
	}
	return body
}
