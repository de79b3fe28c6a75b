package oauth

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"rapport/internal/oauth/oauthtest"
)

const anna = "anna@leefamilytherapy.example"

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)} }

// provider points a provider at the test server.
func provider(t *testing.T, name string, as *oauthtest.Server) *Provider {
	t.Helper()
	ep := as.Endpoint()
	p, err := Lookup(Settings{Provider: name, ClientID: "rapport-test", Endpoint: &ep})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func authServer(t *testing.T, clk *clock, o oauthtest.Options) *oauthtest.Server {
	t.Helper()
	o.ClientID = "rapport-test"
	if o.Account == "" {
		o.Account = anna
	}
	o.Now = clk.Now
	as := oauthtest.Start(o)
	t.Cleanup(as.Close)
	return as
}

// browser follows the sign-in page's redirect to the loopback listener, as
// the user's browser does after they click "Allow".
func browser(t *testing.T) func(string) error {
	return func(url string) error {
		resp, err := http.Get(url)
		if err != nil {
			t.Errorf("browser: %v", err)
			return err
		}
		resp.Body.Close()
		return nil
	}
}

func login(t *testing.T, p *Provider, clk *clock) (*Grant, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var shown string
	g, err := p.Login(ctx, LoginOptions{Account: anna, Now: clk.Now, Open: browser(t),
		Show: func(url, _ string) { shown = url }})
	if !strings.Contains(shown, "code_challenge_method=S256") || !strings.Contains(shown, "login_hint=") {
		t.Errorf("the sign-in address lacks PKCE or the login hint: %s", shown)
	}
	return g, err
}

// noSecrets fails if any issued token appears in s.
func noSecrets(t *testing.T, as *oauthtest.Server, where, s string) {
	t.Helper()
	for _, tok := range as.Issued() {
		if strings.Contains(s, tok) {
			t.Errorf("a token appears in %s: %q", where, s)
		}
	}
}
