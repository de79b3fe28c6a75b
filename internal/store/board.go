package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"rapport/internal/contact"
)

// Card is a contact as the dashboard's board shows it: who, and the last
// thing that happened with them.
type Card struct {
	Who      contact.Contact // ID, names, title, organization, kind, email and stage only
	LastAt   time.Time       // when it was added, if nothing happened since
	LastType contact.EventType
}

// Column is one stage of the board: how many contacts it holds, and the
// most recently active of them.
type Column struct {
	Stage contact.Stage
	Count int
	Cards []Card
}

// BoardFilter selects the contacts of the board.
type BoardFilter struct {
	Filter
	// Search holds words that must all appear in a contact's name, title,
	// organization, email or city, in any case.
	Search string
	// PerStage is how many cards a column holds at most (0: 60).
	PerStage int
}

// Board returns one column per stage that has contacts f selects, with
// its count and its PerStage most recently active cards. The last
// interaction is kept on each contact (migration 0009), so a column is a
// short walk down an index however long the history grows.
func (s *Store) Board(ctx context.Context, f BoardFilter) (map[contact.Stage]*Column, error) {
	if f.PerStage <= 0 {
		f.PerStage = 60
	}
	where, args := f.Filter.where()
	for _, w := range strings.Fields(f.Search) {
		where += ` AND (first_name||' '||last_name||' '||title||' '||organization||' '||COALESCE(email,'')||' '||city) LIKE ? ESCAPE '\'`
		args = append(args, "%"+escapeLike(w)+"%")
	}
	if f.Search != "" || len(f.Tags) > 0 {
		// Words and tags cost a look at every contact: look once, then
		// count and page through the few that match.
		ids, err := queryAll(ctx, s.db, func(r scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, "SELECT id FROM contacts WHERE "+where, args...)
		if err != nil {
			return nil, wrapErr(err, "read the board")
		}
		b, _ := json.Marshal(ids)
		where, args = "id IN (SELECT value FROM json_each(?))", []any{string(b)}
	}
	out := map[contact.Stage]*Column{}
	rows, err := s.db.QueryContext(ctx, "SELECT stage, count(*) FROM contacts WHERE "+where+" GROUP BY stage", args...)
	if err != nil {
		return nil, wrapErr(err, "read the board")
	}
	for rows.Next() {
		c := &Column{}
		if err := rows.Scan(&c.Stage, &c.Count); err != nil {
			rows.Close()
			return nil, wrapErr(err, "read the board")
		}
		out[c.Stage] = c
	}
	rows.Close()
	for st, col := range out {
		if col.Cards, err = s.cards(ctx, st, where, args, f.PerStage); err != nil {
			return nil, err
		}
	}
	return out, wrapErr(rows.Err(), "read the board")
}

// cards reads a stage's most recently active cards; a contact nothing
// happened to since it was added comes last, newest first.
func (s *Store) cards(ctx context.Context, st contact.Stage, where string, args []any, n int) ([]Card, error) {
	q := `SELECT id, COALESCE(email,''), first_name, last_name, title, organization, kind, stage,
		CASE last_at WHEN '' THEN created_at ELSE last_at END, last_type
		FROM contacts WHERE stage = ? AND ` + where + ` ORDER BY last_at DESC, id DESC LIMIT ?`
	list, err := queryAll(ctx, s.db, func(r scanner) (Card, error) {
		var c Card
		var at string
		w := &c.Who
		err := r.Scan(&w.ID, &w.Email, &w.FirstName, &w.LastName, &w.Title, &w.Organization, &w.Kind, &w.Stage, &at, &c.LastType)
		c.LastAt = parseTime(at)
		return c, err
	}, q, append(append([]any{string(st)}, args...), n)...)
	return list, wrapErr(err, "read the board")
}

// TagCount is a tag and how many contacts carry it.
type TagCount struct {
	Tag   string
	Count int
}

// Tags lists every tag in use, by name. Contacts share a few sets of
// tags: counting the sets and adding them up here is twice as fast as
// unpacking every contact's list in SQL.
func (s *Store) Tags(ctx context.Context) ([]TagCount, error) {
	type set struct {
		tags string
		n    int
	}
	sets, err := queryAll(ctx, s.db, func(r scanner) (set, error) {
		var x set
		return x, r.Scan(&x.tags, &x.n)
	}, `SELECT tags, count(*) FROM contacts GROUP BY tags`)
	if err != nil {
		return nil, wrapErr(err, "read the tags")
	}
	counts := map[string]int{}
	for _, x := range sets {
		var tags []string
		if err := json.Unmarshal([]byte(x.tags), &tags); err != nil {
			return nil, fmt.Errorf("read the tags: %w", err)
		}
		for _, t := range tags {
			counts[t] += x.n
		}
	}
	out := make([]TagCount, 0, len(counts))
	for _, t := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, TagCount{Tag: t, Count: counts[t]})
	}
	return out, nil
}

// Happening is when one history event of a type happened.
type Happening struct {
	Type contact.EventType
	At   time.Time
}

// Happenings lists when events of the given types happened since since,
// oldest first: what the report's charts count.
func (s *Store) Happenings(ctx context.Context, since time.Time, types ...contact.EventType) ([]Happening, error) {
	if len(types) == 0 {
		return nil, nil
	}
	args := []any{fmtTime(since)}
	for _, t := range types {
		args = append(args, string(t))
	}
	return queryAll(ctx, s.db, func(r scanner) (Happening, error) {
		var h Happening
		var at string
		err := r.Scan(&h.Type, &at)
		h.At = parseTime(at)
		return h, err
	}, `SELECT type, at FROM events WHERE at >= ? AND type IN (`+placeholders(len(types))+`) ORDER BY at`, args...)
}

// AddEvents appends many history entries in one transaction (a zero At
// means now): the demo's story and test fixtures of a busy practice.
func (s *Store) AddEvents(ctx context.Context, events []contact.Event) error {
	err := s.tx(ctx, func(tx *txn) error {
		for _, e := range events {
			if err := s.insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add %d history entries: %w", len(events), err)
	}
	return nil
}
