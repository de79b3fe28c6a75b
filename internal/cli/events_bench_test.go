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
// move in the store. Target (issue 10): under 2 s for the 1,000.
//
//	go test -run '^$' -bench BenchmarkInboxSyncRecords1000RSVPs -benchtime=3x -count 1 ./internal/cli/
func BenchmarkInboxSyncRecords1000RSVPs(b *testing.B) {
	const n = 1000
	for b.Loop() {
		b.StopTimer()
		dir, srv := rsvpBenchWorld(b, n)
		b.StartTimer()
		var out, errb bytes.Buffer
		code := RunEnv(context.Background(), Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }},
			[]string{"--json", "--config", filepath.Join(dir, "rapport.toml"), "inbox", "sync"})
		b.StopTimer()
		if code != 0 || strings.Count(out.String(), `"rsvp-`) != n {
			b.Fatalf("inbox sync: exit %d, %d answers recorded\n%s", code, strings.Count(out.String(), `"rsvp-`), errb.String())
		}
		srv.Close()
		b.StartTimer()
	}
}

// rsvpBenchWorld is a practice whose n guests were invited to the
// meet-and-greet (journal, event and invitations recorded as the sender
// records them), with each guest's calendar reply waiting in the inbox.
func rsvpBenchWorld(b *testing.B, n int) (string, *localmail.Server) {
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
	partstats := []string{"ACCEPTED", "DECLINED", "TENTATIVE"}
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
		if err := srv.Deliver(demoUser, d.calendarReply(fmt.Sprintf("Guest %d", i), guest(i), partstats[i%3], "Accepted", uid)); err != nil {
			b.Fatal(err)
		}
	}
	return dir, srv
}

func guest(i int) string { return fmt.Sprintf("guest%04d@clinic%d.example", i, i%40) }
