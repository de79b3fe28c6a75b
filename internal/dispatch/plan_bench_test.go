package dispatch

// The plan benchmark: `rapport campaigns plan` for 10,000 contacts and a
// three-step campaign, target under 200 ms.
//
//	go test -run '^$' -bench BenchmarkPlan10k -benchtime 10x ./internal/dispatch/

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/render"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

func BenchmarkPlan10k(b *testing.B) {
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, ny)
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "r.db"), &store.Options{Now: func() time.Time { return now.AddDate(0, 0, -30) }})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	im, _ := st.BeginImport(ctx, store.ImportMeta{File: "big.xlsx"})
	for i := range 10000 {
		c := contact.Contact{Email: fmt.Sprintf("doc%05d@clinic%d.test", i, i%500), Kind: "physician",
			Organization: fmt.Sprintf("Clinic %d", i%500), Fields: map[string]string{"specialty": "pediatrics"}}
		if i%3 != 0 {
			c.FirstName, c.LastName, c.Title = "Sam", fmt.Sprintf("Lee%d", i), "Dr."
		}
		if _, err := im.Add(c); err != nil {
			b.Fatal(err)
		}
	}
	im.Commit(10000, nil)
	// A third of them got the intro a month ago, a third the follow-up too.
	for id := int64(1); id <= 10000; id++ {
		steps := []string{"intro", "follow-up"}[:int(id%3)]
		for _, s := range steps {
			sd, err := st.Claim(ctx, store.SendKey{Campaign: "three", Step: s, ContactID: id},
				store.Pending{Email: "x", MessageID: fmt.Sprintf("%s.%d@me.test", s, id)}, nil)
			if err != nil {
				b.Fatal(err)
			}
			st.MarkSent(ctx, sd.ID, "250 ok")
		}
	}
	camp, err := campaign.Load("testdata/campaigns/three.toml", campaign.Env{Location: ny, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		b.Fatal(err)
	}
	st.SetCampaignState(ctx, "three", store.CampaignActive)
	win, _ := schedule.ParseWindow("Mon-Fri 09:00-17:00")
	d := New(Options{Store: st, Templates: "../../templates", Window: win, Location: ny, Now: func() time.Time { return now },
		Sender: render.Sender{Name: "Anna Lee", Email: "anna@me.test"}})
	b.ResetTimer()
	var items []campaign.Item
	for b.Loop() {
		if items, err = d.Plan(ctx, camp, now); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	due := 0
	for _, it := range items {
		if it.Due {
			due++
		}
	}
	if len(items) != 10000 || due == 0 {
		b.Fatalf("plan: %d items, %d due", len(items), due)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/plan")
}
