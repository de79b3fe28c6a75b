package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
)

func TestReferrals(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "pastor.kim@church.test", FirstName: "Daniel", LastName: "Kim", Title: "Pastor"})
	kim, _ := s.ContactByEmail(ctx, "pastor.kim@church.test")

	t.Run("a referral from Pastor Kim, today by default", func(t *testing.T) {
		r, err := s.AddReferral(ctx, Referral{ContactID: kim.ID, Count: 1, Note: "after the Sunday coffee"})
		if err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 || r.On.Format("2006-01-02") != "2026-11-02" || r.Count != 1 {
			t.Fatalf("referral = %+v", r)
		}
	})
	t.Run("the day is the one the user typed, in their zone", func(t *testing.T) {
		chicago, _ := time.LoadLocation("America/Chicago")
		late := time.Date(2026, 10, 30, 23, 30, 0, 0, chicago) // already Oct 31 in UTC
		if _, err := s.AddReferral(ctx, Referral{ContactID: kim.ID, On: late, Count: 2}); err != nil {
			t.Fatal(err)
		}
		list, _ := s.Referrals(ctx, ReferralFilter{Since: time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC), Until: time.Date(2026, 10, 30, 0, 0, 0, 0, time.UTC)})
		if len(list) != 1 || list[0].Count != 2 {
			t.Fatalf("referrals on Oct 30 = %+v", list)
		}
	})
	t.Run("referrals show in the contact's history", func(t *testing.T) {
		hist, _ := s.History(ctx, kim.ID)
		var refs []string
		for _, e := range hist {
			if e.Type == contact.EventReferral {
				refs = append(refs, e.Detail)
			}
		}
		if len(refs) != 2 || !strings.HasPrefix(refs[0], "2 referrals") || !strings.Contains(refs[1], "after the Sunday coffee") {
			t.Errorf("history referrals = %q", refs)
		}
	})
	t.Run("bad counts, line breaks and unknown sources change nothing", func(t *testing.T) {
		if _, err := s.AddReferral(ctx, Referral{ContactID: kim.ID, Count: 0}); err == nil {
			t.Error("a count of 0 was accepted")
		}
		if _, err := s.AddReferral(ctx, Referral{ContactID: kim.ID, Count: 1, Note: "a\nb"}); err == nil {
			t.Error("a note with a line break was accepted")
		}
		if _, err := s.AddReferral(ctx, Referral{ContactID: 999, Count: 1}); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown source: %v", err)
		}
		list, _ := s.Referrals(ctx, ReferralFilter{})
		if len(list) != 2 {
			t.Errorf("%d referrals stored, want 2", len(list))
		}
	})
	t.Run("removing one recorded by mistake", func(t *testing.T) {
		clk.Add(time.Hour)
		list, _ := s.Referrals(ctx, ReferralFilter{})
		r, err := s.RemoveReferral(ctx, list[0].ID)
		if err != nil || r.ID != list[0].ID {
			t.Fatalf("remove: %+v %v", r, err)
		}
		if _, err := s.RemoveReferral(ctx, list[0].ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("removing twice: %v", err)
		}
		hist, _ := s.History(ctx, kim.ID)
		n := 0
		for _, e := range hist {
			if e.Type == contact.EventReferral {
				n++
				if strings.Contains(e.Detail, referralTag(list[0].ID)) {
					t.Errorf("the removed referral is still in the history: %q", e.Detail)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d referral lines in the history, want 1", n)
		}
	})
}

func TestContactBookByHand(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	dana := &contact.Contact{Email: "dana@riverbend.test", FirstName: "Dana", Kind: "therapist", Tags: []string{"emdr"}}

	t.Run("the colleague met at lunch", func(t *testing.T) {
		if err := s.AddContact(ctx, dana); err != nil {
			t.Fatal(err)
		}
		hist, _ := s.History(ctx, dana.ID)
		if dana.Stage != contact.StageNew || len(hist) != 1 || hist[0].Detail != "added by hand" {
			t.Errorf("stage %s, history %+v", dana.Stage, hist)
		}
	})
	t.Run("adding them twice says who is there", func(t *testing.T) {
		again := &contact.Contact{Email: "DANA@riverbend.test"}
		err := s.AddContact(ctx, again)
		var ee *ExistsError
		if !errors.As(err, &ee) || !errors.Is(err, ErrExists) || ee.Existing.ID != dana.ID {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("an edit is in the history; a stale edit is refused", func(t *testing.T) {
		c, _ := s.Contact(ctx, dana.ID)
		stale := *c
		ch, _ := c.Set("languages", "Spanish", nil)
		if err := s.EditContact(ctx, c, []string{ch}); err != nil {
			t.Fatal(err)
		}
		stale.Phone = "555"
		if err := s.EditContact(ctx, &stale, []string{"phone: 555"}); !errors.Is(err, ErrChanged) {
			t.Errorf("an edit of an old copy: %v", err)
		}
		hist, _ := s.History(ctx, dana.ID)
		if last := hist[len(hist)-1]; last.Type != contact.EventUpdated || last.Detail != "edited by you: languages: Spanish" {
			t.Errorf("last history entry = %+v", last)
		}
	})
	t.Run("taking another contact's address is refused", func(t *testing.T) {
		other := &contact.Contact{Email: "lee@clinic.test"}
		s.AddContact(ctx, other)
		c, _ := s.Contact(ctx, other.ID)
		c.Set("email", "dana@riverbend.test", nil)
		if err := s.EditContact(ctx, c, []string{"email"}); !errors.Is(err, ErrExists) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a logged visit is the user's own history entry", func(t *testing.T) {
		at := clk.Now().Add(-24 * time.Hour)
		if err := s.LogInteraction(ctx, dana.ID, at, "  lunch at the Greek place "); err != nil {
			t.Fatal(err)
		}
		if err := s.LogInteraction(ctx, dana.ID, at, "a\r\nBcc: x"); err == nil {
			t.Error("a line break was logged")
		}
		last, _ := s.LastInteractions(ctx)
		if got := last[dana.ID]; !got.At.Equal(at) || got.What != "you: lunch at the Greek place" {
			t.Errorf("last interaction = %+v", got)
		}
	})
}

func TestForgetThenReimport(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	row := contact.Contact{Email: "Someone@Clinic.test", FirstName: "Sam", Source: contact.Source{File: "a.csv", Row: 2}}
	importRows(t, s, ImportMeta{File: "a.csv"}, row)
	c, _ := s.ContactByEmail(ctx, "someone@clinic.test")
	sd, _ := s.Claim(ctx, SendKey{Campaign: "intro", Step: "intro", ContactID: c.ID}, Pending{Email: c.Email, MessageID: "m1@me.test"}, nil)
	s.MarkSent(ctx, sd.ID, "250 ok")
	s.ApplyInbound(ctx, Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: 7, MessageID: "r1@clinic.test", Class: "reply",
		ContactID: c.ID, SendID: sd.ID, From: "someone@clinic.test", Subject: "Re: hello", EventType: contact.EventReply})
	s.AddReferral(ctx, Referral{ContactID: c.ID, Count: 1})
	// An invitation they answered: a table of a later migration that
	// refers to the contact is found and emptied too.
	s.db.Exec(`INSERT INTO calendar_events (id, campaign, step, uid, fingerprint, title, starts_at, ends_at, timezone, created_at, updated_at)
		VALUES (1, 'meet', 'invite', 'u1@me.test', 'f', 'Meet and greet', 'x', 'x', 'UTC', 'x', 'x')`)
	if _, err := s.db.Exec(`INSERT INTO rsvps (event_id, contact_id, partstat) VALUES (1, ?, 'ACCEPTED')`, c.ID); err != nil {
		t.Fatal(err)
	}

	if _, err := s.Forget(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("nothing of the person is left but the hash", func(t *testing.T) {
		for _, q := range []string{"SELECT count(*) FROM contacts", "SELECT count(*) FROM events", "SELECT count(*) FROM sends",
			"SELECT count(*) FROM referrals", "SELECT count(*) FROM rsvps",
			"SELECT count(*) FROM inbound WHERE sender != '' OR subject != '' OR contact_id IS NOT NULL"} {
			var n int
			s.db.QueryRow(q).Scan(&n)
			if n != 0 {
				t.Errorf("%s = %d", q, n)
			}
		}
		var hash string
		s.db.QueryRow("SELECT hash FROM suppressed").Scan(&hash)
		if len(hash) != 64 || strings.Contains(strings.ToLower(hash), "clinic") {
			t.Errorf("suppressed hash = %q", hash)
		}
		if ok, _ := s.Suppressed(ctx, "SOMEONE@clinic.test"); !ok {
			t.Error("the address is not on the suppression list")
		}
		if ok, _ := s.Suppressed(ctx, "other@clinic.test"); ok {
			t.Error("another address is suppressed")
		}
	})
	t.Run("the message is still known, so reading the mailbox again changes nothing", func(t *testing.T) {
		ap, _ := s.ApplyInbound(ctx, Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: 7, MessageID: "r1@clinic.test", Class: "unmatched"})
		if !ap.Duplicate {
			t.Error("the forgotten person's reply was processed again")
		}
	})
	t.Run("a re-import brings them back as do-not-contact", func(t *testing.T) {
		importRows(t, s, ImportMeta{File: "a.csv"}, row)
		back, err := s.ContactByEmail(ctx, "someone@clinic.test")
		if err != nil || back.Stage != contact.StageDoNotContact {
			t.Fatalf("back = %+v, %v", back, err)
		}
		importRows(t, s, ImportMeta{File: "a.csv"}, row)
		back, _ = s.ContactByEmail(ctx, "someone@clinic.test")
		if back.Stage != contact.StageDoNotContact {
			t.Errorf("a second import moved them to %s", back.Stage)
		}
	})
}

func TestFindContacts(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"},
		contact.Contact{Email: "dana@riverbend.test", FirstName: "Dana", Kind: "therapist", Tags: []string{"emdr"},
			Fields: map[string]string{"languages": "Spanish", "specialty": "Adolescents, trauma"}},
		contact.Contact{Email: "zoe@sunrise.test", FirstName: "Zoë", LastName: "Martin", Kind: "physician",
			Notes: "speaks Spanish at the front desk"},
		contact.Contact{Email: "hartford@clinic.test", Organization: "Hartford Art Therapy", Kind: "therapist"},
	)
	find := func(words string, f Filter) []string {
		t.Helper()
		list, err := s.FindContacts(ctx, contact.SearchTerms(strings.Fields(words)), f)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Email)
		}
		return out
	}
	cases := []struct {
		name, words string
		f           Filter
		want        string
	}{
		{"who speaks Spanish and does EMDR", "EMDR spanish", Filter{}, "dana@riverbend.test"},
		{"a word found at the start of a longer one", "adolescent", Filter{}, "dana@riverbend.test"},
		{"accents and case do not matter", "ZOE", Filter{}, "zoe@sunrise.test"},
		{"every word is required", "spanish", Filter{}, "dana@riverbend.test zoe@sunrise.test"},
		{"only therapists", "spanish", Filter{Kinds: []string{"therapist"}}, "dana@riverbend.test"},
		{"inside a word does not count", "art", Filter{}, "hartford@clinic.test"},
		{"nobody", "EMDR couples", Filter{}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(find(tc.words, tc.f), " "); got != tc.want {
				t.Errorf("find %q = %q, want %q", tc.words, got, tc.want)
			}
		})
	}
	t.Run("a change by any writer is found at once", func(t *testing.T) {
		s.db.Exec(`UPDATE contacts SET notes = 'couples work (EFT)' WHERE email = 'hartford@clinic.test'`)
		if got := find("EFT couples", Filter{}); len(got) != 1 || got[0] != "hartford@clinic.test" {
			t.Errorf("after an edit: %v", got)
		}
	})
}

func TestBackupWhileAnotherWriterHoldsTheStore(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"})
	// Another process in the middle of a write: its row is not committed.
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO contacts (email, created_at, updated_at) VALUES ('half@clinic.test', '', '')`); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/copy.db"
	if err := s.Backup(ctx, path, false); err != nil {
		t.Fatal(err)
	}
	copied, err := Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	list, _ := copied.Contacts(ctx, Filter{})
	if len(list) != 1 || list[0].Email != "lee@clinic.test" {
		t.Errorf("the copy holds %d contacts: %+v", len(list), list)
	}
	if err := s.Backup(ctx, path, false); !errors.Is(err, ErrBackupExists) {
		t.Errorf("overwriting without being told: %v", err)
	}
	if err := s.Backup(ctx, path, true); err != nil {
		t.Errorf("overwriting when told: %v", err)
	}
}

func TestTouchesCountWhatTheUserDid(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	rules := &contact.TouchRules{Kinds: map[string]contact.Interval{"therapist": {Months: 6}}}
	met := &contact.Contact{Email: "dana@riverbend.test", Kind: "therapist", Stage: contact.StageMeeting}
	if err := s.AddContact(ctx, met); err != nil {
		t.Fatal(err)
	}
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "old@colleague.test", Kind: "therapist", Stage: contact.StagePartner})
	items, err := s.Touches(ctx, rules, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Contact.Email != "old@colleague.test" || !items[0].Due || items[0].LastWhat != "" {
		t.Fatalf("items = %+v", items)
	}
	if items[1].Due || items[1].LastWhat != "you: moved to meeting" {
		t.Errorf("the colleague just met: %+v", items[1])
	}
	clk.Add(200 * 24 * time.Hour)
	old, _ := s.ContactByEmail(ctx, "old@colleague.test")
	s.LogInteraction(ctx, old.ID, time.Time{}, "coffee")
	items, _ = s.Touches(ctx, rules, clk.Now())
	if !items[0].Due || items[0].Contact.Email != "dana@riverbend.test" || items[1].Due || items[1].LastWhat != "you: coffee" {
		t.Errorf("after 200 days: %+v", items)
	}
}
