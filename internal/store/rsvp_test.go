package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"rapport/internal/contact"
)

// meetAndGreet records the December meet-and-greet as a campaign file
// describes it.
func meetAndGreet(t *testing.T, s *Store, fingerprint string, capacity int) *CalEvent {
	t.Helper()
	start := time.Date(2026, 12, 3, 23, 0, 0, 0, time.UTC)
	e, _, err := s.SyncEvent(context.Background(), CalEvent{Campaign: "meet-greet", Step: "invite", UID: "rapport.meet-greet.invite.1@me.test",
		Fingerprint: fingerprint, Title: "Meet & Greet", Start: start, End: start.Add(90 * time.Minute), Timezone: "America/Chicago",
		Place: "Maple Grove Library", Capacity: capacity})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// invited sends the invitation to email through the journal, as the
// dispatcher does, with the event's revision on the outcome.
func invited(t *testing.T, s *Store, e *CalEvent, email string) *contact.Contact {
	t.Helper()
	ctx := context.Background()
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: email})
	c, _ := s.ContactByEmail(ctx, email)
	sd, err := s.Claim(ctx, SendKey{Campaign: e.Campaign, Step: e.Step, ContactID: c.ID}, Pending{Email: email, MessageID: "inv-" + email}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Record(ctx, Outcome{SendID: sd.ID, State: contact.SendSent, Invite: &InviteSent{EventID: e.ID, Sequence: e.Sequence}}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAnEventChangesOnlyWhenItsFingerprintDoes(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	e := meetAndGreet(t, s, "5pm library", 25)
	if e.Sequence != 0 || e.UID == "" {
		t.Fatalf("a new event: %+v", e)
	}
	if early, changed, _ := s.SyncEvent(ctx, CalEvent{Campaign: "meet-greet", Step: "invite", UID: e.UID, Fingerprint: "4pm library", Capacity: 25}); changed || early.Sequence != 0 {
		t.Errorf("a change before anyone was invited: changed %v, sequence %d", changed, early.Sequence)
	}
	invited(t, s, e, "lee@clinic.test")
	again, changed, _ := s.SyncEvent(ctx, CalEvent{Campaign: "meet-greet", Step: "invite", UID: e.UID, Fingerprint: "4pm library", Capacity: 30})
	if changed || again.Sequence != 0 || again.Capacity != 30 {
		t.Errorf("the same event again: changed %v, %+v", changed, again)
	}
	moved, changed, _ := s.SyncEvent(ctx, CalEvent{Campaign: "meet-greet", Step: "invite", UID: e.UID, Fingerprint: "6pm library", Title: "Meet & Greet"})
	if !changed || moved.Sequence != 1 {
		t.Errorf("a moved start: changed %v, sequence %d", changed, moved.Sequence)
	}
	cancelled, err := s.CancelEvent(ctx, e.ID)
	if err != nil || !cancelled.Cancelled() || cancelled.Sequence != 2 {
		t.Fatalf("cancel: %+v %v", cancelled, err)
	}
	if again, _ := s.CancelEvent(ctx, e.ID); again.Sequence != 2 {
		t.Errorf("a second cancel raised the sequence to %d", again.Sequence)
	}
	if _, changed, _ := s.SyncEvent(ctx, CalEvent{Campaign: "meet-greet", Step: "invite", UID: e.UID, Fingerprint: "7pm"}); changed {
		t.Error("a cancelled event changed again")
	}
	if _, err := s.CalEventByUID(ctx, "nobody@x.test"); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown UID: %v", err)
	}
}

func TestAnswersToAnInvitation(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	e := meetAndGreet(t, s, "5pm", 1)
	lee := invited(t, s, e, "lee@clinic.test")
	kim := invited(t, s, e, "kim@church.test")
	later := func(old *RSVP) bool { return true }
	apply := func(c *contact.Contact, a contact.Answer, seq int, stamp time.Time, supersedes func(*RSVP) bool) (Applied, error) {
		clk.Add(time.Minute)
		return s.ApplyInbound(ctx, Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: uint32(clk.Now().Unix()), Class: "rsvp-yes",
			MessageID: clk.Now().String(), ContactID: c.ID, Detail: "answer", EventType: contact.EventRSVP,
			RSVP: &AnswerIn{EventID: e.ID, Answer: a, Sequence: seq, Stamp: stamp, Source: SourceIMIP, Supersedes: supersedes,
				AcceptedStage: contact.StageMeeting}})
	}

	t.Run("the invitation is recorded with the revision sent", func(t *testing.T) {
		r, err := s.ContactRSVP(ctx, e.ID, lee.ID)
		if err != nil || r.SentSequence != 0 || r.Answered() || r.InvitedAt.IsZero() {
			t.Fatalf("lee's invitation: %+v %v", r, err)
		}
	})
	t.Run("an accept moves the contact to the accepted stage", func(t *testing.T) {
		ap, err := apply(lee, contact.Accepted, 0, clk.Now(), later)
		if err != nil || ap.RSVP.Answer != contact.Accepted || !ap.Moved || ap.To != contact.StageMeeting {
			t.Fatalf("lee accepts: %+v %v", ap, err)
		}
	})
	t.Run("an accept to a full event waits on the list and moves nobody", func(t *testing.T) {
		ap, err := apply(kim, contact.Accepted, 0, clk.Now(), later)
		if err != nil || ap.RSVP.Answer != contact.Waitlist || ap.Moved {
			t.Fatalf("kim accepts a full event: %+v %v", ap, err)
		}
		hist, _ := s.History(ctx, kim.ID)
		if last := hist[len(hist)-1]; last.Type != contact.EventRSVP || last.Detail != "answer (the event is full: on the waitlist, for you to decide)" {
			t.Errorf("kim's history: %+v", last)
		}
	})
	t.Run("someone who accepted keeps their seat when they answer again", func(t *testing.T) {
		if ap, _ := apply(lee, contact.Accepted, 0, clk.Now(), later); ap.RSVP.Answer != contact.Accepted {
			t.Errorf("lee's second accept: %+v", ap.RSVP)
		}
	})
	t.Run("an older answer arriving late changes nothing", func(t *testing.T) {
		older := func(old *RSVP) bool { return false }
		ap, err := apply(lee, contact.Declined, 0, clk.Now().Add(-time.Hour), older)
		if err != nil || !ap.RSVP.Older || ap.RSVP.Answer != contact.Accepted {
			t.Fatalf("an older decline: %+v %v", ap.RSVP, err)
		}
	})
	t.Run("a changed mind frees the seat for the user to give", func(t *testing.T) {
		apply(lee, contact.Declined, 0, clk.Now(), later)
		r, _ := s.ContactRSVP(ctx, e.ID, lee.ID)
		if r.Answer != contact.Declined || r.Came() {
			t.Errorf("lee after declining: %+v", r)
		}
		rec, err := s.SetAnswer(ctx, AnswerIn{EventID: e.ID, ContactID: kim.ID, Answer: contact.Accepted, AcceptedStage: contact.StageMeeting}, "said yes on the phone")
		if err != nil || rec.Answer != contact.Accepted {
			t.Fatalf("the user moves kim from the waitlist: %+v %v", rec, err)
		}
		k, _ := s.Contact(ctx, kim.ID)
		if k.Stage != contact.StageMeeting {
			t.Errorf("kim's stage is %s", k.Stage)
		}
	})
	t.Run("attendance is corrected by hand", func(t *testing.T) {
		no := false
		if err := s.SetAttended(ctx, e.ID, kim.ID, &no); err != nil {
			t.Fatal(err)
		}
		r, _ := s.ContactRSVP(ctx, e.ID, kim.ID)
		if r.Came() {
			t.Error("kim is marked as not attended but counts as came")
		}
		if err := s.SetAttended(ctx, e.ID, 999, &no); !errors.Is(err, ErrNotFound) {
			t.Errorf("someone never invited: %v", err)
		}
	})
	t.Run("a decline is an answer, not engagement", func(t *testing.T) {
		pat := invited(t, s, e, "pat@school.test")
		clk.Add(time.Minute)
		_, err := s.ApplyInbound(ctx, Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: 99, Class: "rsvp-no", MessageID: "no@x",
			ContactID: pat.ID, Detail: "declined", EventType: contact.EventRSVPNo,
			RSVP: &AnswerIn{EventID: e.ID, Answer: contact.Declined, Source: SourceText}})
		if err != nil {
			t.Fatal(err)
		}
		eng, _ := s.Engagements(ctx)
		act, _ := s.Activities(ctx)
		if !eng[pat.ID].EngagedAt.IsZero() || act[pat.ID].LastReply.IsZero() {
			t.Errorf("pat declined: engaged %v, last reply %v", eng[pat.ID].EngagedAt, act[pat.ID].LastReply)
		}
	})
}
