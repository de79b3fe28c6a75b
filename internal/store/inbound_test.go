package store

import (
	"context"
	"testing"
	"time"

	"rapport/internal/contact"
)

func TestInboundReplyMovesOnceAndCancelsPendingSends(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"}, contact.Contact{Email: "kim@clinic.test"})
	lee, _ := s.ContactByEmail(ctx, "lee@clinic.test")
	sd, _ := s.Claim(ctx, SendKey{Campaign: "c", Step: "intro", ContactID: lee.ID}, Pending{Email: lee.Email, MessageID: "m1@me.test"}, nil)
	s.MarkSent(ctx, sd.ID, "250 ok")
	fu, _ := s.Claim(ctx, SendKey{Campaign: "c", Step: "follow-up", ContactID: lee.ID}, Pending{MessageID: "m2@me.test"}, nil)
	s.MarkDeferred(ctx, fu.ID, clk.Now().Add(time.Hour), "451 greylisted")
	s.SetMailbox(ctx, MailboxState{Name: "INBOX", UIDValidity: 7})
	in := Inbound{Mailbox: "INBOX", UIDValidity: 7, UID: 12, MessageID: "r1@clinic.test", Class: "reply",
		ContactID: lee.ID, SendID: sd.ID, From: "frontdesk@clinic.test", Subject: "Re: Hello",
		Move: contact.StageReplied, Detail: "reply from frontdesk@clinic.test: Re: Hello", CancelSends: true}
	ap, err := s.ApplyInbound(ctx, in)
	if err != nil || !ap.Moved || ap.From != contact.StageContacted || ap.To != contact.StageReplied || ap.Cancelled != 1 {
		t.Fatalf("apply = %+v, %v", ap, err)
	}
	again, err := s.ApplyInbound(ctx, in)
	if err != nil || !again.Duplicate {
		t.Fatalf("the same message twice: %+v %v", again, err)
	}
	in.UID, in.UIDValidity = 3, 8 // a re-scan after UIDVALIDITY changed
	if again, _ := s.ApplyInbound(ctx, in); !again.Duplicate {
		t.Error("a re-scanned message was processed twice")
	}
	hist, _ := s.History(ctx, lee.ID)
	replies := 0
	for _, e := range hist {
		if e.Type == contact.EventReply {
			replies++
		}
	}
	if replies != 1 {
		t.Errorf("%d reply events, want 1: %+v", replies, hist)
	}
	mb, _ := s.Mailbox(ctx, "INBOX")
	if mb.LastUID != 12 {
		t.Errorf("mailbox position = %+v", mb)
	}
	fu, _ = s.Send(ctx, fu.ID)
	if fu.State != contact.SendDropped {
		t.Errorf("pending follow-up is %s", fu.State)
	}
	eng, _ := s.Engagements(ctx)
	if eng[lee.ID].EngagedAt.IsZero() {
		t.Error("a reply is engagement")
	}
	at, _ := s.ContactedAtDomain(ctx, "clinic.test")
	if len(at) != 1 || at[0].ID != lee.ID {
		t.Errorf("contacted at clinic.test = %d contacts", len(at))
	}
}

func TestInboundUnmatchedKeepsNoContent(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	s.ApplyInbound(ctx, Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: 1, MessageID: "x@y.test", Class: "unmatched",
		From: "client@private.test", Subject: "my appointment"})
	var from, subj string
	s.db.QueryRow("SELECT sender, subject FROM inbound").Scan(&from, &subj)
	if from != "" || subj != "" {
		t.Errorf("an unmatched message's sender/subject were stored: %q %q", from, subj)
	}
}

func TestAutoReplyHoldsButDoesNotMove(t *testing.T) {
	ctx := context.Background()
	s, clk := openTest(t)
	importRows(t, s, ImportMeta{File: "a.csv"}, contact.Contact{Email: "lee@clinic.test"})
	lee, _ := s.ContactByEmail(ctx, "lee@clinic.test")
	back := clk.Now().AddDate(0, 0, 10)
	ap, _ := s.ApplyInbound(ctx, Inbound{Mailbox: "INBOX", UIDValidity: 1, UID: 2, MessageID: "ooo@clinic.test",
		Class: "auto-reply", ContactID: lee.ID, HoldUntil: back, Detail: "out of office until ..."})
	if ap.Moved {
		t.Error("an out-of-office moved the contact")
	}
	eng, _ := s.Engagements(ctx)
	if !eng[lee.ID].HoldUntil.Equal(back) || !eng[lee.ID].EngagedAt.IsZero() || eng[lee.ID].AutoRepliedAt.IsZero() {
		t.Errorf("engagement = %+v", eng[lee.ID])
	}
}
