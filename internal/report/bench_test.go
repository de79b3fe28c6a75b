//go:build unix

package report

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// seedLarge fills a store with a busy practice's years: n contacts, two
// sends each over three campaigns, answers, 50,000 history events and
// 2,000 referrals. Contacts go in through the store's import; the rest is
// written in bulk with SQL, as years of daemon ticks would have left it.
func seedLarge(b *testing.B, n int) (*store.Store, time.Time) {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	path := filepath.Join(b.TempDir(), "rapport.db")
	st, err := store.Open(ctx, path, &store.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	im, _ := st.BeginImport(ctx, store.ImportMeta{File: "big.xlsx"})
	kinds := contact.DefaultKinds
	// A busy practice's pipeline: most contacts written to, one in eight
	// met or referring (far more than most practices ever meet).
	var stages []contact.Stage
	for st, k := range map[contact.Stage]int{"new": 8, "contacted": 8, "replied": 3, "meeting": 2, "partner": 1, "bounced": 2, "opted-out": 1} {
		for range k {
			stages = append(stages, st)
		}
	}
	slices.Sort(stages)
	for i := range n {
		c := contact.Contact{Email: fmt.Sprintf("c%05d@office%d.test", i, i%700), FirstName: fmt.Sprintf("First%d", i),
			LastName: "Last", Kind: kinds[i%len(kinds)], Stage: stages[i%len(stages)], Tags: []string{fmt.Sprintf("t%d", i%9)}}
		if _, err := im.Add(c); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := im.Commit(n, nil); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tx, _ := db.Begin()
	ts := func(d int) string { return now.AddDate(0, 0, -d).Format("2006-01-02T15:04:05.000Z") }
	camps := []string{"intro-physicians", "intro-therapists", "yearly-touch"}
	for i := range n {
		id := i + 1
		camp := camps[i%3]
		for s, step := range []string{"intro", "follow-up"} {
			tx.Exec(`INSERT INTO sends (campaign, step, contact_id, state, message_id, created_at, updated_at, sent_at)
				VALUES (?,?,?,?,?,?,?,?)`, camp, step, id, "sent", fmt.Sprintf("m%d-%d@me.test", id, s), ts(400-i%400), ts(400-i%400), ts(400-i%400-s*10))
		}
		if i%4 == 0 {
			tx.Exec(`INSERT INTO inbound (message_id, mailbox, uidvalidity, uid, class, contact_id, send_id, received_at, processed_at)
				VALUES (?,?,?,?,?,?,?,?,?)`, fmt.Sprintf("r%d@x.test", id), "INBOX", 1, id, []string{"reply", "auto-reply"}[i%8/4], id, 2*id-1, ts(399-i%400), ts(399-i%400))
		}
	}
	// A history's usual mix: mostly notes sent and stage moves.
	mix := strings.Split(strings.Repeat("sent ", 20)+strings.Repeat("stage ", 15)+strings.Repeat("updated ", 5)+
		"reply reply reply reply auto-reply auto-reply logged logged bounce opt-out", " ")
	for e := range 50000 {
		typ, to := mix[e%50], ""
		if typ == "stage" {
			to = []string{"contacted", "contacted", "replied", "meeting", "partner", "bounced", "opted-out"}[e%7]
		}
		tx.Exec(`INSERT INTO events (contact_id, at, type, to_stage, auto, detail) VALUES (?,?,?,?,?,?)`,
			e%n+1, ts(e%700), typ, to, e%2, "a history line")
	}
	for r := range 2000 {
		tx.Exec(`INSERT INTO referrals (contact_id, received_on, count, note, created_at) VALUES (?,?,?,?,?)`,
			(r*7)%n+1, now.AddDate(0, 0, -(r%500)).Format("2006-01-02"), 1+r%3, "", ts(0))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return st, now
}

// BenchmarkReport is `rapport report` over 10,000 contacts, 50,000 history
// events and 2,000 referrals: reading the data, the keep-in-touch list and
// the figures. Target: under 200 ms.
func BenchmarkReport(b *testing.B) {
	st, now := seedLarge(b, 10000)
	ctx := context.Background()
	o := Options{Now: now, Since: now.AddDate(0, -3, 0), Location: time.UTC, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds}
	cpu0 := cpuTime()
	for b.Loop() {
		data, err := st.ReportData(ctx, store.ReportQuery{Since: o.Since, Rules: rules, Now: now})
		if err != nil {
			b.Fatal(err)
		}
		r := Build(data, o)
		if r.ReferralTotal == 0 || len(r.Campaigns) != 3 {
			b.Fatalf("report = %+v", r)
		}
	}
	// The machine is shared: CPU time per report says what the wall
	// time would be on an idle one better than the wall time does.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// cpuTime is the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
