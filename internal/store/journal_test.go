package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
)

func TestJournalNeverClaimsTwice(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"})
	c, _ := s.ContactByEmail(ctx, "lee@clinic.test")
	key := SendKey{Campaign: "intro", Step: "intro", ContactID: c.ID}
	sd, err := s.Claim(ctx, key, Pending{Email: c.Email, MessageID: "m1@me.test", Subject: "Hello"}, nil)
	if err != nil || sd.State != contact.SendSending || sd.MessageID != "m1@me.test" {
		t.Fatalf("claim: %+v %v", sd, err)
	}
	if _, err := s.Claim(ctx, key, Pending{MessageID: "m2@me.test"}, nil); !errors.Is(err, ErrJournaled) {
		t.Fatalf("a second claim of a sending row: %v", err)
	}
	clk.Add(time.Minute)
	if err := s.MarkSent(ctx, sd.ID, "250 2.0.0 queued as ABC"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, key, Pending{MessageID: "m3@me.test"}, nil); !errors.Is(err, ErrJournaled) {
		t.Fatalf("a claim of a sent row: %v", err)
	}
	c, _ = s.Contact(ctx, c.ID)
	if c.Stage != contact.StageContacted {
		t.Errorf("a sent note moves new → contacted, stage is %s", c.Stage)
	}
	got, _ := s.SendByMessageID(ctx, "<m1@me.test>")
	if got == nil || got.State != contact.SendSent || got.Response != "250 2.0.0 queued as ABC" {
		t.Errorf("by message id: %+v", got)
	}
	times, _ := s.SentTimes(ctx, clk.Now().Add(-time.Hour))
	if len(times) != 1 {
		t.Errorf("sent times = %v", times)
	}
}

func TestDeferredRowsRetryWithTheSameMessageID(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"})
	c, _ := s.ContactByEmail(ctx, "lee@clinic.test")
	key := SendKey{Campaign: "intro", Step: "intro", ContactID: c.ID}
	sd, _ := s.Claim(ctx, key, Pending{MessageID: "m1@me.test"}, nil)
	if err := s.MarkDeferred(ctx, sd.ID, clk.Now().Add(10*time.Minute), "451 4.7.1 greylisted"); err != nil {
		t.Fatal(err)
	}
	due, _ := s.Sends(ctx, SendFilter{States: []contact.SendState{contact.SendDeferred}, DueBefore: clk.Now()})
	if len(due) != 0 {
		t.Errorf("a deferred row is due before its time: %+v", due)
	}
	clk.Add(11 * time.Minute)
	sd2, err := s.Claim(ctx, key, Pending{MessageID: "other@me.test"}, nil)
	if err != nil || sd2.MessageID != "m1@me.test" || sd2.Attempts != 2 {
		t.Errorf("retry claim: %+v %v", sd2, err)
	}
}

func TestClaimRereadsTheContact(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"})
	c, _ := s.ContactByEmail(ctx, "lee@clinic.test")
	s.MoveStage(ctx, c.ID, Move{To: contact.StageReplied, Auto: true, Reason: "reply"})
	refuse := errors.New("replied")
	_, err := s.Claim(ctx, SendKey{Campaign: "c", Step: "follow-up", ContactID: c.ID}, Pending{MessageID: "x@me.test"},
		func(rc Recheck) error {
			if rc.Contact.Stage == contact.StageReplied {
				return refuse
			}
			return nil
		})
	if !errors.Is(err, refuse) {
		t.Fatalf("claim = %v", err)
	}
	if rows, _ := s.Sends(ctx, SendFilter{}); len(rows) != 0 {
		t.Errorf("a refused claim left a journal row: %+v", rows)
	}
}

func TestFailedRecipientBouncesTheContactAndOutboxDecisions(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "gone@clinic.test"}, contact.Contact{Email: "maybe@clinic.test"})
	gone, _ := s.ContactByEmail(ctx, "gone@clinic.test")
	sd, _ := s.Claim(ctx, SendKey{Campaign: "c", Step: "s", ContactID: gone.ID}, Pending{MessageID: "g@me.test"}, nil)
	s.MarkFailed(ctx, sd.ID, "550 5.1.1 user unknown", true)
	gone, _ = s.Contact(ctx, gone.ID)
	if gone.Stage != contact.StageBounced {
		t.Errorf("stage after 5.1.1 = %s", gone.Stage)
	}
	maybe, _ := s.ContactByEmail(ctx, "maybe@clinic.test")
	sd, _ = s.Claim(ctx, SendKey{Campaign: "c", Step: "s", ContactID: maybe.ID}, Pending{MessageID: "u@me.test"}, nil)
	s.MarkUnknown(ctx, sd.ID, "connection lost after the final dot")
	if err := s.Resolve(ctx, sd.ID, DecideResend, ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Resolve(ctx, sd.ID, DecideDrop, ""); !errors.Is(err, ErrNotUncertain) {
		t.Errorf("resolving a decided row: %v", err)
	}
	again, err := s.Claim(ctx, SendKey{Campaign: "c", Step: "s", ContactID: maybe.ID}, Pending{MessageID: "new@me.test"}, nil)
	if err != nil || again.MessageID != "u@me.test" {
		t.Errorf("resend keeps the Message-ID: %+v %v", again, err)
	}
}

func TestPauseSending(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	if _, _, paused, _ := s.SendingPaused(ctx); paused {
		t.Fatal("paused from the start")
	}
	s.PauseSending(ctx, "535 5.7.8 authentication failed")
	if why, _, paused, _ := s.SendingPaused(ctx); !paused || why != "535 5.7.8 authentication failed" {
		t.Errorf("pause = %q %v", why, paused)
	}
	s.ResumeSending(ctx)
	if _, _, paused, _ := s.SendingPaused(ctx); paused {
		t.Error("still paused")
	}
}

func TestANoteBeingSentIsNeverOfferedForADecision(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"})
	c, _ := s.ContactByEmail(ctx, "lee@clinic.test")
	sd, err := s.Claim(ctx, SendKey{Campaign: "intro", Step: "intro", ContactID: c.ID},
		Pending{Email: c.Email, MessageID: "m1@me.test", Owner: "4242:abc"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("while its sender is alive, resend is refused", func(t *testing.T) {
		if err := s.Resolve(ctx, sd.ID, DecideResend, "4242:abc"); !errors.Is(err, ErrInFlight) {
			t.Fatalf("resolve of an in-flight note = %v, want ErrInFlight", err)
		}
		got, _ := s.Send(ctx, sd.ID)
		if got.State != contact.SendSending || !got.InFlight("4242:abc") {
			t.Errorf("the row changed: %+v", got)
		}
	})
	t.Run("after its sender died, the user decides", func(t *testing.T) {
		if err := s.Resolve(ctx, sd.ID, DecideSent, "9999:other"); err != nil {
			t.Fatalf("resolve after a crash: %v", err)
		}
	})
}

func TestASentNoteIsDatedWhenTheServerAcceptedIt(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"})
	c, _ := s.ContactByEmail(ctx, "lee@clinic.test")
	sd, _ := s.Claim(ctx, SendKey{Campaign: "intro", Step: "intro", ContactID: c.ID}, Pending{Email: c.Email, MessageID: "m1@me.test"}, nil)
	accepted := clk.Now().Add(2 * time.Second)
	clk.Add(2 * time.Hour) // recorded much later, as after a pacing wait
	if err := s.Record(ctx, Outcome{SendID: sd.ID, State: contact.SendSent, Response: "250 ok", At: accepted}); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Send(ctx, sd.ID)
	if !got.SentAt.Equal(accepted.UTC().Truncate(time.Millisecond)) {
		t.Errorf("sent_at = %v, want the server's acceptance %v", got.SentAt, accepted)
	}
	h, _ := s.History(ctx, c.ID)
	for _, e := range h {
		if (e.Type == contact.EventSent || e.Type == contact.EventStage) && !e.At.Equal(got.SentAt) {
			t.Errorf("history %s at %v, want %v", e.Type, e.At, got.SentAt)
		}
	}
}

func TestABusyDatabaseSaysWhatToDo(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	other, err := Open(ctx, s.Path(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	other.db.SetMaxOpenConns(1) // so the short timeout below is the one used
	if _, err := other.db.ExecContext(ctx, "PRAGMA busy_timeout = 0"); err != nil {
		t.Fatal(err)
	}
	conn, _ := s.db.Conn(ctx) // another process's long write
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, "ROLLBACK")
	err = other.Record(ctx, Outcome{SendID: 1, State: contact.SendSent})
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "try again") {
		t.Fatalf("a locked store gives %v, want ErrBusy saying what to do", err)
	}
}
