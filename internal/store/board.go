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
// interaction is kept on each contact (migration 0012), so the whole
// board is a count and a short walk down an index per stage however long
// the history grows; a filtered board looks at each contact once.
func (s *Store) Board(ctx context.Context, f BoardFilter) (map[contact.Stage]*Column, error) {
	if f.PerStage <= 0 {
		f.PerStage = 60
	}
	where, args := f.Filter.where()
	for _, w := range strings.Fields(f.Search) {
		where += ` AND (first_name||' '||last_name||' '||title||' '||organization||' '||COALESCE(email,'')||' '||city) LIKE ? ESCAPE '\'`
		args = append(args, "%"+escapeLike(w)+"%")
	}
	var out map[contact.Stage]*Column
	var err error
	if where == "1" {
		out, err = s.wholeBoard(ctx, f.PerStage)
	} else {
		out, err = s.filteredBoard(ctx, where, args, f.PerStage)
	}
	return out, wrapErr(err, "read the board")
}

// wholeBoard counts each stage through its index and walks each down the
// index (stage, last_at).
func (s *Store) wholeBoard(ctx context.Context, n int) (map[contact.Stage]*Column, error) {
	cols, err := queryAll(ctx, s.db, func(r scanner) (*Column, error) {
		c := &Column{}
		return c, r.Scan(&c.Stage, &c.Count)
	}, "SELECT stage, count(*) FROM contacts GROUP BY stage")
	if err != nil {
		return nil, err
	}
	out := map[contact.Stage]*Column{}
	for _, c := range cols {
		if c.Cards, err = s.cards(ctx, "stage = ? ORDER BY last_at DESC, id DESC LIMIT ?", string(c.Stage), n); err != nil {
			return nil, err
		}
		out[c.Stage] = c
	}
	return out, nil
}

// filteredBoard reads the stage of every contact the filter selects, most
// recently active first, counts them and keeps each stage's first n;
// only those are read in full.
func (s *Store) filteredBoard(ctx context.Context, where string, args []any, n int) (map[contact.Stage]*Column, error) {
	type hit struct {
		id    int64
		stage contact.Stage
	}
	hits, err := queryAll(ctx, s.db, func(r scanner) (hit, error) {
		var h hit
		return h, r.Scan(&h.id, &h.stage)
	}, "SELECT id, stage FROM contacts WHERE "+where+" ORDER BY last_at DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	out := map[contact.Stage]*Column{}
	var kept []int64
	for _, h := range hits {
		c := out[h.stage]
		if c == nil {
			c = &Column{Stage: h.stage}
			out[h.stage] = c
		}
		if c.Count++; c.Count <= n {
			kept = append(kept, h.id)
		}
	}
	ids, _ := json.Marshal(kept)
	cards, err := s.cards(ctx, "id IN (SELECT value FROM json_each(?)) ORDER BY last_at DESC, id DESC", string(ids))
	for _, c := range cards {
		col := out[c.Who.Stage]
		col.Cards = append(col.Cards, c)
	}
	return out, err
}

// cards reads the cards a condition selects; a contact nothing happened
// to since it was added shows when it was added.
func (s *Store) cards(ctx context.Context, cond string, args ...any) ([]Card, error) {
	return queryAll(ctx, s.db, func(r scanner) (Card, error) {
		var c Card
		var at string
		w := &c.Who
		err := r.Scan(&w.ID, &w.Email, &w.FirstName, &w.LastName, &w.Title, &w.Organization, &w.Kind, &w.Stage, &at, &c.LastType)
		c.LastAt = parseTime(at)
		return c, err
	}, `SELECT id, COALESCE(email,''), first_name, last_name, title, organization, kind, stage,
		CASE last_at WHEN '' THEN created_at ELSE last_at END, last_type FROM contacts WHERE `+cond, args...)
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
