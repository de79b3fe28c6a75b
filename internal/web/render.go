package web

import (
	"bytes"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"rapport/internal/app"
	"rapport/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// page is what every template gets: the frame's parts, and Data, the
// page's own.
type page struct {
	Title    string
	Nav      string // the navigation entry to mark as current
	Flash    string // what the last change did
	Problem  string // what went wrong, said in full
	Problems []string
	Bare     bool // no navigation (the login page)
	Practice string
	Parts    Parts
	Data     any
}

// Parts says which optional parts are wired (see Extras).
type Parts struct {
	Visits, Referrals, Events, Letters bool
}

// parsePages parses each page with the frame and the shared pieces.
func (s *Server) parsePages() map[string]*template.Template {
	names, _ := fs.Glob(templateFS, "templates/*.html")
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		out[name] = template.Must(template.New("layout.html").Funcs(s.funcs()).
			ParseFS(templateFS, "templates/layout.html", "templates/parts.html", n))
	}
	return out
}

// render writes a page; an error while rendering is a 500 without half
// a page, since the page is built in memory first.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if cfg := s.app.Config(); cfg != nil {
		p.Practice = cfg.Identity.Practice
		if p.Practice == "" {
			p.Practice = cfg.Identity.Name
		}
	}
	p.Parts = s.o.Extras.parts()
	if p.Flash == "" {
		p.Flash = s.takeFlash(w, r)
	}
	var b bytes.Buffer
	if err := s.pages[name].Execute(&b, p); err != nil {
		s.log.Error("page_failed", "page", name, "error", err.Error())
		http.Error(w, "rapport could not show this page; the log says why.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// refuse answers with a page that says what was refused and why.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "problem", &page{Title: http.StatusText(status), Problem: msg})
}

// fail answers for an error of a use case: a mistake in the request, a
// check that found problems, something missing, or a failure.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var ue *app.UsageError
	var ve *app.ValidationError
	switch {
	case errors.As(err, &ue):
		s.refuse(w, r, http.StatusBadRequest, ue.Msg)
	case errors.As(err, &ve):
		s.refuse(w, r, http.StatusUnprocessableEntity, ve.Error())
	case errors.Is(err, store.ErrNotFound):
		s.refuse(w, r, http.StatusNotFound, "There is no such page: "+err.Error()+".")
	default:
		s.log.Error("request_failed", "path", r.URL.Path, "error", err.Error())
		s.refuse(w, r, http.StatusInternalServerError, "Something went wrong: "+err.Error())
	}
}

const flashCookie = "rapport_flash"

// flash keeps a sentence for the next page: what a change just did.
func (s *Server) flash(w http.ResponseWriter, msg string) {
	if len(msg) > 300 {
		msg = msg[:300]
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: base64.RawURLEncoding.EncodeToString([]byte(msg)), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.o.TLSCert != "", MaxAge: 60})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	b, _ := base64.RawURLEncoding.DecodeString(c.Value)
	return string(b)
}

// done ends a change: the flash, then back to where the form said.
func (s *Server) done(w http.ResponseWriter, r *http.Request, msg, back string) {
	s.flash(w, msg)
	http.Redirect(w, r, localPath(back), http.StatusSeeOther)
}

// static serves the embedded stylesheet and script.
func static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fileServer := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=3600")
		http.StripPrefix("/static", fileServer).ServeHTTP(w, r)
	})
}

// loc is the user's zone.
func (s *Server) loc() *time.Location {
	if cfg := s.app.Config(); cfg != nil && cfg.Location != nil {
		return cfg.Location
	}
	return time.Local
}
