package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/daemon"
	"rapport/internal/web"
)

// twoOffices is a user with two physicians' offices imported.
func twoOffices(t *testing.T) *user {
	u := newUser(t)
	csv := "Title,First,Last,Practice,Type,Email\n" +
		"Dr.,Maria,Alvarez,Elm Pediatrics,physician,malvarez@elmpeds.test\n" +
		"Dr.,James,Okafor,Riverside,physician,jokafor@riverside.test\n"
	os.WriteFile(filepath.Join(u.dir, "contacts.csv"), []byte(csv), 0o644)
	if _, errs, code := u.run("import", filepath.Join(u.dir, "contacts.csv")); code != 0 {
		t.Fatal(errs)
	}
	return u
}

func TestAStageMovedOnTheBoardIsRecordedAsTheCommandRecordsIt(t *testing.T) {
	u := twoOffices(t)
	if _, errs, code := u.run("contacts", "stage", "malvarez@elmpeds.test", "meeting", "--note", "coffee on Tuesday"); code != 0 {
		t.Fatal(errs)
	}
	d := openDashboard(t, u)
	ctx := context.Background()
	okafor, err := d.a.st.ContactByEmail(ctx, "jokafor@riverside.test")
	if err != nil {
		t.Fatal(err)
	}
	if w := d.post(fmt.Sprintf("/contacts/%d/stage", okafor.ID), url.Values{"stage": {"meeting"}, "note": {"coffee on Tuesday"}, "back": {"/"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("the board's move: %d %s", w.Code, w.Body)
	}
	a := d.a
	last := func(email string) contact.Event {
		c, _ := a.st.ContactByEmail(ctx, email)
		hist, _ := a.st.History(ctx, c.ID)
		e := hist[len(hist)-1]
		e.ID, e.ContactID = 0, 0
		return e
	}
	cli, board := last("malvarez@elmpeds.test"), last("jokafor@riverside.test")
	if cli != board {
		t.Errorf("the board recorded\n%+v\nthe command recorded\n%+v", board, cli)
	}
	if board.Type != contact.EventStage || board.From != "new" || board.To != "meeting" || board.Auto || board.Detail != "coffee on Tuesday" {
		t.Errorf("the move is recorded as %+v", board)
	}
	var shown struct {
		History []eventJSON `json:"history"`
	}
	u.json(&shown, "contacts", "show", "jokafor@riverside.test")
	if got := shown.History[len(shown.History)-1]; got.Type != "stage" || got.Detail != "new → meeting: coffee on Tuesday" {
		t.Errorf("contacts show tells the board's move as %+v", got)
	}
}

// dashboard is the dashboard of a user's rapport, signed in.
type dashboard struct {
	t       *testing.T
	a       *app
	h       http.Handler
	cookies []*http.Cookie
}

func openDashboard(t *testing.T, u *user) *dashboard {
	t.Helper()
	a := &app{env: Env{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Now: func() time.Time { return u.now }, Getenv: func(string) string { return "" }},
		configPath: filepath.Join(u.dir, "rapport.toml")}
	a.stdout, a.stderr = a.env.Stdout, a.env.Stderr
	a.setupLog(false)
	t.Cleanup(a.close)
	srv, err := a.dashboardServer(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	d := &dashboard{t: t, a: a, h: srv.Handler()}
	key, _ := web.LoadKey(web.KeyPath(a.st.Path()))
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, httptest.NewRequest("GET", "http://127.0.0.1:8750/?key="+url.QueryEscape(key), nil))
	d.cookies = w.Result().Cookies()
	return d
}

func (d *dashboard) do(r *http.Request) *httptest.ResponseRecorder {
	for _, c := range d.cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, r)
	return w
}

func (d *dashboard) post(path string, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "http://127.0.0.1:8750"+path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	return d.do(r)
}

func (d *dashboard) get(path string) string {
	d.t.Helper()
	w := d.do(httptest.NewRequest("GET", "http://127.0.0.1:8750"+path, nil))
	if w.Code != http.StatusOK {
		d.t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
	}
	return w.Body.String()
}

func TestAVisitAndAReferralFromTheDashboardAreTheCommandsOwn(t *testing.T) {
	u := twoOffices(t)
	d := openDashboard(t, u)
	ctx := context.Background()
	c, _ := d.a.st.ContactByEmail(ctx, "malvarez@elmpeds.test")
	page := fmt.Sprintf("/contacts/%d", c.ID)
	if w := d.post(page+"/visits", url.Values{"day": {""}, "text": {"dropped off cookies for the front desk"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("visit: %d %s", w.Code, w.Body)
	}
	out, _, _ := u.run("contacts", "show", "malvarez@elmpeds.test")
	if !strings.Contains(out, "by you: dropped off cookies for the front desk") {
		t.Errorf("contacts show does not tell the visit:\n%s", out)
	}
	if w := d.post(page+"/referrals", url.Values{"day": {"2026-11-20"}, "count": {"2"}, "note": {"met at the fall fair"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("referral: %d %s", w.Code, w.Body)
	}
	var refs []referralJSON
	u.json(&refs, "referrals", "list")
	if len(refs) != 1 || refs[0].Count != 2 || refs[0].Date != "2026-11-20" || refs[0].Note != "met at the fall fair" || refs[0].Email != "malvarez@elmpeds.test" {
		t.Errorf("referrals list: %+v", refs)
	}
	if body := d.get("/referrals"); !strings.Contains(body, "Dr. Maria Alvarez") || !strings.Contains(body, "met at the fall fair") {
		t.Error("the referrals page does not list it")
	}
	if body := d.get(page); !strings.Contains(body, "Visit or call") || !strings.Contains(body, "Referral") {
		t.Error("the contact's history lacks the visit or the referral")
	}
	if body := d.get("/events"); !strings.Contains(body, "Meet &amp; Greet for Local Clinicians") || !strings.Contains(body, "of 30 places") {
		t.Errorf("events:\n%s", body)
	}
	if body := d.get("/letters"); !strings.Contains(body, "No print batches yet") {
		t.Errorf("letters:\n%s", body)
	}
	if w := d.post("/letters/1/mailed", url.Values{}); w.Code != http.StatusNotFound {
		t.Errorf("marking a batch that is not there: %d", w.Code)
	}
}

func TestDashboardCommandPrintsItsLinkAndStatusShowsIt(t *testing.T) {
	u := twoOffices(t)
	cfg := filepath.Join(u.dir, "rapport.toml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(b), `listen = "127.0.0.1:8750"`, `listen = "127.0.0.1:0"`, 1)), 0o600)
	out := &syncBuffer{}
	env := Env{Stdout: out, Stderr: out, Now: func() time.Time { return u.now },
		Getenv: func(k string) string {
			if k == "RAPPORT_CONFIG" {
				return cfg
			}
			return ""
		}}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- RunEnv(ctx, env, []string{"dashboard"}) }()
	link := regexp.MustCompile(`http://127\.0\.0\.1:\d+/\?key=\S+`)
	deadline := time.Now().Add(10 * time.Second)
	for link.FindString(out.String()) == "" {
		if time.Now().After(deadline) {
			t.Fatalf("no link printed: %s", out)
		}
		time.Sleep(5 * time.Millisecond)
	}
	addr := link.FindString(out.String())
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || len(resp.Cookies()) == 0 {
		t.Errorf("the printed link does not sign in: %d %v", resp.StatusCode, resp.Cookies())
	}
	status, _, _ := u.run("status")
	if !strings.Contains(status, "dashboard: "+addr) {
		t.Errorf("status does not give the link %s:\n%s", addr, status)
	}
	stop()
	if code := <-done; code != 0 {
		t.Errorf("rapport dashboard: exit %d: %s", code, out)
	}
	status, _, _ = u.run("status")
	if !strings.Contains(status, "dashboard: not served") {
		t.Errorf("status after the stop:\n%s", status)
	}
	fi, err := os.Stat(web.KeyPath(filepath.Join(u.dir, "rapport.db")))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the key file: %v %v", fi, err)
	}
}

func TestTheDaemonServesTheDashboardAndSaysItsLink(t *testing.T) {
	u, _ := mailUser(t)
	cfg := filepath.Join(u.dir, "rapport.toml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(b), `listen = "127.0.0.1:8750"`, `listen = "127.0.0.1:0"`, 1)), 0o600)
	out := &syncBuffer{}
	clk := newFakeClock(u.now)
	a := &app{env: Env{Stdout: out, Stderr: out, Now: clk.Now, After: clk.After, Getenv: func(string) string { return "" }},
		stdout: out, stderr: out, configPath: cfg}
	a.setupLog(true)
	defer a.close()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	o := a.daemonOptions(st, make(chan struct{}))
	o.Serve = a.daemonDashboard(ctx)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, o) }()
	link := regexp.MustCompile(`dashboard: (http://127\.0\.0\.1:\d+/\?key=\S+)`)
	waitFor(t, "the daemon to print the dashboard's link", func() bool { return link.MatchString(out.String()) })
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(link.FindStringSubmatch(out.String())[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the link: %d", resp.StatusCode)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
