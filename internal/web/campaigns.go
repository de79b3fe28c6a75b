package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"

	"rapport/internal/app"
	"rapport/internal/campaign"
	"rapport/internal/contact"
)

type campaignRow struct {
	app.CampaignSummary
	Description string
}

type campaignsView struct {
	Campaigns []campaignRow
	Invalid   []string
}

// campaignList shows every campaign with its state and counts per step.
func (s *Server) campaignList(w http.ResponseWriter, r *http.Request) {
	list, errs := s.app.LoadCampaigns()
	v := &campaignsView{}
	for _, c := range list {
		sum, err := s.app.DescribeCampaign(r.Context(), c)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Campaigns = append(v.Campaigns, campaignRow{CampaignSummary: sum, Description: c.Description})
	}
	for _, e := range errs {
		v.Invalid = append(v.Invalid, e.Error())
	}
	s.render(w, r, http.StatusOK, "campaigns", &page{Title: "Campaigns", Nav: "campaigns", Data: v})
}

// planRow is one line of a campaign's plan, as `campaigns plan` says it.
type planRow struct {
	ContactID int64
	Who       string
	Step      string
	Due       bool
	Reason    string
	Code      campaign.Code
}

// reasonCount is how many contacts wait for one reason.
type reasonCount struct {
	Code  campaign.Code
	Count int
	Due   bool
}

type campaignView struct {
	C       *campaign.Campaign
	Summary app.CampaignSummary
	Plan    []planRow
	Reasons []reasonCount
	Due     int
	Total   int // lines of the plan
	People  int // contacts in it (a contact may wait for two steps)
	Shown   int
	AllURL  string
}

// planShown is how many plan lines a campaign's page shows at first.
const planShown = 200

// campaignPage shows a campaign: its state, its steps with their
// counts, and its plan with the reasons `rapport campaigns plan` gives.
func (s *Server) campaignPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.campaignView(r, r.URL.Query().Get("all") != "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "campaign", &page{Title: v.C.Name, Nav: "campaigns", Data: v})
}

func (s *Server) campaignView(r *http.Request, all bool) (*campaignView, error) {
	ctx := r.Context()
	c, err := s.app.Campaign(r.PathValue("name"))
	if err != nil {
		return nil, err
	}
	v := &campaignView{C: c}
	if v.Summary, err = s.app.DescribeCampaign(ctx, c); err != nil {
		return nil, err
	}
	items, err := s.app.Plan(ctx, c, s.app.Now())
	if err != nil {
		return nil, err
	}
	counts := map[campaign.Code]*reasonCount{}
	people := map[int64]bool{}
	for _, it := range items {
		people[it.Contact.ID] = true
		rc := counts[it.Code]
		if rc == nil {
			rc = &reasonCount{Code: it.Code, Due: it.Due}
			counts[it.Code] = rc
			v.Reasons = append(v.Reasons, *rc)
		}
		rc.Count++
		if it.Due {
			v.Due++
		}
		if !all && len(v.Plan) >= planShown {
			continue
		}
		row := planRow{ContactID: it.Contact.ID, Who: it.Contact.Label(), Due: it.Due, Reason: it.Reason, Code: it.Code}
		if it.Step != nil {
			row.Step = it.Step.ID
		}
		v.Plan = append(v.Plan, row)
	}
	for i := range v.Reasons {
		v.Reasons[i].Count = counts[v.Reasons[i].Code].Count
	}
	slices.SortStableFunc(v.Reasons, func(a, b reasonCount) int { return b.Count - a.Count })
	v.Total, v.People, v.Shown = len(items), len(people), len(v.Plan)
	if v.Shown < v.Total {
		v.AllURL = "/campaigns/" + c.Name + "?all=1"
	}
	return v, nil
}

// startCampaign arms a campaign after checking every note it would
// write, as `rapport campaigns start` does; problems are listed and
// nothing starts.
func (s *Server) startCampaign(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := s.app.Campaign(r.PathValue("name"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	started, err := s.app.StartCampaign(ctx, c)
	var ns *app.NotStarted
	if errors.As(err, &ns) {
		v, verr := s.campaignView(r, false)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		p := &page{Title: c.Name, Nav: "campaigns", Data: v, Problem: ns.Error()}
		for _, pr := range ns.Problems {
			who := "the template"
			if pr.Contact != nil {
				who = labelOf(pr.Contact)
			}
			p.Problems = append(p.Problems, fmt.Sprintf("%s for %s: %v", pr.Step, who, pr.Err))
		}
		s.render(w, r, http.StatusUnprocessableEntity, "campaign", p)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, fmt.Sprintf("Campaign %s is started: %s in its audience; it runs %s (next %s).", c.Name,
		plural(started.Audience, "contact"), c.Schedule.Describe(), s.when(c.Schedule.Next(s.app.Now()))), "/campaigns/"+c.Name)
}

// pauseCampaign pauses a campaign at once.
func (s *Server) pauseCampaign(w http.ResponseWriter, r *http.Request) {
	c, err := s.app.Campaign(r.PathValue("name"))
	if err == nil {
		err = s.app.PauseCampaign(r.Context(), c)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.done(w, r, "Campaign "+c.Name+" is paused; nothing more goes out for it until you start it again.", "/campaigns/"+c.Name)
}

// labelOf is a contact's email, or its name for one without.
func labelOf(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return c.Label()
}
