package dispatch

// The print batch benchmark: a campaign's card step falls due for 1,000
// pastors; one Print plans, checks, claims, lays out the cards and their
// labels, writes the PDFs and records them. The target for the
// layout alone is 1,000 letters in under 3 s, under 40 KB a page.
//
//	go test -run '^$' -bench BenchmarkPrintBatch1k -benchtime 3x ./internal/dispatch/

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/letters"
	"rapport/internal/render"
	"rapport/internal/store"
)

func BenchmarkPrintBatch1k(b *testing.B) {
	const n = 1000
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	camp, err := campaign.Load("testdata/campaigns/by-post.toml", campaign.Env{Location: time.UTC,
		Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		b.Fatal(err)
	}
	var size, sheets int64
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		st, err := store.Open(ctx, filepath.Join(dir, "r.db"), &store.Options{Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		im, _ := st.BeginImport(ctx, store.ImportMeta{File: "pastors.xlsx"})
		for i := range n {
			im.Add(contact.Contact{Email: fmt.Sprintf("pastor%04d@church%d.test", i, i%50), Kind: "pastor", Title: "Pastor",
				FirstName: "Sam", LastName: fmt.Sprintf("Lee%d", i), Organization: fmt.Sprintf("Grace Church %d", i%50),
				Address: contact.Address{Street: fmt.Sprintf("%d Church St", i+1), City: "Springfield", Region: "IL", PostalCode: "62708"}})
		}
		im.Commit(n, nil)
		st.SetCampaignState(ctx, camp.Name, store.CampaignActive)
		d := New(Options{Store: st, Templates: "../../templates", Location: time.UTC, Now: func() time.Time { return now },
			Sender: render.Sender{Name: "Anna Lee, LMFT", Practice: "Lee Family Therapy", Phone: "(555) 010-2030"},
			Post: &Post{Dir: filepath.Join(dir, "letters"), Templates: "../../templates/letters", Labels: letters.Label5160,
				Layout: func() (*letters.Options, error) {
					return &letters.Options{Format: letters.FormatCard, From: letters.Sender{Name: "Anna Lee, LMFT"}}, nil
				}}})
		b.StartTimer()
		rep, err := d.Print(ctx, []*campaign.Campaign{camp}, PrintOptions{})
		b.StopTimer()
		if err != nil || rep.Letters() != n {
			b.Fatalf("printed %d: %v", rep.Letters(), err)
		}
		fi, _ := os.Stat(rep.Batches[0].Batch.Files[0])
		size, sheets = fi.Size(), int64(rep.Batches[0].Stats.LetterSheets)
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(size)/float64(sheets)/1024, "KB/sheet")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/batch")
}
