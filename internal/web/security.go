package web

import (
	"net/http"
	"net/url"
	"strings"
)

// csp allows the dashboard's own files and nothing else: no inline
// script, no other host, no framing.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets the security headers on every answer. Pages hold the
// user's contacts: no cache keeps them, no referrer carries the key.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// checkHost refuses a request whose Host is not the dashboard's: a page
// on another site that makes its own name point at 127.0.0.1 (DNS
// rebinding) reads nothing.
func (s *Server) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		ok := s.hosts[strings.ToLower(r.Host)]
		s.mu.Unlock()
		if !ok {
			http.Error(w, "rapport's dashboard answers only at its own address.", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// cookieName differs by port, so two stores' dashboards on one computer
// keep their own sessions.
func (s *Server) cookieName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, port, _ := strings.Cut(s.addr[strings.LastIndex(s.addr, "]")+1:], ":")
	return "rapport_session_" + port
}

// authenticate lets in a browser with the session cookie; a key in the
// address logs it in and is taken out of the address at once. The
// stylesheet is public: the login page needs it.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(s.cookieName()); err == nil && equal(c.Value, session(s.o.Key)) {
			next.ServeHTTP(w, r)
			return
		}
		if key := r.URL.Query().Get("key"); key != "" && r.Method == http.MethodGet {
			if equal(key, s.o.Key) {
				s.login(w, r)
				return
			}
			s.loginPage(w, r, http.StatusForbidden, "This link’s key is not this dashboard’s (an old link?).")
			return
		}
		if r.URL.Path == "/login" && r.Method == http.MethodPost {
			if equal(strings.TrimSpace(r.PostFormValue("key")), s.o.Key) {
				s.login(w, r)
				return
			}
			s.loginPage(w, r, http.StatusForbidden, "That key is not this dashboard’s.")
			return
		}
		s.loginPage(w, r, http.StatusUnauthorized, "")
	})
}

// login sets the session cookie and sends the browser on to the page it
// asked for, without the key in its address.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: session(s.o.Key), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.o.TLSCert != "", MaxAge: 400 * 24 * 3600})
	u := *r.URL
	q := u.Query()
	q.Del("key")
	u.RawQuery = q.Encode()
	dest := u.RequestURI()
	if r.URL.Path == "/login" {
		dest = "/"
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
}

// loginPage says how to get in, and takes a key pasted by hand.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request, status int, problem string) {
	s.render(w, r, status, "login", &page{Title: "Sign in", Problem: problem, Bare: true})
}

// localPath is u when it is a path on this site, else "/": a form's
// "back" field never sends the browser elsewhere.
func localPath(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "" || p.Host != "" || !strings.HasPrefix(p.Path, "/") || strings.HasPrefix(u, "//") || strings.Contains(u, "\\") {
		return "/"
	}
	return p.RequestURI()
}
