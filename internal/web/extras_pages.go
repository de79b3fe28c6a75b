package web

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"rapport/internal/app"
)

// referrals lists the referrals received, with the chart by source.
func (s *Server) referrals(w http.ResponseWriter, r *http.Request) {
	if s.o.Extras.Referrals == nil {
		s.refuse(w, r, http.StatusNotFound, "This rapport does not keep referrals yet.")
		return
	}
	refs, err := s.o.Extras.Referrals(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ch, totals := referralChart(refs, s.app.Now().In(s.loc()))
	s.render(w, r, http.StatusOK, "referrals", &page{Title: "Referrals", Nav: "referrals",
		Data: struct {
			List   []Referral
			Chart  *chart
			Totals []sourceTotal
		}{refs, ch, totals}})
}

type invitationView struct {
	Invitation
	Coming, NotComing, Maybe, Waiting, NoAnswer int
	Full                                        bool
}

// events shows each invitation with who is coming, against its capacity.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	if s.o.Extras.Invitations == nil {
		s.refuse(w, r, http.StatusNotFound, "This rapport does not keep invitations yet.")
		return
	}
	list, err := s.o.Extras.Invitations(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out []invitationView
	for _, inv := range list {
		v := invitationView{Invitation: inv}
		for _, a := range inv.Answers {
			switch a.Answer {
			case "accepted":
				v.Coming++
			case "declined":
				v.NotComing++
			case "maybe":
				v.Maybe++
			case "waitlist":
				v.Waiting++
			default:
				v.NoAnswer++
			}
		}
		v.Full = inv.Capacity > 0 && v.Coming >= inv.Capacity
		out = append(out, v)
	}
	s.render(w, r, http.StatusOK, "events", &page{Title: "Events", Nav: "events", Data: out})
}

// letters lists print batches with their files and "mark mailed".
func (s *Server) letters(w http.ResponseWriter, r *http.Request) {
	if s.o.Extras.Batches == nil {
		s.refuse(w, r, http.StatusNotFound, "This rapport does not keep print batches yet.")
		return
	}
	list, err := s.o.Extras.Batches(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "letters", &page{Title: "Letters", Nav: "letters",
		Data: struct {
			Batches []Batch
			Today   string
		}{list, s.app.Now().In(s.loc()).Format("2006-01-02")}})
}

// batch finds a print batch by the {id} of an address.
func (s *Server) batch(r *http.Request) (*Batch, bool) {
	if s.o.Extras.Batches == nil {
		return nil, false
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	list, err := s.o.Extras.Batches(r.Context())
	if err != nil {
		return nil, false
	}
	for i := range list {
		if list[i].ID == id {
			return &list[i], true
		}
	}
	return nil, false
}

// letterFile sends one of a batch's PDFs; only the files the batch names
// can be asked for.
func (s *Server) letterFile(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batch(r)
	if ok {
		for _, f := range b.Files {
			if f.Name == r.PathValue("file") {
				w.Header().Set("Content-Type", "application/pdf")
				w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(filepath.Base(f.Name)))
				http.ServeFile(w, r, f.Path)
				return
			}
		}
	}
	s.refuse(w, r, http.StatusNotFound, "There is no such file among the print batches.")
}

// markMailed records the day a batch was posted.
func (s *Server) markMailed(w http.ResponseWriter, r *http.Request) {
	b, ok := s.batch(r)
	if !ok || s.o.Extras.MarkMailed == nil {
		s.refuse(w, r, http.StatusNotFound, "There is no such print batch.")
		return
	}
	on, err := s.app.ParseDay(r.PostFormValue("day"))
	if strings.TrimSpace(r.PostFormValue("day")) == "" {
		on, err = s.app.ParseDay("today")
	}
	if err != nil {
		err = app.Usagef("%v", err)
	} else {
		err = s.o.Extras.MarkMailed(r.Context(), b.ID, on)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "Batch "+strconv.FormatInt(b.ID, 10)+" is marked mailed on "+s.day(on)+".", "/letters")
}
