package dispatch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

// These tests hold the journal to its promise while its sender is alive:
// an outcome is in the store the moment the server gives it, a pause or a
// reply is obeyed at the next note, and a stop loses nothing.

func (w *world) states() map[contact.SendState]int {
	rows, err := w.st.Sends(context.Background(), store.SendFilter{})
	if err != nil {
		w.t.Fatal(err)
	}
	n := map[contact.SendState]int{}
	for _, r := range rows {
		n[r.State]++
	}
	return n
}

func (w *world) unpaced() {
	w.d.o.Limits = mailer.Limits{}
}

func emails(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("office%03d@clinic.test", i)
	}
	return out
}

func TestEachOutcomeIsRecordedBeforeTheNextWait(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test", "c@clinic.test")
	ctx := context.Background()
	waits := 0
	w.d.o.Sleep = func(ctx context.Context, d time.Duration) error {
		waits++
		if n := w.states()[contact.SendSending]; n != 0 {
			t.Errorf("waiting %s for the next slot while %d delivered notes still show as 'sending'", d, n)
		}
		return w.clk.Sleep(ctx, d)
	}
	accepted := map[string]time.Time{}
	rep, err := w.d.Tick(ctx, []*campaign.Campaign{w.camp}, TickOptions{Progress: func(p Progress) {
		if p.Result != nil {
			accepted[p.Result.MessageID] = w.clk.Now()
		}
	}})
	if err != nil || rep.Sent != 3 || waits < 2 {
		t.Fatalf("tick: %+v %v (waits %d)", rep, err, waits)
	}
	for _, e := range []string{"a@clinic.test", "b@clinic.test", "c@clinic.test"} {
		sd := w.send(e, "intro")
		if want := accepted[sd.MessageID].UTC().Truncate(time.Millisecond); !sd.SentAt.Equal(want) {
			t.Errorf("%s: sent_at %v, but the server accepted it at %v (a follow-up's delay counts from then)", e, sd.SentAt, want)
		}
	}
}

func TestACleanStopRecordsEverythingTheServerTook(t *testing.T) {
	for _, stopAfter := range []int{1, 7, 32, 33, 50} {
		t.Run(fmt.Sprintf("stop after %d notes", stopAfter), func(t *testing.T) {
			w := newWorld(t, emails(90)...)
			w.unpaced()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			seen := 0
			rep, err := w.d.Tick(ctx, []*campaign.Campaign{w.camp}, TickOptions{Progress: func(p Progress) {
				if p.Result != nil {
					if seen++; seen == stopAfter {
						cancel()
					}
				}
			}})
			if err != nil {
				t.Fatalf("tick: %v", err)
			}
			got := w.srv.Received()
			n := w.states()
			if n[contact.SendSending] != 0 || n[contact.SendUnknown] != 0 {
				t.Fatalf("after a clean stop: %v (the server has %d notes): nothing delivered may look uncertain", n, len(got))
			}
			if n[contact.SendSent] != len(got) || rep.Sent != len(got) {
				t.Fatalf("the server has %d notes, the journal says %d sent, the report %d", len(got), n[contact.SendSent], rep.Sent)
			}
			if len(got) >= 90 || rep.Stopped != "stopped" {
				t.Errorf("the stop was not obeyed: %d sent, stopped %q", len(got), rep.Stopped)
			}
			for _, e := range got {
				if sd, _ := w.st.SendByMessageID(context.Background(), e.MessageID); sd == nil || sd.State != contact.SendSent {
					t.Fatalf("%s reached the server but the journal says %+v", e.MessageID, sd)
				}
			}
		})
	}
}

func TestAPauseIsObeyedAtTheNextNote(t *testing.T) {
	for _, paced := range []bool{true, false} {
		t.Run(fmt.Sprintf("paced=%v", paced), func(t *testing.T) {
			w := newWorld(t, emails(60)...)
			if !paced {
				w.unpaced()
			}
			ctx := context.Background()
			rep, err := w.d.Tick(ctx, []*campaign.Campaign{w.camp}, TickOptions{MaxWait: 2 * time.Hour, Progress: func(p Progress) {
				if p.Result != nil && p.Done == 1 {
					// `rapport campaigns pause intro` from another window.
					if err := w.st.SetCampaignState(ctx, "intro", store.CampaignPaused); err != nil {
						t.Error(err)
					}
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(w.srv.Received()); got != 1 || rep.Sent != 1 {
				t.Fatalf("%d notes went out after the first, though the campaign was paused: %+v", got-1, rep.Stopped)
			}
			if !strings.Contains(rep.Stopped, "campaign intro is now paused") || rep.Left != 59 {
				t.Errorf("the report says %q, %d left", rep.Stopped, rep.Left)
			}
			if n := w.states(); n[contact.SendSending] != 0 || n[contact.SendUnknown] != 0 {
				t.Errorf("journal after the pause: %v", n)
			}
		})
	}
}

func TestAReplyDuringASlowGreetingStopsTheNote(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	ctx := context.Background()
	a, _ := w.st.ContactByEmail(ctx, "a@clinic.test")
	once := false
	w.srv.OnSMTPSession(func() {
		if !once { // the server takes its time; the inbox watcher meanwhile records a@'s answer
			once = true
			w.st.MoveStage(ctx, a.ID, store.Move{To: contact.StageReplied, Auto: true, Reason: "reply"})
		}
	})
	rep := w.tick()
	for _, e := range w.srv.Received() {
		if e.To[0] == "a@clinic.test" {
			t.Fatal("a note went to a contact marked replied while the connection was being set up")
		}
	}
	if rep.Sent != 1 || rep.Skipped != 1 {
		t.Errorf("tick: sent %d, skipped %d: %+v", rep.Sent, rep.Skipped, rep.Results)
	}
	if sd := w.send("a@clinic.test", "intro"); sd == nil || sd.State != contact.SendPlanned {
		t.Errorf("the withheld note: %+v (it never left: planned, not uncertain)", sd)
	}
}

func TestANoteIsWrittenFromTheContactAsItIsWhenItGoesOut(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	ctx := context.Background()
	rep, err := w.d.Tick(ctx, []*campaign.Campaign{w.camp}, TickOptions{Progress: func(p Progress) {
		if p.Result == nil || p.Done != 1 {
			return
		}
		// The user fixes the sheet and the daemon re-imports it while the
		// tick waits for the next slot: b's note was rendered already.
		im, _ := w.st.BeginImport(ctx, store.ImportMeta{File: "contacts.xlsx"})
		im.Add(contact.Contact{Email: "b@clinic.test", Kind: "physician", FirstName: "Harriet", LastName: "Okafor",
			Title: "Dr.", Organization: "Elm Pediatrics 1", Source: contact.Source{File: "contacts.xlsx", Row: 3}})
		if _, err := im.Commit(1, nil); err != nil {
			t.Error(err)
		}
	}})
	if err != nil || rep.Sent != 2 {
		t.Fatalf("tick: %+v %v", rep, err)
	}
	for _, e := range w.srv.Received() {
		if e.To[0] == "b@clinic.test" && (!strings.Contains(string(e.Data), "Okafor") || strings.Contains(string(e.Data), "Dr. Lee")) {
			t.Errorf("b's note still uses the old name:\n%s", e.Data)
		}
	}
}

func TestAContactMissingFromItsSheetIsHeld(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	ctx := context.Background()
	if n, err := w.st.MarkMissing(ctx, "contacts.xlsx", []string{"a@clinic.test"}); err != nil || n != 1 {
		t.Fatalf("mark missing: %d %v", n, err)
	}
	items, err := w.d.Plan(ctx, w.camp, w.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Contact.Email == "b@clinic.test" && (it.Due || it.Code != campaign.CodeHeld) {
			t.Errorf("plan for b, gone from the sheet: %+v %s", it.Code, it.Reason)
		}
	}
	w.tick()
	for _, e := range w.srv.Received() {
		if e.To[0] == "b@clinic.test" {
			t.Error("a contact removed from the sheet was written to")
		}
	}
}

func TestAnOutcomeTheStoreCannotTakeIsReported(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	ctx := context.Background()
	st, err := store.Open(ctx, w.st.Path(), &store.Options{Now: w.clk.Now, BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w.d.o.Store = st
	// Another process takes the store's write lock while the note goes
	// out, and keeps it past the end of the tick.
	db, err := sql.Open("sqlite", w.st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var lock sync.Once
	w.srv.OnSMTPSession(func() {
		lock.Do(func() {
			if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
				t.Error(err)
			}
		})
	})
	rep, err := w.d.Tick(ctx, []*campaign.Campaign{w.camp}, TickOptions{Limit: 1})
	conn.ExecContext(ctx, "ROLLBACK")
	if err == nil || !strings.Contains(err.Error(), "could not be recorded") || !errors.Is(err, store.ErrBusy) {
		t.Fatalf("tick error %v: the user must be told, in words that say what to do", err)
	}
	if rep == nil || rep.Unrecorded != 1 || rep.Sent != 1 {
		t.Fatalf("report %+v: a note the server took but the store did not record must be counted", rep)
	}
}
