package web

import "net/http"

// routes maps the dashboard's addresses. Every change is a POST; a GET
// only reads.
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.Handle("GET /static/", static())
	m.HandleFunc("GET /{$}", s.board)
	m.HandleFunc("GET /contacts", s.contactList)
	m.HandleFunc("GET /contacts/{id}", s.contactPage)
	m.HandleFunc("POST /contacts/{id}/stage", s.moveStage)
	m.HandleFunc("POST /contacts/{id}/visits", s.logVisit)
	m.HandleFunc("POST /contacts/{id}/referrals", s.addReferral)
	m.HandleFunc("GET /contacts/{id}/notes/{send}", s.notePage)
	m.HandleFunc("GET /campaigns", s.campaignList)
	m.HandleFunc("GET /campaigns/{name}", s.campaignPage)
	m.HandleFunc("POST /campaigns/{name}/start", s.startCampaign)
	m.HandleFunc("POST /campaigns/{name}/pause", s.pauseCampaign)
	m.HandleFunc("GET /outbox", s.outbox)
	m.HandleFunc("POST /outbox/{id}", s.resolve)
	m.HandleFunc("GET /report", s.report)
	m.HandleFunc("GET /referrals", s.referrals)
	m.HandleFunc("GET /events", s.events)
	m.HandleFunc("GET /letters", s.letters)
	m.HandleFunc("GET /letters/{id}/{file}", s.letterFile)
	m.HandleFunc("POST /letters/{id}/mailed", s.markMailed)
	m.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/", http.StatusSeeOther) })
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.refuse(w, r, http.StatusNotFound, "There is no such page in the dashboard.")
	})
	return m
}
