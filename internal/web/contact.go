package web

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"rapport/internal/app"
	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

// field is one line of a contact's details.
type field struct{ Name, Value string }

// entry is one line of a contact's timeline.
type entry struct {
	At      time.Time
	Type    contact.EventType
	Label   string
	Detail  string
	Move    string // "new → contacted", for stage moves
	Auto    bool   // rapport did it, not the user
	Subject string // a note's subject
	Note    string // the note's campaign and step
	NoteURL string // where its text is shown
	Class   string // mail, answer, problem, stage, you
}

type contactView struct {
	C        *contact.Contact
	Name     string
	Fields   []field
	Stages   []contact.Stage
	Timeline []entry
	Today    string
	Back     string
}

// contactID reads the {id} of an address.
func contactID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("contact %q: %w", r.PathValue("id"), store.ErrNotFound)
	}
	return id, nil
}

// contactPage shows a contact's details, its stage with a form to move
// it, and its whole history, newest first.
func (s *Server) contactPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := contactID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st := s.app.Store()
	c, err := st.Contact(ctx, id)
	if err != nil {
		s.fail(w, r, fmt.Errorf("contact %d: %w", id, err))
		return
	}
	hist, err := st.History(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sends, err := st.Sends(ctx, store.SendFilter{ContactID: id})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &contactView{C: c, Name: c.Label(), Fields: details(c), Stages: s.app.Config().Pipeline.All(),
		Timeline: timeline(c.ID, hist, sends), Today: s.app.Now().In(s.loc()).Format("2006-01-02"), Back: r.URL.RequestURI()}
	s.render(w, r, http.StatusOK, "contact", &page{Title: v.Name, Nav: "board", Data: v})
}

// details lists what is known of a contact, in the order a person reads
// a card.
func details(c *contact.Contact) []field {
	out := []field{}
	add := func(name, value string) {
		if strings.TrimSpace(value) != "" {
			out = append(out, field{name, value})
		}
	}
	add("Email", c.Email)
	add("Phone", c.Phone)
	add("Organization", c.Organization)
	add("Kind", c.Kind)
	add("Address", strings.Join(c.Address.Lines(), "\n"))
	add("Tags", strings.Join(c.Tags, ", "))
	for _, k := range slices.Sorted(maps.Keys(c.Fields)) {
		add(strings.ReplaceAll(k, "_", " "), c.Fields[k])
	}
	add("Notes", c.Notes)
	add("Time zone", c.TimeZone)
	if c.Source.File != "" {
		add("From", fmt.Sprintf("%s, row %d", c.Source.File, c.Source.Row))
	}
	if c.Missing {
		add("Warning", "This contact’s row is no longer in its spreadsheet. rapport keeps it, with its history.")
	}
	return out
}

// eventClass groups history types for the eye.
var eventClass = map[contact.EventType]string{
	contact.EventSent: "mail", contact.EventPrinted: "mail", "mailed": "mail",
	contact.EventReply: "answer", contact.EventRSVP: "answer", contact.EventReferral: "answer", "rsvp-no": "answer",
	contact.EventBounce: "problem", contact.EventFailed: "problem", contact.EventOptOut: "problem", contact.EventMissing: "problem",
	contact.EventAutoReply: "away", contact.EventStage: "stage", contact.EventNote: "you", "logged": "you",
}

// timeline turns the history into lines, newest first; a sent note links
// to its text.
func timeline(id int64, hist []contact.Event, sends []*contact.Send) []entry {
	byMsg := map[string]*contact.Send{}
	for _, sd := range sends {
		if sd.MessageID != "" {
			byMsg[sd.MessageID] = sd
		}
	}
	out := make([]entry, 0, len(hist))
	for i := len(hist) - 1; i >= 0; i-- {
		e := hist[i]
		en := entry{At: e.At, Type: e.Type, Label: eventLabel(e.Type), Detail: e.Detail, Auto: e.Auto, Class: eventClass[e.Type]}
		if e.To != "" && e.Type != contact.EventCreated {
			en.Move = stageLabel(e.From) + " → " + stageLabel(e.To)
			if e.Type == contact.EventStage && en.Detail == en.Move {
				en.Detail = ""
			}
		}
		if sd := byMsg[e.MessageID]; sd != nil && (e.Type == contact.EventSent || e.Type == contact.EventFailed || e.Type == contact.EventPrinted) {
			en.Subject, en.Note, en.Detail = sd.Subject, sd.Campaign+" · "+sd.Step, ""
			if sd.Channel == "" || sd.Channel == "email" {
				en.NoteURL = fmt.Sprintf("/contacts/%d/notes/%d", id, sd.ID)
			}
		}
		out = append(out, en)
	}
	return out
}

// moveStage moves a contact by hand: the board's drag and the contact
// page's form both post here, and the move is recorded exactly as
// `rapport contacts stage` records it.
func (s *Server) moveStage(w http.ResponseWriter, r *http.Request) {
	id, err := contactID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	to, err := s.app.ParseStage(r.PostFormValue("stage"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, err := s.app.MoveStage(r.Context(), strconv.FormatInt(id, 10), to, strings.TrimSpace(r.PostFormValue("note")))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := fmt.Sprintf("%s is already in %s.", m.Contact.Label(), stageLabel(to))
	if m.Moved {
		msg = fmt.Sprintf("%s: %s → %s.", m.Contact.Label(), stageLabel(m.From), stageLabel(to))
	}
	s.done(w, r, msg, r.PostFormValue("back"))
}

// formMoment reads a form's day as `contacts log --date` reads it: now
// for today or nothing, noon of a past day, never the future.
func (s *Server) formMoment(v string) (time.Time, error) {
	t, err := s.app.PastMoment(v)
	if err != nil {
		return t, app.Usagef("%v", err)
	}
	return t, nil
}

// dayForm is what the visit and referral forms share: whose page, and
// the day.
func (s *Server) dayForm(r *http.Request) (id int64, on time.Time, err error) {
	if id, err = contactID(r); err == nil {
		on, err = s.formMoment(r.PostFormValue("day"))
	}
	return id, on, err
}

// logVisit records a visit or a call on the contact's page.
func (s *Server) logVisit(w http.ResponseWriter, r *http.Request) {
	if s.o.Extras.LogVisit == nil {
		s.refuse(w, r, http.StatusNotFound, "This rapport does not keep visits yet.")
		return
	}
	id, on, err := s.dayForm(r)
	text := strings.TrimSpace(r.PostFormValue("text"))
	if err == nil && text == "" {
		err = app.Usagef("say in a few words what happened: “dropped off cookies”, “15 minutes with the office manager”")
	}
	if err == nil {
		err = s.o.Extras.LogVisit(r.Context(), id, on, text)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "Noted: "+text+".", r.PostFormValue("back"))
}

// addReferral records referrals received from the contact.
func (s *Server) addReferral(w http.ResponseWriter, r *http.Request) {
	if s.o.Extras.AddReferral == nil {
		s.refuse(w, r, http.StatusNotFound, "This rapport does not keep referrals yet.")
		return
	}
	id, on, err := s.dayForm(r)
	count, cerr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("count")))
	if err == nil && (cerr != nil || count < 1) {
		err = app.Usagef("how many referrals: a number, 1 or more")
	}
	if err == nil {
		err = s.o.Extras.AddReferral(r.Context(), id, on, count, strings.TrimSpace(r.PostFormValue("note")))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "Recorded "+plural(count, "referral")+".", r.PostFormValue("back"))
}

type noteView struct {
	C       *contact.Contact
	Send    *contact.Send
	Note    *app.Note
	Problem string
}

// notePage shows a sent note's text as its template writes it for the
// contact today; the copy in the Sent folder is what went out.
func (s *Server) notePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := contactID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sid, _ := strconv.ParseInt(r.PathValue("send"), 10, 64)
	st := s.app.Store()
	sd, err := st.Send(ctx, sid)
	if err == nil && sd.ContactID != id {
		err = store.ErrNotFound
	}
	var c *contact.Contact
	if err == nil {
		c, err = st.Contact(ctx, id)
	}
	if err != nil {
		s.fail(w, r, fmt.Errorf("note %d: %w", sid, err))
		return
	}
	v := &noteView{C: c, Send: sd}
	if n, err := s.app.Compose(ctx, sd.Campaign, strconv.FormatInt(id, 10), sd.Step, ""); err != nil {
		v.Problem = "rapport cannot write this note again (" + err.Error() + "). The copy in your Sent folder is what went out."
	} else if raw, err := mailer.Render(n.Msg); err != nil {
		v.Problem = err.Error()
	} else if v.Note, err = app.ReadNote(raw); err != nil {
		v.Problem = err.Error()
	}
	s.render(w, r, http.StatusOK, "note", &page{Title: sd.Subject, Nav: "board", Data: v})
}
