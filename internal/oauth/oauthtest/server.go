// Package oauthtest is an in-process OAuth2 authorization server for tests:
// the authorize endpoint (which "signs in" at once and redirects to the
// loopback listener, or refuses consent), the token endpoint with PKCE
// verification, refresh and device-code grants, the device authorization
// endpoint, and revocation. Its tokens expire on the clock it is given, and
// Verify checks them for localmail's SMTP and IMAP servers, so a test sees
// XOAUTH2 logins succeed or fail exactly as the tokens say.
//
// It imports only the standard library and golang.org/x/oauth2 (for the
// Endpoint type).
package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Options configure a Server.
type Options struct {
	ClientID     string // the registered client; required
	ClientSecret string // "" for a public client
	Account      string // who signs in at the authorize endpoint
	// Scopes granted when the client asks for them; nil grants what was
	// asked. A test of refused consent for mail leaves the mail scope out.
	Scopes    []string
	AccessTTL time.Duration    // 0 means one hour
	Rotate    bool             // hand out a new refresh token with every refresh (as Microsoft does)
	Now       func() time.Time // nil means time.Now
}

// Server is a running authorization server. Its methods are safe for
// concurrent use.
type Server struct {
	o    Options
	http *httptest.Server

	mu        sync.Mutex
	codes     map[string]*authCode
	devices   map[string]*device // by device code
	grants    map[string]*grant  // by refresh token
	access    map[string]*access
	deny      bool
	refreshes int
	requests  int
	logins    int
	issued    []string
}

type authCode struct {
	challenge, redirect, scope, account string
}

type device struct {
	userCode, scope, account string
	approved, declined       bool
}

// grant is one sign-in: its refresh token and the access tokens it gave.
type grant struct {
	account, scope string
	revoked        bool
}

type access struct {
	g      *grant
	expiry time.Time
}

// Start serves on 127.0.0.1; Close stops it.
func Start(o Options) *Server {
	if o.AccessTTL <= 0 {
		o.AccessTTL = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{o: o, codes: map[string]*authCode{}, devices: map[string]*device{}, grants: map[string]*grant{}, access: map[string]*access{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("POST /device", s.deviceAuth)
	mux.HandleFunc("POST /revoke", s.revoke)
	s.http = httptest.NewServer(mux)
	return s
}

// Close stops the server.
func (s *Server) Close() { s.http.Close() }

// Endpoint is the server's endpoints, for [oauth] in tests.
func (s *Server) Endpoint() oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: s.http.URL + "/authorize", TokenURL: s.http.URL + "/token",
		DeviceAuthURL: s.http.URL + "/device", AuthStyle: oauth2.AuthStyleInParams}
}

// RevokeURL is where a test (or the user's account page) withdraws access.
func (s *Server) RevokeURL() string { return s.http.URL + "/revoke" }

// SetAccount changes who signs in next (the wrong-account story).
func (s *Server) SetAccount(a string) { s.mu.Lock(); s.o.Account = a; s.mu.Unlock() }

// SetDeny makes the next sign-ins refuse consent (access_denied).
func (s *Server) SetDeny(d bool) { s.mu.Lock(); s.deny = d; s.mu.Unlock() }

// Refreshes is how many refresh grants succeeded.
func (s *Server) Refreshes() int { s.mu.Lock(); defer s.mu.Unlock(); return s.refreshes }

// TokenRequests is how many requests the token endpoint received.
func (s *Server) TokenRequests() int { s.mu.Lock(); defer s.mu.Unlock(); return s.requests }

// Logins is how many access tokens Verify accepted.
func (s *Server) Logins() int { s.mu.Lock(); defer s.mu.Unlock(); return s.logins }

// Issued is every access and refresh token handed out, for tests that
// assert none of them leaks into output or logs.
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// ErrInvalidToken is Verify's refusal.
var ErrInvalidToken = errors.New("oauthtest: invalid token")

// Verify accepts token for user when the server issued it to that account,
// it has not expired and its sign-in was not revoked: what Google's and
// Microsoft's mail servers check of an XOAUTH2 login.
func (s *Server) Verify(user, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.access[token]
	if a == nil || a.g.revoked || !s.o.Now().Before(a.expiry) || !strings.EqualFold(a.g.account, user) {
		return ErrInvalidToken
	}
	s.logins++
	return nil
}

// RevokeAll withdraws every sign-in of account, as the user does on their
// account's security page.
func (s *Server) RevokeAll(account string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.grants {
		if strings.EqualFold(g.account, account) {
			g.revoked = true
		}
	}
}

// Approve is the user typing code on the device page and allowing access
// as account; decline refuses it instead.
func (s *Server) Approve(userCode, account string, decline bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.devices {
		if d.userCode == userCode {
			d.account, d.approved, d.declined = account, !decline, decline
			return true
		}
	}
	return false
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	if q.Get("client_id") != s.o.ClientID || !loopback(redirect) {
		http.Error(w, "unknown client or redirect_uri", http.StatusBadRequest)
		return
	}
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" {
		redirectTo(w, r, redirect, "error", "invalid_request", "state", q.Get("state"))
		return
	}
	s.mu.Lock()
	deny, account := s.deny, s.o.Account
	code := s.newToken("code-")
	if !deny {
		s.codes[code] = &authCode{challenge: q.Get("code_challenge"), redirect: redirect, scope: s.grantScope(q.Get("scope")), account: account}
	}
	s.mu.Unlock()
	if deny {
		redirectTo(w, r, redirect, "error", "access_denied", "error_description", "The user did not consent.", "state", q.Get("state"))
		return
	}
	redirectTo(w, r, redirect, "code", code, "state", q.Get("state"))
}

func loopback(uri string) bool {
	return strings.HasPrefix(uri, "http://127.0.0.1:") || strings.HasPrefix(uri, "http://localhost:") || strings.HasPrefix(uri, "http://[::1]:")
}

func redirectTo(w http.ResponseWriter, r *http.Request, uri string, kv ...string) {
	v := make([]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		v = append(v, kv[i]+"="+urlEscape(kv[i+1]))
	}
	http.Redirect(w, r, uri+"?"+strings.Join(v, "&"), http.StatusFound)
}

func (s *Server) grantScope(asked string) string {
	if s.o.Scopes == nil {
		return asked
	}
	return strings.Join(s.o.Scopes, " ")
}

// newToken is a random token; the caller holds mu.
func (s *Server) newToken(prefix string) string {
	b := make([]byte, 16)
	rand.Read(b)
	t := prefix + hex.EncodeToString(b)
	if prefix != "code-" && prefix != "dev-" {
		s.issued = append(s.issued, t)
	}
	return t
}

// tokens issues an access token (and a refresh token when rt is "") for
// g; the caller holds mu.
func (s *Server) tokens(g *grant, rt string) map[string]any {
	at := s.newToken("at-")
	s.access[at] = &access{g: g, expiry: s.o.Now().Add(s.o.AccessTTL)}
	if rt == "" {
		rt = s.newToken("rt-")
	}
	s.grants[rt] = g
	return map[string]any{"access_token": at, "token_type": "Bearer", "expires_in": int(s.o.AccessTTL / time.Second),
		"refresh_token": rt, "scope": g.scope, "id_token": idToken(g.account)}
}

// idToken is an unsigned OpenID Connect ID token naming the account.
func idToken(account string) string {
	enc := base64.RawURLEncoding
	head, _ := json.Marshal(map[string]string{"alg": "none", "typ": "JWT"})
	body, _ := json.Marshal(map[string]string{"email": account, "preferred_username": account})
	return enc.EncodeToString(head) + "." + enc.EncodeToString(body) + "."
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
