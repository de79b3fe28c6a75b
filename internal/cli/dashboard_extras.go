package cli

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	core "rapport/internal/app"
	"rapport/internal/store"
	"rapport/internal/web"
)

// dashboardExtras wires the dashboard's visits, referrals, invitations
// and print batches to the same use cases as `contacts log`, `referrals
// add`, `events list` and `letters mailed`. It holds the run's App, not
// the run: the dashboard's requests never read the CLI's own fields,
// which a reload rewrites.
func (a *app) dashboardExtras() web.Extras {
	u := a.core()
	ref := func(id int64) string { return strconv.FormatInt(id, 10) }
	return web.Extras{
		LogVisit: func(ctx context.Context, id int64, at time.Time, text string) error {
			_, err := u.LogInteraction(ctx, ref(id), at, text)
			return err
		},
		AddReferral: func(ctx context.Context, id int64, at time.Time, n int, note string) error {
			_, _, err := u.AddReferral(ctx, ref(id), at.In(u.Config().Location), n, note)
			return err
		},
		Referrals:   func(ctx context.Context) ([]web.Referral, error) { return dashboardReferrals(ctx, u.Store()) },
		Invitations: func(ctx context.Context) ([]web.Invitation, error) { return dashboardInvitations(ctx, u) },
		Batches:     func(ctx context.Context) ([]web.Batch, error) { return dashboardBatches(ctx, u.Store()) },
		MarkMailed: func(ctx context.Context, id int64, day time.Time) error {
			_, _, err := u.MarkMailed(ctx, id, day)
			return err
		},
	}
}

// dashboardReferrals are the referrals received, each with its source.
func dashboardReferrals(ctx context.Context, st *store.Store) ([]web.Referral, error) {
	list, err := st.Referrals(ctx, store.ReferralFilter{})
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(list))
	for _, r := range list {
		ids = append(ids, r.ContactID)
	}
	who := map[int64]string{}
	kind := map[int64]string{}
	if len(ids) > 0 {
		cs, err := st.Contacts(ctx, store.Filter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			who[c.ID], kind[c.ID] = c.Label(), c.Kind
		}
	}
	out := make([]web.Referral, 0, len(list))
	for _, r := range list {
		out = append(out, web.Referral{ID: r.ID, ContactID: r.ContactID, Source: who[r.ContactID], Kind: kind[r.ContactID],
			On: r.On, Count: r.Count, Note: r.Note})
	}
	return out, nil
}

// dashboardInvitations are the campaigns' events with their answers.
func dashboardInvitations(ctx context.Context, u *core.App) ([]web.Invitation, error) {
	reps, _, err := u.Events(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]web.Invitation, 0, len(reps))
	for _, rep := range reps {
		e := rep.Step.Event
		inv := web.Invitation{Name: rep.Campaign.Name + "-" + rep.Step.ID, Title: e.Title, Start: e.Start,
			Location: strings.Trim(e.Place+", "+e.Address, ", "), Capacity: e.Capacity}
		for _, g := range rep.Guests {
			a := web.Answer{ContactID: g.Contact.ID, Who: g.Contact.Label(), Answer: g.Answer().Words()}
			if g.RSVP != nil {
				a.At = g.RSVP.Stamp
			}
			inv.Answers = append(inv.Answers, a)
		}
		out = append(out, inv)
	}
	return out, nil
}

// dashboardBatches are the print batches that are written, newest first.
func dashboardBatches(ctx context.Context, st *store.Store) ([]web.Batch, error) {
	list, err := st.LetterBatches(ctx)
	if err != nil {
		return nil, err
	}
	var out []web.Batch
	for i := len(list) - 1; i >= 0; i-- {
		b := list[i]
		if !b.Written() {
			continue
		}
		wb := web.Batch{ID: b.ID, Campaign: b.Campaign, Step: b.Step, Letters: b.Count, Printed: b.WrittenAt, Mailed: b.MailedAt}
		for _, f := range b.Files {
			wb.Files = append(wb.Files, web.BatchFile{Name: filepath.Base(f), Path: f})
		}
		out = append(out, wb)
	}
	return out, nil
}
