package app

import (
	"context"
	"errors"
	"time"

	"rapport/internal/store"
)

// MarkMailed records that print batch id was posted on day (a calendar
// day in the user's zone; zero means today): the campaign's next step
// counts from then. `rapport letters mailed` and the dashboard's letters
// page both record it here. A day in the future, or before the batch was
// written, is a UsageError that names the day as typed ("2026-11-24 is in
// the future: …").
func (a *App) MarkMailed(ctx context.Context, id int64, day time.Time) (*store.LetterBatch, time.Time, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, time.Time{}, err
	}
	b, err := st.LetterBatch(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, time.Time{}, Invalidf("there is no print batch %d (see `rapport letters batches`)", id)
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	if !b.Written() {
		return nil, time.Time{}, Invalidf("print batch %d is not written yet: rapport stopped while writing it, and the next `rapport send` or the daemon finishes it", id)
	}
	at, err := a.mailedAt(b, day)
	if err != nil {
		return nil, time.Time{}, err
	}
	b, err = st.MarkMailed(ctx, id, at)
	return b, at, err
}

// mailedAt is when the next step's delay starts: the day given (today by
// default), from its first hour, but never before the batch was written,
// so that its letters' history reads in order. A day in the future, or
// before the batch was written, is refused.
func (a *App) mailedAt(b *store.LetterBatch, day time.Time) (time.Time, error) {
	loc := a.Config().Location
	now := a.now().In(loc)
	if day.IsZero() {
		day = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	}
	written := b.WrittenAt.In(loc)
	switch {
	case day.After(now):
		return time.Time{}, Usagef("%s is in the future: mark the batch once it is posted", day.Format("2006-01-02"))
	case day.Before(time.Date(written.Year(), written.Month(), written.Day(), 0, 0, 0, 0, loc)):
		return time.Time{}, Usagef("%s is before print batch %d was written (%s)", day.Format("2006-01-02"), b.ID, written.Format("Mon Jan 2, 2006"))
	}
	if day.Before(b.WrittenAt) {
		return b.WrittenAt, nil
	}
	return day, nil
}
