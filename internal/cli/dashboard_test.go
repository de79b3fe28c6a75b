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
	a := &app{env: Env{Stdout: &syncBuffer{}, Stderr: &syncBuffer{}, Now: func() time.Time { return u.now }, Getenv: func(string) string { return "" }},
		configPath: filepath.Join(u.dir, "rapport.toml")}
	a.stdout, a.stderr = a.env.Stdout, a.env.Stderr
	a.setupLog(false)
	defer a.close()
	ctx := context.Background()
	srv, err := a.dashboardServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	okafor, err := a.st.ContactByEmail(ctx, "jokafor@riverside.test")
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	key, _ := web.LoadKey(web.KeyPath(a.st.Path()))
	login := httptest.NewRecorder()
	h.ServeHTTP(login, httptest.NewRequest("GET", "http://127.0.0.1:8750/?key="+url.QueryEscape(key), nil))
	form := url.Values{"stage": {"meeting"}, "note": {"coffee on Tuesday"}, "back": {"/"}}
	r := httptest.NewRequest("POST", fmt.Sprintf("http://127.0.0.1:8750/contacts/%d/stage", okafor.ID), strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	for _, c := range login.Result().Cookies() {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("the board's move: %d %s", w.Code, w.Body)
	}
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
