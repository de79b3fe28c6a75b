package store

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"rapport/internal/contact"
)

// clock is a settable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openTest(t *testing.T) (*Store, *clock) {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "rapport.db"), &Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, clk
}

func importRows(t *testing.T, s *Store, meta ImportMeta, rows ...contact.Contact) ImportCounts {
	t.Helper()
	im, err := s.BeginImport(context.Background(), meta)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rows {
		if _, err := im.Add(c); err != nil {
			im.Rollback()
			t.Fatal(err)
		}
	}
	counts, err := im.Commit(len(rows), nil)
	if err != nil {
		t.Fatal(err)
	}
	return counts
}

func TestReimportUpdatesFieldsButNeverStageOrHistory(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	lee := contact.Contact{Email: "lee@clinic.test", FirstName: "Anna", LastName: "Lee", Title: "Dr.",
		Organization: "Elm Pediatrics", Kind: "physician", Phone: "555-0100", Tags: []string{"pediatrics"},
		Source: contact.Source{File: "contacts.xlsx", Row: 2}}
	kim := contact.Contact{Address: contact.Address{Street: "1 Church St", City: "Springfield", PostalCode: "01067"},
		FirstName: "James", LastName: "Kim", Title: "Pastor", Source: contact.Source{File: "contacts.xlsx", Row: 3}}
	if got := importRows(t, s, ImportMeta{File: "contacts.xlsx"}, lee, kim); got.Created != 2 {
		t.Fatalf("first import: %+v", got)
	}
	stored, err := s.FindContact(ctx, "LEE@Clinic.test")
	if err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	if _, _, err := s.MoveStage(ctx, stored.ID, Move{To: contact.StageReplied, Reason: "called back"}); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Hour)
	lee.Phone, lee.Tags = "555-0199", []string{"east-side"}
	got := importRows(t, s, ImportMeta{File: "contacts.xlsx"}, lee, kim)
	if got.Updated != 1 || got.Unchanged != 1 || got.Created != 0 {
		t.Fatalf("re-import: %+v", got)
	}
	after, _ := s.Contact(ctx, stored.ID)
	if after.Stage != contact.StageReplied || after.Phone != "555-0199" || len(after.Tags) != 2 {
		t.Errorf("after re-import: stage %s phone %s tags %v", after.Stage, after.Phone, after.Tags)
	}
	hist, _ := s.History(ctx, stored.ID)
	if len(hist) != 3 || hist[0].Type != contact.EventCreated || hist[1].To != contact.StageReplied || hist[2].Type != contact.EventUpdated {
		t.Fatalf("history = %+v", hist)
	}
	if want := "imported from contacts.xlsx row 2: phone: 555-0100 → 555-0199; tags: pediatrics → east-side, pediatrics"; hist[2].Detail != want {
		t.Errorf("update detail = %q, want %q", hist[2].Detail, want)
	}
	logs, _ := s.Imports(ctx, "", 10)
	if len(logs) != 2 || logs[0].File != "contacts.xlsx" {
		t.Errorf("import log = %+v", logs)
	}

	t.Run("another file fills gaps and reports what it kept, unless told to overwrite", func(t *testing.T) {
		im, _ := s.BeginImport(ctx, ImportMeta{File: "clinics.csv"})
		other := contact.Contact{Email: "LEE@clinic.test", Phone: "555-0111", Address: contact.Address{City: "Springfield"},
			Source: contact.Source{File: "clinics.csv", Row: 4}}
		added, err := im.Add(other)
		if err != nil {
			t.Fatal(err)
		}
		if added.Outcome != Updated || len(added.Diff.Kept) != 1 || added.Diff.Kept[0].Field != "phone" || added.Stored.Phone != "555-0199" {
			t.Errorf("added = %+v", added)
		}
		im.Commit(1, nil)
		after, _ := s.Contact(ctx, stored.ID)
		if after.Phone != "555-0199" || after.Address.City != "Springfield" || after.Email != "lee@clinic.test" || after.Source.File != "contacts.xlsx" {
			t.Errorf("after another file: %+v", after)
		}
		im, _ = s.BeginImport(ctx, ImportMeta{File: "clinics.csv", Overwrite: true})
		if added, _ := im.Add(other); added.Outcome != Updated || len(added.Diff.Kept) != 0 {
			t.Errorf("overwrite: %+v", added)
		}
		im.Commit(1, nil)
		if after, _ := s.Contact(ctx, stored.ID); after.Phone != "555-0111" || after.Source.File != "contacts.xlsx" {
			t.Errorf("after --overwrite: %+v", after)
		}
	})
}

func TestRowsGoneFromTheSheetAreFlaggedWithTheImport(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	rows := []contact.Contact{{Email: "a@clinic.test"}, {Email: "B@clinic.test"}, {Email: "c@clinic.test"}}
	for i := range rows {
		rows[i].Source = contact.Source{File: "sheet.xlsx", Row: i + 2}
	}
	importRows(t, s, ImportMeta{File: "sheet.xlsx"}, rows...)
	flag := func(dry bool, seen ...string) []*contact.Contact {
		im, _ := s.BeginImport(ctx, ImportMeta{File: "sheet.xlsx", DryRun: dry})
		gone, err := im.FlagMissing(seen)
		if err != nil {
			t.Fatal(err)
		}
		im.Commit(len(seen), nil)
		return gone
	}
	if gone := flag(true, "a@clinic.test", "b@clinic.test"); len(gone) != 1 || gone[0].Email != "c@clinic.test" {
		t.Errorf("dry run: %+v", gone)
	}
	if c, _ := s.ContactByEmail(ctx, "c@clinic.test"); c.Missing {
		t.Error("a dry run flagged a contact")
	}
	if gone := flag(false, "a@clinic.test", "b@clinic.test"); len(gone) != 1 {
		t.Errorf("flagged %+v", gone)
	}
	if c, _ := s.ContactByEmail(ctx, "c@clinic.test"); !c.Missing {
		t.Error("c was not flagged")
	}
	if gone := flag(false, "a@clinic.test", "b@clinic.test"); len(gone) != 0 {
		t.Errorf("flagged twice: %+v", gone)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	got := importRows(t, s, ImportMeta{File: "a.csv", DryRun: true},
		contact.Contact{Email: "a@clinic.test"}, contact.Contact{Email: "b@clinic.test"})
	if got.Created != 2 {
		t.Errorf("dry run counts = %+v", got)
	}
	all, _ := s.Contacts(ctx, Filter{})
	logs, _ := s.Imports(ctx, "", 10)
	if len(all) != 0 || len(logs) != 0 {
		t.Errorf("dry run stored %d contacts and %d logs", len(all), len(logs))
	}
}

func TestRollbackLeavesNothingHalfImported(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	im, _ := s.BeginImport(ctx, ImportMeta{File: "broken.xlsx"})
	im.Add(contact.Contact{Email: "a@clinic.test"})
	im.Rollback()
	if all, _ := s.Contacts(ctx, Filter{}); len(all) != 0 {
		t.Errorf("rolled-back import left %d contacts", len(all))
	}
}

func TestAutomaticMovesNeverGoBackwards(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "a@clinic.test"})
	c, _ := s.ContactByEmail(ctx, "a@clinic.test")
	if _, moved, err := s.MoveStage(ctx, c.ID, Move{To: contact.StageReplied, Auto: true, Reason: "reply"}); !moved || err != nil {
		t.Fatalf("new → replied: %v %v", moved, err)
	}
	if _, _, err := s.MoveStage(ctx, c.ID, Move{To: contact.StageContacted, Auto: true}); !errors.Is(err, ErrMoveRefused) {
		t.Errorf("replied → contacted automatically: %v", err)
	}
	if _, moved, err := s.MoveStage(ctx, c.ID, Move{To: contact.StageContacted, Reason: "my mistake"}); !moved || err != nil {
		t.Errorf("a manual move may go backwards: %v %v", moved, err)
	}
	if _, moved, _ := s.MoveStage(ctx, c.ID, Move{To: contact.StageContacted}); moved {
		t.Error("a move to the current stage is not a move")
	}
	if _, err := s.FindContact(ctx, "nobody@clinic.test"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown contact: %v", err)
	}
}

func TestFilterByStageTagKind(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"},
		contact.Contact{Email: "a@clinic.test", Kind: "physician", Tags: []string{"pediatrics"}},
		contact.Contact{Email: "b@church.test", Kind: "pastor", Tags: []string{"faith", "east-side"}},
		contact.Contact{Email: "c@school.test", Kind: "school-counselor", Tags: []string{"east-side"}})
	for _, tc := range []struct {
		f    Filter
		want int
	}{
		{Filter{}, 3}, {Filter{Tags: []string{"East Side"}}, 2}, {Filter{Kinds: []string{"pastor"}}, 1},
		{Filter{Stages: []contact.Stage{contact.StageNew}, Tags: []string{"pediatrics"}}, 1},
		{Filter{Stages: []contact.Stage{contact.StageReplied}}, 0},
	} {
		if got, err := s.Contacts(ctx, tc.f); err != nil || len(got) != tc.want {
			t.Errorf("Contacts(%+v) = %d, %v; want %d", tc.f, len(got), err, tc.want)
		}
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	s, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "a@clinic.test"})
	s.Close()
	s, err = Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if all, _ := s.Contacts(ctx, Filter{}); len(all) != 1 {
		t.Errorf("after reopen: %d contacts", len(all))
	}
}
