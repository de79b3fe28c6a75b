package app

import (
	"context"

	"rapport/internal/dispatch"
)

// Events reads every invite step's event as its campaign file describes
// it, with the answers the store holds; errs are the campaign files that
// could not be read.
func (a *App) Events(ctx context.Context) (reps []*dispatch.EventReport, errs []error, err error) {
	camps, errs := a.LoadCampaigns()
	if _, err := a.store(ctx); err != nil {
		return nil, errs, err
	}
	d, done, err := a.Dispatcher(ctx, nil)
	if err != nil {
		return nil, errs, err
	}
	defer done()
	for _, c := range camps {
		for _, s := range c.Steps {
			if s.Channel != "invite" || s.Event == nil {
				continue
			}
			rep, err := d.Report(ctx, c, s, a.now())
			if err != nil {
				return nil, errs, err
			}
			reps = append(reps, rep)
		}
	}
	return reps, errs, nil
}
