package inbox

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/contact"
	"rapport/internal/imapconn"
	"rapport/internal/localmail"
	"rapport/internal/store"
)

const therapist = "therapist@rapport.test"

// fixture is a store with contacts who were sent a note, and a mail server
// with the therapist's mailbox.
type fixture struct {
	t      *testing.T
	st     *store.Store
	mu     sync.Mutex // guards srv, which dial reads from the watcher's goroutine
	srv    *localmail.Server
	sent   map[string]string // contact email → Message-ID of our note
	now    time.Time
	result chan Result
}

func newFixture(t *testing.T, emails ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, sent: map[string]string{}, now: time.Now(), result: make(chan Result, 100)}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.st = st
	im, _ := st.BeginImport(ctx, store.ImportMeta{File: "contacts.csv"})
	for _, e := range emails {
		im.Add(contact.Contact{Email: e})
	}
	im.Commit(len(emails), nil)
	for i, e := range emails {
		c, _ := st.ContactByEmail(ctx, e)
		id := fmt.Sprintf("note%d.%d@rapport.test", i, time.Now().UnixNano())
		sd, _ := st.Claim(ctx, store.SendKey{Campaign: "intro", Step: "intro", ContactID: c.ID},
			store.Pending{Email: e, MessageID: id, Subject: "Hello from Anna"}, nil)
		st.MarkSent(ctx, sd.ID, "250 ok")
		f.sent[e] = id
	}
	f.srv = f.startServer()
	return f
}

// startServer starts a mail server with the therapist's mailbox.
func (f *fixture) startServer() *localmail.Server {
	f.t.Helper()
	srv, err := localmail.Start(localmail.Options{TLS: true})
	if err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() { srv.Close() })
	srv.AddUser(therapist, "secret")
	return srv
}

// replaceServer stands for the provider coming back after an outage: a
// new server (same user, empty mailbox) that the watcher dials from now on.
func (f *fixture) replaceServer() {
	srv := f.startServer()
	f.mu.Lock()
	f.srv = srv
	f.mu.Unlock()
}

// dial connects as `rapport run` does, through imapconn.
func (f *fixture) dial(ctx context.Context, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	f.mu.Lock()
	srv := f.srv
	f.mu.Unlock()
	host, port, _ := net.SplitHostPort(srv.IMAPAddr())
	p, _ := strconv.Atoi(port)
	return imapconn.Dial(ctx, imapconn.Options{Host: host, Port: p, Security: imapconn.STARTTLS, Username: therapist,
		Password: "secret", RootCAs: srv.RootCAs(), Timeout: 10 * time.Second,
		Client: &imapclient.Options{UnilateralDataHandler: h}})
}

// watcher is the watcher as `rapport run` builds it, with o's settings on
// top; results go to f.result.
func (f *fixture) watcher(o Options) *Watcher {
	o.Self = therapist
	if o.MinBackoff == 0 {
		o.MinBackoff = 10 * time.Millisecond
	}
	o.OnResult = func(r Result) { f.result <- r }
	return New(f.dial, f.st, &o)
}

func (f *fixture) deliver(raw string) {
	f.t.Helper()
	if err := f.srv.Deliver(therapist, []byte(raw)); err != nil {
		f.t.Fatal(err)
	}
}

// next waits for the watcher to report a message. The timeout bounds a
// broken test; a working watcher answers in milliseconds.
func (f *fixture) next() Result {
	f.t.Helper()
	select {
	case r := <-f.result:
		return r
	case <-time.After(10 * time.Second):
		f.t.Fatal("the watcher reported nothing")
		return Result{}
	}
}

func reply(from, inReplyTo, subject string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.%s>\r\nIn-Reply-To: <%s>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nThanks for reaching out! Could you stop by Tuesday?\r\n",
		from, therapist, subject, time.Now().Format(time.RFC1123Z), time.Now().UnixNano(), from, inReplyTo)
}

func outOfOffice(from string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Automatic reply: Hello from Anna\r\nDate: %s\r\n"+
		"Message-ID: <ooo%d.%s>\r\nAuto-Submitted: auto-replied\r\nContent-Type: text/plain\r\n\r\n"+
		"I am out of the office and will have limited access to email.\r\n",
		from, therapist, time.Now().Format(time.RFC1123Z), time.Now().UnixNano(), from)
}

func (f *fixture) stage(email string) contact.Stage {
	c, err := f.st.ContactByEmail(context.Background(), email)
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Stage
}

func TestIdleNoticesAReplyAndSurvivesDropsAndRestarts(t *testing.T) {
	f := newFixture(t, "lee@clinic.test", "kim@church.test", "ortiz@school.test")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.watcher(Options{}).Run(ctx) }()
	defer func() { cancel(); <-done }()

	f.deliver(reply("frontdesk@clinic.test", f.sent["lee@clinic.test"], "Re: Hello from Anna"))
	if r := f.next(); r.Class != ClassReply || r.Contact != "lee@clinic.test" || r.StageTo != "replied" {
		t.Fatalf("reply from the front desk: %+v", r)
	}
	f.srv.DropIMAPConnections()
	f.deliver(outOfOffice("kim@church.test"))
	if r := f.next(); r.Class != ClassAutoReply || r.StageTo != "contacted" {
		t.Fatalf("out-of-office after a dropped connection: %+v", r)
	}
	if err := f.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	f.deliver(reply("ortiz@school.test", f.sent["ortiz@school.test"], "Re: Hello from Anna"))
	if r := f.next(); r.Class != ClassReply || r.Contact != "ortiz@school.test" {
		t.Fatalf("reply after a server restart: %+v", r)
	}
	if f.stage("kim@church.test") != contact.StageContacted {
		t.Error("an out-of-office moved the contact")
	}
}

func TestUIDValidityChangeProcessesNothingTwice(t *testing.T) {
	f := newFixture(t, "lee@clinic.test")
	ctx := context.Background()
	f.deliver(reply("lee@clinic.test", f.sent["lee@clinic.test"], "Re: Hello"))
	w := f.watcher(Options{})
	first, err := w.Sync(ctx)
	if err != nil || len(first) != 1 || first[0].Class != ClassReply {
		t.Fatalf("first sync: %+v %v", first, err)
	}
	if err := f.srv.ResetMailbox(therapist, "INBOX", true); err != nil {
		t.Fatal(err)
	}
	again, err := w.Sync(ctx)
	if err != nil || len(again) != 1 || !again[0].Duplicate {
		t.Fatalf("after UIDVALIDITY changed: %+v %v", again, err)
	}
	hist, _ := f.st.History(ctx, mustID(t, f.st, "lee@clinic.test"))
	n := 0
	for _, e := range hist {
		if e.Type == contact.EventReply {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d reply events after a re-scan, want 1", n)
	}
	if more, _ := w.Sync(ctx); len(more) != 0 {
		t.Errorf("a third sync processed %d messages", len(more))
	}
}

func TestJunkFolderRepliesAreFound(t *testing.T) {
	f := newFixture(t, "lee@clinic.test")
	f.srv.DeliverTo(therapist, "Junk", []byte(reply("lee@clinic.test", f.sent["lee@clinic.test"], "Re: Hello")))
	res, err := f.watcher(Options{}).Sync(context.Background())
	if err != nil || len(res) != 1 || res[0].Mailbox != "Junk" || res[0].Class != ClassReply {
		t.Fatalf("junk: %+v %v", res, err)
	}
}

func TestRepliesInAFolderPlainlyNamedSpamAreFound(t *testing.T) {
	// A provider without SPECIAL-USE: no folder is marked \Junk, but one
	// is called "Spam", and a contact's reply was filed there.
	f := newFixture(t, "lee@clinic.test")
	ctx := context.Background()
	c, err := f.dial(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Delete("Junk").Wait(); err != nil {
		t.Fatal(err)
	}
	if err := c.Create("Spam", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	c.Logout().Wait()
	if err := f.srv.DeliverTo(therapist, "Spam", []byte(reply("lee@clinic.test", f.sent["lee@clinic.test"], "Re: Hello"))); err != nil {
		t.Fatal(err)
	}
	res, err := f.watcher(Options{}).Sync(ctx)
	if err != nil || len(res) != 1 || res[0].Mailbox != "Spam" || res[0].Class != ClassReply {
		t.Fatalf("the reply in Spam: %+v %v", res, err)
	}
	if f.stage("lee@clinic.test") != contact.StageReplied {
		t.Error("the reply filed in Spam did not stop the follow-ups")
	}
}

func TestOldMailFromAContactIsNotAReply(t *testing.T) {
	f := newFixture(t, "lee@clinic.test")
	old := fmt.Sprintf("From: lee@clinic.test\r\nTo: %s\r\nSubject: Thanks for the cookies\r\nDate: %s\r\nMessage-ID: <old@clinic.test>\r\n\r\nThank you!\r\n",
		therapist, time.Now().AddDate(-1, 0, 0).Format(time.RFC1123Z))
	f.deliver(old)
	res, _ := f.watcher(Options{}).Sync(context.Background())
	if len(res) != 1 || res[0].Class != ClassUnmatched || f.stage("lee@clinic.test") != contact.StageContacted {
		t.Fatalf("last year's thank-you: %+v", res)
	}
}

func mustID(t *testing.T, st *store.Store, email string) int64 {
	c, err := st.ContactByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestProcessedMailIsFiledNeverDeleted(t *testing.T) {
	f := newFixture(t, "lee@clinic.test")
	ctx := context.Background()
	c, _ := f.dial(ctx, nil)
	c.Create("Rapport", nil).Wait()
	c.Logout().Wait()
	f.deliver(reply("lee@clinic.test", f.sent["lee@clinic.test"], "Re: Hello"))
	f.deliver("From: newsletter@shop.test\r\nTo: " + therapist + "\r\nSubject: Sale\r\nMessage-ID: <sale@shop.test>\r\n\r\nBuy!\r\n")
	res, err := f.watcher(Options{Processed: "Rapport"}).Sync(ctx)
	if err != nil || len(res) != 2 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	inbox, filed := f.srv.Messages(therapist, "INBOX"), f.srv.Messages(therapist, "Rapport")
	if len(filed) != 1 || len(inbox) != 1 || !strings.Contains(string(inbox[0]), "Buy!") {
		t.Errorf("INBOX has %d, Rapport has %d: the reply is filed, other mail stays", len(inbox), len(filed))
	}
}
