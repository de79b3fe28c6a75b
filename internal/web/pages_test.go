package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// every page of the dashboard, by address.
func pages(p *practice) []string {
	c := p.contact("office00004@clinic4.example")
	return []string{"/", "/?q=rivera4&kind=physician&tag=pediatrics", "/?campaign=intro-physicians",
		"/contacts?stage=new", "/contacts?stage=contacted&page=2", fmt.Sprintf("/contacts/%d", c.ID),
		"/campaigns", "/campaigns/intro-physicians", "/outbox", "/report"}
}

func TestEveryPageRenders(t *testing.T) {
	t.Run("a new practice with nobody in it yet", func(t *testing.T) {
		p := newPractice(t, nil)
		for _, u := range []string{"/", "/?q=lee", "/contacts?stage=new", "/campaigns", "/campaigns/intro-physicians", "/outbox", "/report"} {
			body := p.page(u)
			if !strings.Contains(body, "</html>") {
				t.Errorf("%s: not a whole page", u)
			}
		}
		if !strings.Contains(p.page("/"), "Nobody here") {
			t.Error("the empty board does not say its columns are empty")
		}
		if !strings.Contains(p.page("/campaigns/intro-physicians"), "Nobody is in this campaign") {
			t.Error("an empty plan does not say so")
		}
	})
	t.Run("a practice with 5,000 contacts", func(t *testing.T) {
		p := newPractice(t, nil)
		p.add(5000)
		p.history(5)
		board := p.page("/")
		if !strings.Contains(board, ">5000 contacts<") && !strings.Contains(board, "5000 contacts") {
			t.Errorf("the board does not count 5,000 contacts")
		}
		if n := strings.Count(board, `class="card"`); n != perColumn*6 {
			t.Errorf("the board shows %d cards, want %d (a full column for each of six stages)", n, perColumn*6)
		}
		if !strings.Contains(board, `href="/contacts?stage=new"`) {
			t.Error("a full column has no link to the rest of its stage")
		}
		for _, u := range pages(p) {
			if body := p.page(u); !strings.Contains(body, "</html>") {
				t.Errorf("%s: not a whole page", u)
			}
		}
		list := p.page("/contacts?stage=contacted&page=2")
		if n := strings.Count(list, "<tr><td><a href=\"/contacts/"); n != perPage {
			t.Errorf("page 2 of contacted lists %d contacts, want %d", n, perPage)
		}
	})
}

func TestUnknownPagesAreNotFound(t *testing.T) {
	p := newPractice(t, nil)
	for _, u := range []string{"/nope", "/contacts/999", "/contacts/abc", "/campaigns/nope", "/events", "/letters", "/referrals"} {
		if code, _ := p.get(u); code != http.StatusNotFound && code != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 404", u, code)
		}
	}
}
