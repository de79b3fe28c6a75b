package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// ContactErr says, for a reference that found nobody, how to find them.
func ContactErr(ref string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("contact %s: not in your contacts (look with `rapport contacts find WORDS`, or add them with `rapport contacts add --email ...`)", ref)
	}
	return fmt.Errorf("contact %s: %w", ref, err)
}

// LogInteraction records something the user did with a contact (an email
// address or an ID) at a moment: a visit, a call, cookies dropped off.
// `rapport contacts log` and the contact's page both record it here.
func (a *App) LogInteraction(ctx context.Context, ref string, at time.Time, text string) (*contact.Contact, error) {
	if err := contact.CheckText(text); err != nil {
		return nil, Usagef("the text %v; put it on one line", err)
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	c, err := st.FindContact(ctx, ref)
	if err != nil {
		return nil, ContactErr(ref, err)
	}
	return c, st.LogInteraction(ctx, c.ID, at, text)
}

// AddReferral records count referrals received from a contact on a day
// (never who the clients were): `rapport referrals add` and the contact's
// page both record them here.
func (a *App) AddReferral(ctx context.Context, ref string, on time.Time, count int, note string) (store.Referral, *contact.Contact, error) {
	st, err := a.store(ctx)
	if err != nil {
		return store.Referral{}, nil, err
	}
	c, err := st.FindContact(ctx, ref)
	if err != nil {
		return store.Referral{}, nil, ContactErr(ref, err)
	}
	r, err := st.AddReferral(ctx, store.Referral{ContactID: c.ID, On: on, Count: count, Note: contact.CleanText(note)})
	return r, c, err
}
