package store

import (
	"context"
	"fmt"
	"testing"

	"rapport/internal/contact"
)

// tenThousand imports 10,000 contacts shaped like a region's referral
// sources: every 97th speaks Spanish, every 89th does EMDR, so two do
// both (the first, and Zoë); the rest share names, towns and specialties.
func tenThousand(tb testing.TB, s *Store) {
	tb.Helper()
	im, err := s.BeginImport(context.Background(), ImportMeta{File: "region.xlsx"})
	if err != nil {
		tb.Fatal(err)
	}
	specialties := []string{"Adolescents", "Couples (EFT)", "Perinatal mood", "Addiction", "Grief", "Play therapy"}
	for i := range 10000 {
		c := contact.Contact{Email: fmt.Sprintf("p%05d@practice%d.test", i, i%900), FirstName: fmt.Sprintf("Name%d", i%500),
			LastName: "Smith", Organization: fmt.Sprintf("Practice %d Counseling", i%900), Kind: contact.DefaultKinds[i%6],
			Address: contact.Address{City: []string{"Springfield", "Shelbyville", "Capital City"}[i%3]},
			Fields:  map[string]string{"specialty": specialties[i%6]}, Notes: "met at the fall fair"}
		if i%97 == 0 {
			c.Fields["languages"] = "Spanish"
		}
		if i%89 == 0 {
			c.Tags = []string{"emdr"}
		}
		if i == 97*89 {
			c.FirstName = "Zoë"
		}
		if _, err := im.Add(c); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := im.Commit(10000, nil); err != nil {
		tb.Fatal(err)
	}
}

func TestFindAmongTenThousand(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	tenThousand(t, s)
	find := func(words ...string) []*contact.Contact {
		list, err := s.FindContacts(ctx, contact.SearchTerms(words), Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	if got := find("EMDR", "spanish"); len(got) != 2 || got[1].FirstName != "Zoë" {
		t.Errorf("EMDR spanish: %d contacts", len(got))
	}
	if got := find("zoe", "emdr"); len(got) != 1 || got[0].FirstName != "Zoë" {
		t.Errorf("zoe: %d contacts", len(got))
	}
	if got := find("spanish"); len(got) != 104 { // 0, 97, ..., 9991
		t.Errorf("spanish: %d contacts", len(got))
	}
	// Adolescents are every 6th, Springfield every 3rd from 0, Shelbyville
	// every 3rd from 1: every word is required.
	if got := find("adolescent", "springfield"); len(got) != 1667 {
		t.Errorf("adolescents in Springfield: %d contacts", len(got))
	}
	if got := find("adolescent", "shelbyville"); len(got) != 0 {
		t.Errorf("adolescents in Shelbyville: %d contacts", len(got))
	}
}

// BenchmarkFind is `contacts find EMDR spanish` among 10,000 contacts.
// Target: under 50 ms.
func BenchmarkFind(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, b.TempDir()+"/rapport.db", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tenThousand(b, s)
	terms := contact.SearchTerms([]string{"EMDR", "spanish"})
	s.FindContacts(ctx, terms, Filter{}) // the first search after an import prepares the text
	for b.Loop() {
		list, err := s.FindContacts(ctx, terms, Filter{})
		if err != nil || len(list) != 2 {
			b.Fatalf("%d found, %v", len(list), err)
		}
	}
}

// BenchmarkFindFirstAfterImport is the first search after importing
// 10,000 contacts: it computes every contact's search text.
func BenchmarkFindFirstAfterImport(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, b.TempDir()+"/rapport.db", nil)
		if err != nil {
			b.Fatal(err)
		}
		tenThousand(b, s)
		b.StartTimer()
		if _, err := s.FindContacts(ctx, contact.SearchTerms([]string{"spanish"}), Filter{}); err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
