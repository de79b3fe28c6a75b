package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"rapport/internal/app"
)

// Options configure the dashboard. Key is required.
type Options struct {
	// Listen is host:port; ":0" ports are chosen by Listen.
	Listen string
	// Key logs a browser in (see LoadKey).
	Key string
	// TLSCert and TLSKey are PEM files; with them the dashboard speaks
	// HTTPS. Listening beyond this computer needs them (the config's
	// check says so).
	TLSCert, TLSKey string
	// Hosts are other names the dashboard is reached by ("office-mac.local"
	// or "office-mac.local:8750"): any other Host header is refused.
	Hosts []string
	// Extras wires the parts whose store side may be missing; a nil
	// function hides its part.
	Extras Extras
	Log    *slog.Logger // nil: discard
}

// Server is the dashboard.
type Server struct {
	app   *app.App
	o     Options
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
	tags  tagCache

	mu    sync.Mutex
	addr  string          // the address listened on (Listen's after it ran)
	hosts map[string]bool // Host headers accepted
}

// New makes the dashboard over a; no I/O.
func New(a *app.App, o *Options) *Server {
	s := &Server{app: a, o: *o, log: o.Log}
	s.pages = s.parsePages()
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.setAddr(o.Listen)
	s.mux = s.routes()
	return s
}

// Listen binds the listen address; the dashboard then accepts the Host
// names of the address bound (a ":0" port is known only now).
func (s *Server) Listen() (net.Listener, error) {
	ln, err := net.Listen("tcp", s.o.Listen)
	if err != nil {
		return nil, fmt.Errorf("dashboard: listen on %s: %w", s.o.Listen, err)
	}
	s.setAddr(ln.Addr().String())
	return ln, nil
}

// URL is the address that logs a browser in: it carries the key.
func (s *Server) URL() string {
	return LoginURL(s.Addr(), s.o.TLSCert != "", s.o.Key)
}

// Addr is the address listened on (after Listen), else the one asked for.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// LoginURL is the link that signs a browser in to the dashboard listening
// on addr: `rapport status` prints it for a dashboard another process
// serves.
func LoginURL(addr string, tls bool, key string) string {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/?key=" + url.QueryEscape(key)
}

// Serve answers on ln until ctx is done, then stops within five seconds.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) }}
	if s.o.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(s.o.TLSCert, s.o.TLSKey)
		if err != nil {
			ln.Close()
			return fmt.Errorf("dashboard: %w", err)
		}
		hs.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, hs.TLSConfig)
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("dashboard: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	hs.Shutdown(sctx)
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("dashboard: %w", err)
	}
	return ctx.Err()
}

// Handler is the whole dashboard, guards included: security headers on
// every answer, then the Host check, the cross-origin check, the login,
// and the pages.
func (s *Server) Handler() http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.refuse(w, r, http.StatusForbidden, "This form came from another web site, so rapport did nothing. Use the dashboard's own pages.")
	}))
	return headers(s.checkHost(cop.Handler(s.authenticate(s.mux))))
}

func (s *Server) setAddr(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addr = addr
	s.hosts = allowedHosts(addr, s.o.Hosts)
}

// allowedHosts are the Host headers a browser sends for addr, and the
// names the user configured.
func allowedHosts(addr string, extra []string) map[string]bool {
	out := map[string]bool{}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return out
	}
	ip := net.ParseIP(host)
	// This computer's own names always reach it, unless it listens on
	// one outside address only.
	if host == "localhost" || ip == nil || ip.IsLoopback() || ip.IsUnspecified() {
		for _, h := range []string{"127.0.0.1", "localhost", "::1"} {
			out[net.JoinHostPort(h, port)] = true
		}
	}
	if ip != nil && !ip.IsUnspecified() {
		out[net.JoinHostPort(host, port)] = true
	}
	for _, h := range extra {
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(h, port)
		}
		out[h] = true
	}
	return out
}
