package dispatch

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

// BenchmarkRenderInvitations1000 renders 1,000 invitations of the
// meet-and-greet through the dispatcher's own path, as a tick does: the
// sample template with .Event in the guest's zone, the calendar and map
// links, and the REQUEST calendar with its VTIMEZONE, written out as the
// MIME message that goes on the wire. Target (issue 10): under a second
// for the 1,000. Measured (2 cores, 2026-12-02): about 0.48 s, of which
// about 0.2 s writes the MIME.
//
//	go test -run '^$' -bench BenchmarkRenderInvitations1000 -benchtime=3x -count 1 ./internal/dispatch/
func BenchmarkRenderInvitations1000(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "r.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	camp, err := campaign.Load("testdata/campaigns/meet.toml", campaign.Env{Location: time.UTC, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		b.Fatal(err)
	}
	d := New(Options{Store: st, Templates: "../../templates", Sender: benchSender,
		Now: func() time.Time { return time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC) }})
	if _, err := d.SyncEvents(ctx, []*campaign.Campaign{camp}); err != nil {
		b.Fatal(err)
	}
	guests := make([]contact.Contact, 1000)
	for i := range guests {
		guests[i] = benchContact(i)
		guests[i].ID = int64(i + 1)
	}
	stamp := time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		tpl := newTemplates(d.o.Templates)
		for i := range guests {
			p, err := d.prepare(ctx, tpl, camp, campaign.Item{Contact: &guests[i], Step: camp.Steps[0]}, "")
			if err != nil {
				b.Fatal(err)
			}
			msg, err := d.build(p, "bench@leefamilytherapy.test", stamp)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := mailer.Render(msg); err != nil {
				b.Fatal(err)
			}
		}
	}
}
