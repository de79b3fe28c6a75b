package oauthtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"
)

func urlEscape(s string) string { return url.QueryEscape(s) }

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "bad form")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.o.ClientID || secret != s.o.ClientSecret {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Unknown client.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		s.codeGrant(w, r.PostForm)
	case "refresh_token":
		s.refreshGrant(w, r.PostForm)
	case "urn:ietf:params:oauth:grant-type:device_code":
		s.deviceGrant(w, r.PostForm)
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

// codeGrant checks the code, its redirect URI and the PKCE verifier (RFC
// 7636 §4.6); a code is good once.
func (s *Server) codeGrant(w http.ResponseWriter, f url.Values) {
	c := s.codes[f.Get("code")]
	delete(s.codes, f.Get("code"))
	switch {
	case c == nil:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Unknown or used code.")
	case c.redirect != f.Get("redirect_uri"):
		oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri does not match.")
	case f.Get("code_verifier") == "" || challengeOf(f.Get("code_verifier")) != c.challenge:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed.")
	default:
		writeJSON(w, s.tokens(&grant{account: c.account, scope: c.scope}, ""))
	}
}

func (s *Server) refreshGrant(w http.ResponseWriter, f url.Values) {
	rt := f.Get("refresh_token")
	g := s.grants[rt]
	if g == nil || g.revoked {
		// Echoes the token, as no real server should: rapport must cut it out.
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked: "+rt)
		return
	}
	s.refreshes++
	resp := s.tokens(g, rt)
	if s.o.Rotate {
		delete(s.grants, rt)
		resp = s.tokens(g, "")
	} else {
		delete(resp, "refresh_token") // Google keeps the first one
	}
	delete(resp, "id_token")
	writeJSON(w, resp)
}

func (s *Server) deviceGrant(w http.ResponseWriter, f url.Values) {
	d := s.devices[f.Get("device_code")]
	switch {
	case d == nil:
		oauthError(w, http.StatusBadRequest, "expired_token", "")
	case d.declined:
		oauthError(w, http.StatusBadRequest, "authorization_declined", "The user declined.")
	case !d.approved:
		oauthError(w, http.StatusBadRequest, "authorization_pending", "")
	default:
		delete(s.devices, f.Get("device_code"))
		writeJSON(w, s.tokens(&grant{account: d.account, scope: d.scope}, ""))
	}
}

// deviceAuth is RFC 8628 §3.2 with a one-second polling interval.
func (s *Server) deviceAuth(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil || r.PostForm.Get("client_id") != s.o.ClientID {
		oauthError(w, http.StatusBadRequest, "invalid_client", "")
		return
	}
	s.mu.Lock()
	dc := s.newToken("dev-")
	uc := strings.ToUpper(dc[4:8] + "-" + dc[8:12])
	s.devices[dc] = &device{userCode: uc, scope: s.grantScope(r.PostForm.Get("scope"))}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"device_code": dc, "user_code": uc, "verification_uri": "https://microsoft.example/devicelogin",
		"expires_in": int((10 * time.Minute) / time.Second), "interval": 1})
}

// revoke withdraws the sign-in a refresh or access token belongs to (RFC
// 7009).
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if r.ParseForm() != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "")
		return
	}
	t := r.PostForm.Get("token")
	s.mu.Lock()
	if g := s.grants[t]; g != nil {
		g.revoked = true
	} else if a := s.access[t]; a != nil {
		a.g.revoked = true
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}
