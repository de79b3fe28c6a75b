package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// CampaignState is a campaign's lifecycle as the store keeps it.
type CampaignState struct {
	Name      string
	State     string // draft, active, paused, done
	StartedAt time.Time
	PausedAt  time.Time
	LastTick  time.Time
	NextTick  time.Time
}

// Campaign lifecycle states.
const (
	CampaignDraft  = "draft"
	CampaignActive = "active"
	CampaignPaused = "paused"
	CampaignDone   = "done"
)

// Campaign returns a campaign's state; one never started is a draft.
func (s *Store) Campaign(ctx context.Context, name string) (CampaignState, error) {
	cs := CampaignState{Name: name, State: CampaignDraft}
	var started, paused, last, next string
	err := s.db.QueryRowContext(ctx, `SELECT state, started_at, paused_at, last_tick, next_tick FROM campaigns WHERE name = ?`,
		name).Scan(&cs.State, &started, &paused, &last, &next)
	if errors.Is(err, sql.ErrNoRows) {
		return cs, nil
	}
	cs.StartedAt, cs.PausedAt, cs.LastTick, cs.NextTick = parseTime(started), parseTime(paused), parseTime(last), parseTime(next)
	return cs, wrapErr(err, "read campaign %s", name)
}

// SetCampaignState arms, pauses or finishes a campaign.
func (s *Store) SetCampaignState(ctx context.Context, name, state string) error {
	now := s.now()
	started, paused := "", ""
	switch state {
	case CampaignActive:
		started = now
	case CampaignPaused:
		paused = now
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO campaigns (name, state, started_at, paused_at, updated_at) VALUES (?,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET state = excluded.state,
			started_at = CASE WHEN excluded.started_at != '' AND campaigns.started_at = '' THEN excluded.started_at ELSE campaigns.started_at END,
			paused_at = excluded.paused_at, updated_at = excluded.updated_at`, name, state, started, paused, now)
	return wrapErr(err, "set campaign %s to %s", name, state)
}

// RecordTick stores when a campaign last ran and when it runs next.
func (s *Store) RecordTick(ctx context.Context, name string, last, next time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO campaigns (name, last_tick, next_tick, updated_at) VALUES (?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET last_tick = CASE WHEN excluded.last_tick != '' THEN excluded.last_tick ELSE campaigns.last_tick END,
			next_tick = excluded.next_tick, updated_at = excluded.updated_at`,
		name, fmtTime(last), fmtTime(next), s.now())
	return wrapErr(err, "record the tick of campaign %s", name)
}

// Engagement is what the inbox has learned about a contact that planning
// needs.
type Engagement struct {
	EngagedAt     time.Time // latest reply, or move past "contacted"
	AutoRepliedAt time.Time
	HoldUntil     time.Time
	StageAt       time.Time // the latest stage move, manual or automatic
}

// Engagements returns, for every contact with any, its engagement facts.
// The main-path stages past "contacted" count as engagement: a user who
// moves a contact to "meeting" after a phone call has had an answer.
func (s *Store) Engagements(ctx context.Context) (map[int64]Engagement, error) {
	engaged := []any{}
	past := false
	for _, st := range s.Pipeline.Main {
		if past {
			engaged = append(engaged, string(st))
		}
		past = past || st == "contacted"
	}
	q := `SELECT contact_id,
		max(CASE WHEN type IN ('reply','rsvp') OR (type = 'stage' AND to_stage IN (` + placeholders(max(len(engaged), 1)) + `)) THEN at ELSE '' END),
		max(CASE WHEN type = 'auto-reply' THEN at ELSE '' END),
		max(CASE WHEN type = 'stage' THEN at ELSE '' END)
		FROM events WHERE type IN ('reply','rsvp','stage','auto-reply') GROUP BY contact_id`
	if len(engaged) == 0 {
		engaged = append(engaged, "")
	}
	rows, err := s.db.QueryContext(ctx, q, engaged...)
	if err != nil {
		return nil, err
	}
	out := map[int64]Engagement{}
	for rows.Next() {
		var id int64
		var e, a, st string
		if err := rows.Scan(&id, &e, &a, &st); err != nil {
			rows.Close()
			return nil, err
		}
		out[id] = Engagement{EngagedAt: parseTime(e), AutoRepliedAt: parseTime(a), StageAt: parseTime(st)}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.addHolds(ctx, out)
}

func (s *Store) addHolds(ctx context.Context, out map[int64]Engagement) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, hold_until FROM contacts WHERE hold_until > ?`, s.now())
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			return err
		}
		e := out[id]
		e.HoldUntil = parseTime(h)
		out[id] = e
	}
	return rows.Err()
}
