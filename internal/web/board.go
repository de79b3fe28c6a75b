package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"rapport/internal/app"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// boardFilter is what the board's filter form asks for.
type boardFilter struct {
	Q, Tag, Kind, Campaign string
}

func readFilter(r *http.Request) boardFilter {
	q := r.URL.Query()
	return boardFilter{Q: strings.TrimSpace(q.Get("q")), Tag: q.Get("tag"), Kind: q.Get("kind"), Campaign: q.Get("campaign")}
}

// Any reports whether the filter narrows anything.
func (f boardFilter) Any() bool { return f != boardFilter{} }

// query is the filter as an address's query, with extra pairs.
func (f boardFilter) query(extra ...string) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "tag": f.Tag, "kind": f.Kind, "campaign": f.Campaign} {
		if s != "" {
			v.Set(k, s)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

// storeFilter turns the form into the store's filter; none means the
// filter selects nobody (a campaign without an audience yet).
func (s *Server) storeFilter(ctx context.Context, f boardFilter) (store.BoardFilter, bool, error) {
	cfg := s.app.Config()
	out := store.BoardFilter{Search: f.Q}
	if f.Tag != "" {
		out.Tags = []string{contact.NormalizeTag(f.Tag)}
	}
	if f.Kind != "" {
		k, ok := cfg.Kinds().Match(f.Kind)
		if !ok {
			return out, false, app.Usagef("there is no kind %q (kinds: %s)", f.Kind, strings.Join(cfg.Contacts.Kinds, ", "))
		}
		out.Kinds = []string{k}
	}
	if f.Campaign != "" {
		ids, err := s.app.CampaignMembers(ctx, f.Campaign)
		if err != nil || len(ids) == 0 {
			return out, false, err
		}
		out.IDs = ids
	}
	return out, true, nil
}

// cardView is a contact's card.
type cardView struct {
	ID              int64
	Name, Org, Kind string
	Last            string // "Answered", "Note sent"
	LastAt          time.Time
	Stage           contact.Stage
	Email           string
}

func toCard(c store.Card) cardView {
	w := c.Who
	v := cardView{ID: w.ID, Name: w.Label(), Kind: w.Kind, LastAt: c.LastAt, Stage: w.Stage, Email: w.Email}
	if w.Organization != "" && w.Organization != v.Name {
		v.Org = w.Organization
	}
	v.Last = "Added"
	if c.LastType != "" {
		v.Last = eventLabel(c.LastType)
	}
	return v
}

// columnView is one stage on the board.
type columnView struct {
	Stage   contact.Stage
	Side    bool
	Count   int
	Cards   []cardView
	MoreURL string // the whole stage, when the column shows only part
}

type boardView struct {
	Filter    boardFilter
	Columns   []columnView // the pipeline's own stages
	Aside     []columnView // its side stages: bounced, opted out…
	Stages    []contact.Stage
	Tags      []store.TagCount
	Kinds     []string
	Campaigns []string
	Total     int
	Back      string
}

// perColumn is how many cards a column shows; the rest are a link away.
const perColumn = 50

// board shows the pipeline: one column per stage, the most recently
// active contacts first.
func (s *Server) board(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := readFilter(r)
	sf, some, err := s.storeFilter(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sf.PerStage = perColumn
	cols := map[contact.Stage]*store.Column{}
	if some {
		if cols, err = s.app.Store().Board(ctx, sf); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v, err := s.boardView(ctx, f, cols)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Back = r.URL.RequestURI()
	s.render(w, r, http.StatusOK, "board", &page{Title: "Board", Nav: "board", Data: v})
}

func (s *Server) boardView(ctx context.Context, f boardFilter, cols map[contact.Stage]*store.Column) (*boardView, error) {
	cfg := s.app.Config()
	v := &boardView{Filter: f, Kinds: cfg.Contacts.Kinds, Stages: cfg.Pipeline.All()}
	var err error
	if v.Tags, err = s.tags.get(ctx, s.app.Store()); err != nil {
		return nil, err
	}
	list, _ := s.app.LoadCampaigns()
	for _, c := range list {
		v.Campaigns = append(v.Campaigns, c.Name)
	}
	for _, st := range v.Stages {
		cv := columnView{Stage: st, Side: cfg.Pipeline.IsSide(st)}
		if c := cols[st]; c != nil {
			cv.Count = c.Count
			for _, card := range c.Cards {
				cv.Cards = append(cv.Cards, toCard(card))
			}
			if c.Count > len(c.Cards) {
				cv.MoreURL = "/contacts?" + f.query("stage", string(st))
			}
		}
		v.Total += cv.Count
		if cv.Side {
			v.Aside = append(v.Aside, cv)
		} else {
			v.Columns = append(v.Columns, cv)
		}
	}
	return v, nil
}

// listView is one stage's contacts, a page at a time.
type listView struct {
	Filter           boardFilter
	Stage            contact.Stage
	Count            int
	Cards            []cardView
	Page             int
	PrevURL, NextURL string
	BoardURL         string
}

const perPage = 100

// contactList shows every contact of a stage the board's column could
// not hold, a hundred at a time.
func (s *Server) contactList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := readFilter(r)
	stage, err := s.app.ParseStage(r.URL.Query().Get("stage"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	v := &listView{Filter: f, Stage: stage, Page: max(n, 1), BoardURL: "/?" + f.query()}
	sf, some, err := s.storeFilter(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if some {
		sf.Stages, sf.PerStage = []contact.Stage{stage}, v.Page*perPage
		cols, err := s.app.Store().Board(ctx, sf)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if c := cols[stage]; c != nil {
			v.Count = c.Count
			for _, card := range c.Cards[min((v.Page-1)*perPage, len(c.Cards)):] {
				v.Cards = append(v.Cards, toCard(card))
			}
		}
	}
	if v.Page > 1 {
		v.PrevURL = "/contacts?" + f.query("stage", string(stage), "page", strconv.Itoa(v.Page-1))
	}
	if v.Page*perPage < v.Count {
		v.NextURL = "/contacts?" + f.query("stage", string(stage), "page", strconv.Itoa(v.Page+1))
	}
	s.render(w, r, http.StatusOK, "list", &page{Title: stageLabel(stage), Nav: "board", Data: v})
}
