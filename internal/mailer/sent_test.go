package mailer

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"rapport/internal/imapconn"
	"rapport/internal/localmail"
)

func imapOptions(t *testing.T, srv *localmail.Server) imapconn.Options {
	t.Helper()
	host, port, _ := net.SplitHostPort(srv.IMAPAddr())
	p, _ := strconv.Atoi(port)
	return imapconn.Options{Host: host, Port: p, Security: imapconn.STARTTLS, RootCAs: srv.RootCAs(),
		Username: therapist, Password: password, Timeout: 5 * time.Second}
}

func TestSentFolderAppendAndFind(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true})
	ctx := context.Background()
	f, err := OpenSentFolder(ctx, imapOptions(t, srv), "")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Name() != "Sent" {
		t.Errorf("found %q, want the \\Sent mailbox", f.Name())
	}
	long := sampleMessage()
	long.MessageID = "x20261122T101500.abcdefghij@drlee.test" // contains the next one
	short := sampleMessage()
	short.MessageID = "20261122T101500.abcdefghij@drlee.test"
	when := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	if err := f.Append(ctx, render(t, long), when); err != nil {
		t.Fatal(err)
	}
	found, err := f.Find(ctx, []string{long.MessageID, short.MessageID, "never@drlee.test"})
	if err != nil {
		t.Fatal(err)
	}
	if !found[long.MessageID] || found[short.MessageID] || found["never@drlee.test"] || len(found) != 3 {
		t.Fatalf("found %v: a substring must not match", found)
	}
	stored, err := srv.Fetch(therapist, "Sent")
	if err != nil || len(stored) != 1 {
		t.Fatalf("Sent holds %d (%v)", len(stored), err)
	}
	if stored[0].Flags[0] != imap.FlagSeen || !stored[0].Date.Equal(when) {
		t.Errorf("flags %v, date %v", stored[0].Flags, stored[0].Date)
	}
	if err := f.Append(ctx, render(t, short), when); err != nil {
		t.Fatal(err)
	}
	if found, _ := f.Find(ctx, []string{short.MessageID}); !found[short.MessageID] {
		t.Error("a message appended after the first Find is not found")
	}
}

func TestSentFolderByName(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true})
	f, err := OpenSentFolder(context.Background(), imapOptions(t, srv), "Drafts")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Name() != "Drafts" {
		t.Errorf("name %q", f.Name())
	}
	if _, err := f.Find(context.Background(), []string{"bad id with spaces"}); err == nil {
		t.Error("a malformed Message-ID was searched for")
	}
}

func TestProviderSavesSent(t *testing.T) {
	for host, want := range map[string]bool{
		"smtp.gmail.com": true, "SMTP.GoogleMail.com.": true, "smtp.office365.com": true, "smtp-mail.outlook.com": true,
		"smtp.fastmail.com": false, "smtp.mail.me.com": false, "127.0.0.1": false,
	} {
		if got := ProviderSavesSent(host); got != want {
			t.Errorf("ProviderSavesSent(%q) = %v", host, got)
		}
	}
}

func TestMicrosoftSentCopiesAreFoundByTheirOriginalID(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true})
	ctx := context.Background()
	f, err := OpenSentFolder(ctx, imapOptions(t, srv), "")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ours := "20261122T101500.msft0000001@drlee.test"
	// What Microsoft 365 files in Sent Items: its own Message-ID, ours kept aside.
	raw := "From: Anna Lee <anna@drlee.test>\r\nTo: office@elmpeds.test\r\nSubject: Hello\r\n" +
		"Message-ID: <AM0PR01MB1234567890ABCDEF@AM0PR01MB1234.eurprd01.prod.outlook.com>\r\n" +
		"X-Microsoft-Original-Message-ID: <" + ours + ">\r\n" +
		"Date: Sun, 22 Nov 2026 10:15:00 +0000\r\n\r\nHello.\r\n"
	if err := f.Append(ctx, []byte(raw), time.Now()); err != nil {
		t.Fatal(err)
	}
	found, err := f.Find(ctx, []string{ours, "20261122T101500.msft0000002@drlee.test"})
	if err != nil {
		t.Fatal(err)
	}
	if !found[ours] {
		t.Error("a note whose Sent copy Microsoft re-labelled was not found: it would wait in the outbox for nothing")
	}
	if found["20261122T101500.msft0000002@drlee.test"] {
		t.Error("another ID matched")
	}
}

func TestManyCopiesArePipelinedAndAllArrive(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true})
	ctx := context.Background()
	f, err := OpenSentFolder(ctx, imapOptions(t, srv), "")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const n = 150 // more than the copies allowed in flight at once
	var ids []string
	for i := range n {
		m := sampleMessage()
		m.MessageID = "20261122T101500.pipe" + strconv.Itoa(i) + "@drlee.test"
		ids = append(ids, m.MessageID)
		f.Copy(render(t, m), time.Now())
	}
	if err := f.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	stored, err := srv.Fetch(therapist, "Sent")
	if err != nil || len(stored) != n {
		t.Fatalf("Sent holds %d of %d copies (%v)", len(stored), n, err)
	}
	found, err := f.Find(ctx, ids[:3])
	if err != nil || len(found) != 3 || !found[ids[0]] || !found[ids[2]] {
		t.Errorf("find after pipelined copies: %v %v", found, err)
	}
}

func TestAFailedCopyIsReportedByFlush(t *testing.T) {
	srv := mailServer(t, localmail.Options{TLS: true})
	ctx := context.Background()
	f, err := OpenSentFolder(ctx, imapOptions(t, srv), "No Such Folder")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.Copy(render(t, sampleMessage()), time.Now())
	f.Copy(render(t, sampleMessage()), time.Now())
	err = f.Flush(ctx)
	if err == nil || !strings.Contains(err.Error(), "2 copies could not be filed in No Such Folder") {
		t.Fatalf("flush = %v", err)
	}
	if err := f.Flush(ctx); err != nil {
		t.Errorf("a second flush repeats old failures: %v", err)
	}
}
