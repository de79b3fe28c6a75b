package app

import (
	"context"
	"fmt"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/dispatch"
	"rapport/internal/store"
)

// CampaignSummary is a campaign as `campaigns list` and `status` show it:
// its state, its ticks and how many notes each step has in each state.
type CampaignSummary struct {
	Name     string        `json:"name"`
	State    string        `json:"state"`
	Schedule string        `json:"schedule"`
	LastTick string        `json:"last_tick,omitempty"`
	NextTick string        `json:"next_tick,omitempty"`
	Steps    []StepSummary `json:"steps"`
	Problem  string        `json:"problem,omitempty"`
}

// StepSummary counts a step's journal rows by state ("sent", "deferred"…).
type StepSummary struct {
	ID     string         `json:"id"`
	Counts map[string]int `json:"counts"`
}

// DescribeCampaign reads c's state and counts from the store.
func (a *App) DescribeCampaign(ctx context.Context, c *campaign.Campaign) (CampaignSummary, error) {
	st, err := a.store(ctx)
	if err != nil {
		return CampaignSummary{}, err
	}
	cs, err := st.Campaign(ctx, c.Name)
	if err != nil {
		return CampaignSummary{}, err
	}
	sends, err := st.Sends(ctx, store.SendFilter{Campaign: c.Name})
	if err != nil {
		return CampaignSummary{}, err
	}
	cj := CampaignSummary{Name: c.Name, State: cs.State, Schedule: c.Schedule.String()}
	if !cs.LastTick.IsZero() {
		cj.LastTick = cs.LastTick.In(c.Location).Format("2006-01-02 15:04")
	}
	if cs.State == store.CampaignActive {
		cj.NextTick = c.Schedule.Next(a.now()).In(c.Location).Format("2006-01-02 15:04")
	}
	for _, s := range c.Steps {
		counts := map[string]int{}
		for _, sd := range sends {
			if sd.Step == s.ID {
				counts[string(sd.State)]++
			}
		}
		cj.Steps = append(cj.Steps, StepSummary{ID: s.ID, Counts: counts})
	}
	return cj, nil
}

// Plan is who is due for which step of c at t, and for everyone else why
// not: what `campaigns plan` shows.
func (a *App) Plan(ctx context.Context, c *campaign.Campaign, t time.Time) ([]campaign.Item, error) {
	d, done, err := a.Dispatcher(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer done()
	return d.Plan(ctx, c, t)
}

// NotStarted is why StartCampaign refused: the notes its checks could not
// write. Nothing was started or sent.
type NotStarted struct {
	Campaign string
	Problems []dispatch.Problem
}

func (e *NotStarted) Error() string {
	return fmt.Sprintf("campaign %s is not started: %s to fix first (nothing was sent)", e.Campaign, plural(len(e.Problems), "problem"))
}

// Started is a campaign just armed: how many are in its audience, and its
// plan as of now.
type Started struct {
	Campaign *campaign.Campaign
	Audience int
	Plan     []campaign.Item
}

// StartCampaign arms c after checking every note it would write; any
// problem refuses it with a ValidationError wrapping *NotStarted.
func (a *App) StartCampaign(ctx context.Context, c *campaign.Campaign) (*Started, error) {
	d, done, err := a.Dispatcher(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer done()
	if err := c.CheckEvents(a.now()); err != nil {
		return nil, Invalid(fmt.Errorf("campaign %s is not started (nothing was sent):\n%w", c.Name, err))
	}
	problems, n, err := d.CheckCampaign(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, Invalid(&NotStarted{Campaign: c.Name, Problems: problems})
	}
	if err := a.Store().SetCampaignState(ctx, c.Name, store.CampaignActive); err != nil {
		return nil, err
	}
	items, err := d.Plan(ctx, c, a.now())
	if err != nil {
		return nil, err
	}
	return &Started{Campaign: c, Audience: n, Plan: items}, nil
}

// PauseCampaign pauses c at once; StartCampaign resumes it where it
// stopped.
func (a *App) PauseCampaign(ctx context.Context, c *campaign.Campaign) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	return st.SetCampaignState(ctx, c.Name, store.CampaignPaused)
}

// CampaignMembers lists the IDs of a campaign's audience and of everyone
// it has already written to this round.
func (a *App) CampaignMembers(ctx context.Context, name string) ([]int64, error) {
	c, err := a.Campaign(name)
	if err != nil {
		return nil, err
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	facts, err := dispatch.Facts(ctx, st, c, a.now())
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(facts))
	for _, f := range facts {
		ids = append(ids, f.Contact.ID)
	}
	return ids, nil
}

// plural writes "1 contact", "3 contacts".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
