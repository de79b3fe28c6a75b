package store

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
)

func names(col *Column) []string {
	var out []string
	for _, c := range col.Cards {
		out = append(out, c.Who.LastName)
	}
	return out
}

func TestTheBoardShowsTheMostRecentlyActiveFirst(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "contacts.csv"},
		contact.Contact{Email: "lee@elm.test", LastName: "Lee", Organization: "Elm Pediatrics", Kind: "physician", Tags: []string{"pediatrics"}},
		contact.Contact{Email: "kim@grace.test", LastName: "Kim", Organization: "Grace Church", Kind: "pastor"},
		contact.Contact{Email: "osei@harbor.test", LastName: "Osei", Organization: "Harbor Counseling", Kind: "therapist", Tags: []string{"couples"}},
		contact.Contact{Email: "park@lincoln.test", LastName: "Park", Organization: "Lincoln Middle School", Kind: "school-counselor"})
	id := func(email string) int64 { c, _ := s.ContactByEmail(ctx, email); return c.ID }
	clk.Add(time.Hour)
	s.AddEvent(ctx, contact.Event{ContactID: id("kim@grace.test"), Type: contact.EventSent})
	clk.Add(time.Hour)
	s.AddEvent(ctx, contact.Event{ContactID: id("osei@harbor.test"), Type: contact.EventAutoReply})
	// Older news arriving late does not make a contact look more recent.
	s.AddEvent(ctx, contact.Event{ContactID: id("kim@grace.test"), Type: contact.EventReply, At: clk.Now().Add(-90 * time.Minute)})
	clk.Add(time.Hour)
	// A re-import's changes are not an interaction.
	s.AddEvent(ctx, contact.Event{ContactID: id("lee@elm.test"), Type: contact.EventUpdated, Detail: "phone: → 555"})
	s.MoveStage(ctx, id("park@lincoln.test"), Move{To: "contacted", Reason: "called"})

	b, err := s.Board(ctx, BoardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(b["new"]); len(got) != 3 || got[0] != "Osei" || got[1] != "Kim" || got[2] != "Lee" || b["new"].Count != 3 {
		t.Errorf("new: %v (%d)", got, b["new"].Count)
	}
	if c := b["new"].Cards[1]; c.LastType != contact.EventSent {
		t.Errorf("Kim's last interaction is %s, not the note sent after the late reply's time", c.LastType)
	}
	if c := b["new"].Cards[2]; c.LastType != "" || !c.LastAt.Equal(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Lee, untouched but for a re-import: %s at %s", c.LastType, c.LastAt)
	}
	if got := names(b["contacted"]); len(got) != 1 || got[0] != "Park" || b["contacted"].Cards[0].LastType != contact.EventStage {
		t.Errorf("contacted: %v", got)
	}
	t.Run("filters and words", func(t *testing.T) {
		for _, tc := range []struct {
			f    BoardFilter
			want int
		}{
			{BoardFilter{Search: "harbor"}, 1}, {BoardFilter{Search: "GRACE kim"}, 1}, {BoardFilter{Search: "grace lee"}, 0},
			{BoardFilter{Search: "100%"}, 0}, {BoardFilter{Filter: Filter{Tags: []string{"couples", "pediatrics"}}}, 2},
			{BoardFilter{Filter: Filter{Kinds: []string{"pastor"}}}, 1}, {BoardFilter{Filter: Filter{Stages: []contact.Stage{"contacted"}}}, 1},
		} {
			b, err := s.Board(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, c := range b {
				n += c.Count
			}
			if n != tc.want {
				t.Errorf("%+v: %d contacts, want %d", tc.f, n, tc.want)
			}
		}
	})
	t.Run("a column holds PerStage cards and counts them all", func(t *testing.T) {
		b, _ := s.Board(ctx, BoardFilter{PerStage: 2})
		if len(b["new"].Cards) != 2 || b["new"].Count != 3 {
			t.Errorf("%d cards of %d", len(b["new"].Cards), b["new"].Count)
		}
		b, _ = s.Board(ctx, BoardFilter{PerStage: 2, Search: "e"})
		if len(b["new"].Cards) != 2 || b["new"].Count != 3 || b["new"].Cards[0].Who.LastName != "Osei" {
			t.Errorf("filtered: %v of %d", names(b["new"]), b["new"].Count)
		}
	})
}

func TestAStoreFromBeforeTheBoardLearnsEachContactsLastInteraction(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "contacts.csv"},
		contact.Contact{Email: "lee@elm.test", LastName: "Lee"}, contact.Contact{Email: "kim@grace.test", LastName: "Kim"})
	lee, _ := s.ContactByEmail(ctx, "lee@elm.test")
	clk.Add(time.Hour)
	s.AddEvent(ctx, contact.Event{ContactID: lee.ID, Type: contact.EventReply})
	clk.Add(time.Hour)
	s.AddEvent(ctx, contact.Event{ContactID: lee.ID, Type: contact.EventMissing})
	// As the store was before migration 0012: nothing kept on the contact.
	db, err := sql.Open("sqlite", "file:"+s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE contacts SET last_at = '', last_type = ''"); err != nil {
		t.Fatal(err)
	}
	body, _ := migrations.ReadFile("migrations/0012_board.sql")
	backfill := string(body)
	backfill = backfill[strings.Index(backfill, "UPDATE contacts SET"):strings.Index(backfill, "CREATE TRIGGER")]
	if _, err := db.Exec(backfill); err != nil {
		t.Fatal(err)
	}
	b, _ := s.Board(ctx, BoardFilter{})
	if got := b["new"].Cards[0]; got.Who.LastName != "Lee" || got.LastType != contact.EventReply {
		t.Errorf("after the migration the first card is %s (%s)", got.Who.LastName, got.LastType)
	}
}
