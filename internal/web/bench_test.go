package web

import (
	"fmt"
	"net/http"
	"testing"
)

// A busy practice: 10,000 contacts and 50,000 history lines. The board
// and a contact's page must render on the server in under 50 ms each.
func benchPractice(b *testing.B) *practice {
	p := newPractice(b, nil)
	p.add(10000)
	p.history(5)
	return p
}

func BenchmarkBoard(b *testing.B) {
	p := benchPractice(b)
	for _, u := range []string{"/", "/?q=okafor", "/?kind=pastor&tag=church"} {
		b.Run(u, func(b *testing.B) {
			for b.Loop() {
				if w := p.request("GET", u, nil); w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

func BenchmarkContactPage(b *testing.B) {
	p := benchPractice(b)
	u := fmt.Sprintf("/contacts/%d", p.contact("office04321@clinic53.example").ID)
	for b.Loop() {
		if w := p.request("GET", u, nil); w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
