package web

import (
	"fmt"
	"net/http"
	"strconv"

	"rapport/internal/app"
	"rapport/internal/contact"
)

type outboxView struct {
	Waiting  []app.OutboxEntry // a decision is needed (or one is in flight)
	Deferred []app.OutboxEntry // will be tried again
	Failed   []app.OutboxEntry
}

// outbox shows the notes whose outcome is uncertain, each with the three
// decisions; a note being sent right now is shown as such, without them.
func (s *Server) outbox(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := &outboxView{}
	var err error
	if v.Waiting, err = s.app.Outbox(ctx, nil); err == nil {
		if v.Deferred, err = s.app.Outbox(ctx, []contact.SendState{contact.SendDeferred}); err == nil {
			v.Failed, err = s.app.Outbox(ctx, []contact.SendState{contact.SendFailed})
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "outbox", &page{Title: "Outbox", Nav: "outbox", Data: v})
}

// resolve records a decision about an uncertain note, as `rapport outbox
// resolve` does (and refuses it the same way while the note is in flight).
func (s *Server) resolve(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.refuse(w, r, http.StatusNotFound, "There is no such note in the outbox.")
		return
	}
	d, err := app.ParseDecision(r.PostFormValue("decision"))
	if err == nil {
		err = s.app.Resolve(r.Context(), id, d)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, fmt.Sprintf("Note %d: %s.", id, app.Resolved(d)), "/outbox")
}
