package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/invite"
	"rapport/internal/localmail"
	"rapport/internal/store"
)

// BenchmarkInboxSyncRecords1000RSVPs runs `rapport inbox sync` over 1,000
// calendar replies (RFC 6047, with their text part) to 1,000 invitations,
// against the in-process IMAP server: each is fetched, classified, matched
// by its UID and attendee, and recorded with its history line and stage
// move in the store. Target (issue 10): under 2 s for the 1,000. The
// baseline is the same sync over 1,000 plain replies from the same
// contacts (no calendar): the inbox's own cost per message (two fetches,
// one transaction and its fsync), which the answers add little to.
//
// Measured (2 cores shared with other builds, load average 5-6,
// 2026-12-02): calendar replies 1.8-3.0 s, plain replies 1.4-2.2 s in the
// same minutes (both about 1.5x that when the load rose); the CPU spent
// processing is about 1.0 s for either, of which recording the answers
// (the event by UID, the rsvps row, the waitlist check) is under 0.1 s.
// The rest is the inbox's per-message work: two fetches and one fsync'd
// transaction per message.
//
//	go test -run '^$' -bench BenchmarkInboxSyncRecords1000RSVPs -benchtime=3x -count 1 ./internal/cli/
func BenchmarkInboxSyncRecords1000RSVPs(b *testing.B) {
	b.Run("calendar-replies", func(b *testing.B) { benchSync(b, `"rsvp-`, calendarReplies) })
	b.Run("plain-replies-baseline", func(b *testing.B) { benchSync(b, `"reply"`, plainReplies) })
}

// calendarReplies answer the invitation from a calendar; plainReplies
// say thank you in a new mail, without a calendar.
func calendarReplies(d *demo, i int, uid string) []byte {
	return d.calendarReply(fmt.Sprintf("Guest %d", i), guest(i), []string{"ACCEPTED", "DECLINED", "TENTATIVE"}[i%3], "Accepted", uid)
}

func plainReplies(d *demo, i int, uid string) []byte {
	return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Thanks\r\nMessage-ID: <plain%d.%d@x.example>\r\nDate: %s\r\n\r\nThank you!\r\n",
		guest(i), demoUser, i, time.Now().UnixNano(), time.Now().Format(time.RFC1123Z)))
}

func benchSync(b *testing.B, class string, mail func(*demo, int, string) []byte) {
	const n = 1000
	for b.Loop() {
		b.StopTimer()
		dir, srv := rsvpBenchWorld(b, n, mail)
		b.StartTimer()
		var out, errb bytes.Buffer
		code := RunEnv(context.Background(), Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
			[]string{"--json", "--config", filepath.Join(dir, "rapport.toml"), "inbox", "sync"})
		b.StopTimer()
		if code != 0 || strings.Count(out.String(), class) != n {
			b.Fatalf("inbox sync: exit %d, %d of %d recorded as %s\n%s", code, strings.Count(out.String(), class), n, class, errb.String())
		}
		srv.Close()
		b.StartTimer()
	}
}

// rsvpBenchWorld is a practice whose n guests were invited to the
// meet-and-greet (journal, event and invitations recorded as the sender
// records them), with each guest's calendar reply waiting in the inbox.
func rsvpBenchWorld(b *testing.B, n int, mail func(*demo, int, string) []byte) (string, *localmail.Server) {
	b.Helper()
	dir := b.TempDir()
	srv, err := localmail.Start(localmail.Options{TLS: true, RequireAuth: true})
	if err != nil {
		b.Fatal(err)
	}
	srv.AddUser(demoUser, "pw")
	d := &demo{dir: dir, srv: srv}
	os.WriteFile(filepath.Join(dir, "ca.pem"), srv.CAPEM(), 0o644)
	os.WriteFile(filepath.Join(dir, "rapport.toml"), []byte(strings.ReplaceAll(d.config(), "demo-app-password", "pw")), 0o600)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "rapport.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	uid := invite.UID("meet-and-greet", "invite", "", demoUser)
	start := time.Date(2026, 12, 10, 23, 0, 0, 0, time.UTC)
	e, _, err := st.SyncEvent(ctx, store.CalEvent{Campaign: "meet-and-greet", Step: "invite", UID: uid, Fingerprint: "f",
		Title: "Meet & Greet for Local Clinicians", Start: start, End: start.Add(90 * time.Minute), Timezone: "America/Chicago"})
	if err != nil {
		b.Fatal(err)
	}
	im, _ := st.BeginImport(ctx, store.ImportMeta{File: "guests.csv"})
	for i := range n {
		im.Add(contact.Contact{Email: guest(i), FirstName: fmt.Sprintf("Guest%d", i), Kind: "therapist"})
	}
	im.Commit(n, nil)
	for i := range n {
		c, _ := st.ContactByEmail(ctx, guest(i))
		sd, err := st.Claim(ctx, store.SendKey{Campaign: "meet-and-greet", Step: "invite", ContactID: c.ID},
			store.Pending{Email: c.Email, MessageID: fmt.Sprintf("inv%d@leefamilytherapy.example", i)}, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := st.Record(ctx, store.Outcome{SendID: sd.ID, State: contact.SendSent, Invite: &store.InviteSent{EventID: e.ID}}); err != nil {
			b.Fatal(err)
		}
		if err := srv.Deliver(demoUser, mail(d, i, uid)); err != nil {
			b.Fatal(err)
		}
	}
	return dir, srv
}

func guest(i int) string { return fmt.Sprintf("guest%04d@clinic%d.example", i, i%40) }
