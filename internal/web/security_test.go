package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"rapport/internal/contact"
	"rapport/internal/store"
)

func TestWithoutTheKeyOnlyTheLoginPageShows(t *testing.T) {
	p := newPractice(t, nil)
	p.add(10)
	c := p.contact("office00001@clinic1.example")
	for _, u := range []string{"/", fmt.Sprintf("/contacts/%d", c.ID), "/campaigns", "/outbox", "/report"} {
		r := httptest.NewRequest("GET", "http://127.0.0.1:8750"+u, nil)
		w := httptest.NewRecorder()
		p.h.ServeHTTP(w, r)
		body := w.Body.String()
		if w.Code != http.StatusUnauthorized || !strings.Contains(body, "opens only with its key") {
			t.Errorf("GET %s without a session: %d", u, w.Code)
		}
		if strings.Contains(body, c.Email) || strings.Contains(body, "Alvarez") {
			t.Errorf("GET %s without a session shows a contact", u)
		}
	}
	t.Run("the printed link signs in and leaves the address bar", func(t *testing.T) {
		w := httptest.NewRecorder()
		p.h.ServeHTTP(w, httptest.NewRequest("GET", "http://127.0.0.1:8750/campaigns?key="+url.QueryEscape(testKey), nil))
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/campaigns" {
			t.Fatalf("%d %q", w.Code, w.Header().Get("Location"))
		}
		ck := w.Result().Cookies()
		if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteStrictMode || strings.Contains(ck[0].Value, testKey) {
			t.Errorf("the session cookie: %+v", ck)
		}
		r := httptest.NewRequest("GET", "http://127.0.0.1:8750/campaigns", nil)
		r.AddCookie(ck[0])
		w = httptest.NewRecorder()
		p.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			t.Errorf("with the cookie: %d", w.Code)
		}
	})
	t.Run("a wrong key is refused", func(t *testing.T) {
		w := httptest.NewRecorder()
		p.h.ServeHTTP(w, httptest.NewRequest("GET", "http://127.0.0.1:8750/?key=guess", nil))
		if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
			t.Errorf("%d %v", w.Code, w.Result().Cookies())
		}
		w = httptest.NewRecorder()
		r := httptest.NewRequest("GET", "http://127.0.0.1:8750/", nil)
		r.AddCookie(&http.Cookie{Name: "rapport_session_8750", Value: session("another key of enough length, 0123456789")})
		p.h.ServeHTTP(w, r)
		if w.Code != http.StatusUnauthorized {
			t.Errorf("another dashboard's cookie: %d", w.Code)
		}
	})
	t.Run("the key pasted in the login form signs in", func(t *testing.T) {
		r := httptest.NewRequest("POST", "http://127.0.0.1:8750/login", strings.NewReader("key="+url.QueryEscape(testKey)))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		w := httptest.NewRecorder()
		p.h.ServeHTTP(w, r)
		if w.Code != http.StatusSeeOther || len(w.Result().Cookies()) != 1 {
			t.Errorf("%d %v", w.Code, w.Result().Cookies())
		}
	})
}

func TestAnotherHostIsRefused(t *testing.T) {
	p := newPractice(t, nil)
	for _, host := range []string{"rebind.attacker.example:8750", "127.0.0.1:9999", "attacker.example", "127.0.0.1"} {
		w := p.request("GET", "/", nil, func(r *http.Request) { r.Host = host })
		if w.Code != http.StatusForbidden {
			t.Errorf("Host %s: %d", host, w.Code)
		}
	}
	for _, host := range []string{"127.0.0.1:8750", "localhost:8750", "LOCALHOST:8750", "[::1]:8750"} {
		if w := p.request("GET", "/", nil, func(r *http.Request) { r.Host = host }); w.Code != http.StatusOK {
			t.Errorf("Host %s: %d", host, w.Code)
		}
	}
}

func TestCrossOriginPostsAreRefusedAndChangeNothing(t *testing.T) {
	p := newPractice(t, nil)
	p.add(3)
	c := p.contact("office00000@clinic0.example")
	form := url.Values{"stage": {"partner"}, "back": {"/"}}
	for name, mod := range map[string]func(*http.Request){
		"from another site":   func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site"); r.Header.Del("Origin") },
		"from a sibling site": func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "same-site") },
		"from an old browser on another site": func(r *http.Request) {
			r.Header.Del("Sec-Fetch-Site")
			r.Header.Set("Origin", "http://attacker.example")
		},
	} {
		w := p.request("POST", fmt.Sprintf("/contacts/%d/stage", c.ID), form, mod)
		if w.Code != http.StatusForbidden {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	if got := p.contact(c.Email).Stage; got != "new" {
		t.Errorf("a refused post moved the contact to %s", got)
	}
}

// snapshot is everything a page could change.
func snapshot(t *testing.T, st *store.Store) string {
	ctx := context.Background()
	var b strings.Builder
	list, _ := st.Contacts(ctx, store.Filter{})
	for _, c := range list {
		hist, _ := st.History(ctx, c.ID)
		fmt.Fprintf(&b, "%d %s %d %s|", c.ID, c.Stage, len(hist), c.UpdatedAt)
	}
	sends, _ := st.Sends(ctx, store.SendFilter{})
	for _, s := range sends {
		fmt.Fprintf(&b, "%d %s|", s.ID, s.State)
	}
	for _, n := range []string{"intro-physicians", "intro-therapists", "yearly-touch"} {
		cs, _ := st.Campaign(ctx, n)
		fmt.Fprintf(&b, "%s %s|", n, cs.State)
	}
	return b.String()
}

func TestAGetNeverChangesAnything(t *testing.T) {
	p := newPractice(t, nil)
	p.add(20)
	p.history(2)
	c := p.contact("office00004@clinic4.example")
	sd := p.uncertainNote(c.Email)
	before := snapshot(t, p.st)
	for _, u := range append(pages(p), fmt.Sprintf("/contacts/%d/notes/%d", c.ID, sd)) {
		p.request("GET", u, nil)
	}
	for _, u := range []string{fmt.Sprintf("/contacts/%d/stage?stage=partner", c.ID), fmt.Sprintf("/outbox/%d?decision=drop", sd),
		"/campaigns/intro-physicians/start", "/campaigns/intro-physicians/pause"} {
		if w := p.request("GET", u, nil); w.Code != http.StatusMethodNotAllowed && w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want it refused", u, w.Code)
		}
	}
	if after := snapshot(t, p.st); after != before {
		t.Errorf("GETs changed the store:\n%s\n%s", before, after)
	}
}

func TestContactDataIsEscapedEverywhere(t *testing.T) {
	p := newPractice(t, nil)
	ctx := context.Background()
	evil := `<script>alert("x")</script>`
	im, _ := p.st.BeginImport(ctx, store.ImportMeta{File: `<script>alert("file")</script>.csv`})
	im.Add(contact.Contact{Email: "evil@clinic.example", FirstName: evil, LastName: evil, Title: evil, Organization: evil,
		Kind: "physician", Tags: []string{"x<script>"}, Notes: evil, Fields: map[string]string{"best_day": evil},
		Address: contact.Address{Street: evil, City: evil, PostalCode: "1"}})
	im.Commit(1, nil)
	c := p.contact("evil@clinic.example")
	p.st.AddEvent(ctx, contact.Event{ContactID: c.ID, Type: contact.EventReply, Detail: "reply: " + evil})
	p.st.MoveStage(ctx, c.ID, store.Move{To: "meeting", Reason: evil})
	sd := p.uncertainNote(c.Email)
	for _, u := range []string{"/", "/?q=" + url.QueryEscape(evil), "/contacts?stage=meeting&q=" + url.QueryEscape(evil),
		fmt.Sprintf("/contacts/%d", c.ID), "/campaigns/intro-physicians", "/outbox", "/report", fmt.Sprintf("/contacts/%d/notes/%d", c.ID, sd)} {
		_, body := p.get(u)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "x<script>") {
			t.Errorf("%s shows the contact's <script> unescaped", u)
		}
	}
	if body := p.page(fmt.Sprintf("/contacts/%d", c.ID)); !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Error("the contact page does not show the name as text")
	}
}

func TestEveryAnswerCarriesTheSecurityHeaders(t *testing.T) {
	p := newPractice(t, nil)
	for name, w := range map[string]*httptest.ResponseRecorder{
		"a page":     p.request("GET", "/", nil),
		"not found":  p.request("GET", "/nope", nil),
		"wrong host": p.request("GET", "/", nil, func(r *http.Request) { r.Host = "attacker.example" }),
		"cross-site": p.request("POST", "/contacts/1/stage", url.Values{}, func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }),
		"the login":  p.request("GET", "/", nil, func(r *http.Request) { r.Header.Del("Cookie") }),
		"stylesheet": p.request("GET", "/static/style.css", nil),
		"board.js":   p.request("GET", "/static/board.js", nil),
	} {
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", name, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: headers %v", name, h)
		}
	}
}

func TestAFormNeverSendsTheBrowserElsewhere(t *testing.T) {
	p := newPractice(t, nil)
	p.add(1)
	c := p.contact("office00000@clinic0.example")
	for _, back := range []string{"//attacker.example/x", "https://attacker.example/", `/\attacker.example`, "javascript:alert(1)"} {
		w := p.post(fmt.Sprintf("/contacts/%d/stage", c.ID), url.Values{"stage": {"contacted"}, "back": {back}})
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != "/" {
			t.Errorf("back=%s: %d to %q", back, w.Code, loc)
		}
	}
}

func TestThePagesLoadNothingFromElsewhere(t *testing.T) {
	p := newPractice(t, nil)
	p.add(5)
	for _, u := range pages(p) {
		body := p.page(u)
		for _, bad := range []string{"http://", "https://", "<script>", "style=\"", " on"} {
			if bad == " on" {
				if i := strings.Index(body, " onclick="); i >= 0 {
					t.Errorf("%s has an inline handler", u)
				}
				continue
			}
			if strings.Contains(body, bad) {
				t.Errorf("%s contains %q", u, bad)
			}
		}
	}
}
