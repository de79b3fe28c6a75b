package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
)

// claimLetters claims a batch of letters to the contacts for campaign
// "by-post", step "card".
func claimLetters(t *testing.T, s *Store, owner string, ids ...int64) (*LetterBatch, []Claimed) {
	t.Helper()
	var claims []ClaimRequest
	for _, id := range ids {
		claims = append(claims, ClaimRequest{Key: SendKey{Campaign: "by-post", Step: "card", ContactID: id}})
	}
	b, got, err := s.ClaimLetters(context.Background(), NewBatch{Campaign: "by-post", Step: "card", Owner: owner,
		Files: func(id int64) ([]string, error) { return []string{fmt.Sprintf("by-post-%d-cards.pdf", id)}, nil }}, claims)
	if err != nil {
		t.Fatal(err)
	}
	return b, got
}

func postalContacts(t *testing.T, s *Store) []int64 {
	t.Helper()
	importRows(t, s, ImportMeta{File: "a.csv"},
		contact.Contact{Email: "pastor.kim@grace.test", FirstName: "Daniel", LastName: "Kim"},
		contact.Contact{Email: "", FirstName: "Carol", LastName: "Jensen",
			Address: contact.Address{Street: "300 School Rd", City: "Springfield", PostalCode: "62711"}})
	list, err := s.Contacts(context.Background(), Filter{})
	if err != nil || len(list) != 2 {
		t.Fatalf("contacts: %v %v", list, err)
	}
	return []int64{list[0].ID, list[1].ID}
}

func TestAPrintBatchIsPrintedThenMailed(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	ids := postalContacts(t, s)
	b, claimed := claimLetters(t, s, "daemon-1", ids...)
	if b == nil || b.ID != 1 || len(b.Files) != 1 || b.Files[0] != "by-post-1-cards.pdf" || b.Written() {
		t.Fatalf("batch: %+v", b)
	}
	for _, c := range claimed {
		if c.Send == nil || c.Send.Batch != 1 || c.Send.Channel != "letter" || c.Send.Owner != "daemon-1" {
			t.Fatalf("claimed: %+v", c)
		}
	}
	if _, _, err := s.ClaimLetters(ctx, NewBatch{Campaign: "by-post", Step: "card",
		Files: func(int64) ([]string, error) { return nil, nil }}, []ClaimRequest{{Key: SendKey{Campaign: "by-post", Step: "card", ContactID: ids[0]}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkMailed(ctx, b.ID, clk.Now()); !errors.Is(err, ErrNotWritten) {
		t.Errorf("a batch being written cannot be mailed: %v", err)
	}
	var done []Outcome
	for _, c := range claimed {
		done = append(done, Outcome{SendID: c.Send.ID, Send: c.Send, State: contact.SendPrinted, Response: "by-post-1-cards.pdf (print batch 1)"})
	}
	if err := s.LettersPrinted(ctx, b.ID, done, clk.Now()); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.BatchLetters(ctx, b.ID)
	if len(rows) != 2 || rows[0].State != contact.SendPrinted || !rows[0].MailedAt.IsZero() {
		t.Fatalf("rows: %+v", rows)
	}
	if _, ok := rows[0].CountsFrom(); ok {
		t.Error("a letter not yet mailed gives the next step no date to count from")
	}
	clk.Add(26 * time.Hour)
	mailed := clk.Now()
	got, err := s.MarkMailed(ctx, b.ID, mailed)
	if err != nil || !got.MailedAt.Equal(mailed) {
		t.Fatalf("mailed: %+v %v", got, err)
	}
	rows, _ = s.BatchLetters(ctx, b.ID)
	if at, ok := rows[1].CountsFrom(); !ok || !at.Equal(mailed) {
		t.Errorf("the next step counts from the mailing: %v %v", at, ok)
	}
	c, _ := s.Contact(ctx, ids[1])
	if c.Stage != contact.StageContacted {
		t.Errorf("a printed letter moves new → contacted: %s", c.Stage)
	}
	hist, _ := s.History(ctx, ids[1])
	var types []string
	for _, e := range hist {
		types = append(types, string(e.Type)+": "+e.Detail)
	}
	all := strings.Join(types, "\n")
	if !strings.Contains(all, "printed: letter by-post/card printed to by-post-1-cards.pdf (print batch 1)") ||
		!strings.Contains(all, "mailed: letter by-post/card mailed (print batch 1)") {
		t.Errorf("history:\n%s", all)
	}
	list, _ := s.LetterBatches(ctx)
	if len(list) != 1 || list[0].Count != 2 || !list[0].Written() {
		t.Errorf("batches: %+v", list)
	}
}

func TestAnAbandonedBatchGivesItsLettersBack(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	ids := postalContacts(t, s)
	b, _ := claimLetters(t, s, "send-1", ids...)
	if err := s.AbandonBatch(ctx, b.ID, "rapport stopped before the PDF was written"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LetterBatch(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("the batch is forgotten: %v", err)
	}
	rows, _ := s.Sends(ctx, SendFilter{Campaign: "by-post"})
	for _, r := range rows {
		if r.State != contact.SendPlanned || r.Batch != 0 {
			t.Errorf("released: %+v", r)
		}
	}
	b2, claimed := claimLetters(t, s, "send-2", ids...)
	if b2 == nil || b2.ID != 2 || claimed[0].Send == nil || claimed[1].Send == nil {
		t.Fatalf("the letters go in the next batch, whose number is new: %+v %+v", b2, claimed)
	}
	b3, again := claimLetters(t, s, "send-2", ids...)
	if b3 != nil || !errors.Is(again[0].Refused, ErrJournaled) {
		t.Errorf("a letter is never claimed twice: %+v %+v", b3, again)
	}
}
