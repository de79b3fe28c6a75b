package localmail

import (
	"crypto/tls"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-sasl"
)

func TestIMAPListsSpecialUse(t *testing.T) {
	srv := start(t, Options{TLS: true})
	c := imapLogin(t, srv, nil)
	if !c.Caps().Has(imap.CapSpecialUse) {
		t.Error("SPECIAL-USE not advertised")
	}
	boxes, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]imap.MailboxAttr{}
	for _, b := range boxes {
		got[b.Mailbox] = b.Attrs
	}
	for name, attr := range map[string]imap.MailboxAttr{"Sent": imap.MailboxAttrSent, "Junk": imap.MailboxAttrJunk, "Drafts": imap.MailboxAttrDrafts, "Trash": imap.MailboxAttrTrash} {
		if !slices.Contains(got[name], attr) {
			t.Errorf("%s has %v, want %s", name, got[name], attr)
		}
	}
	if _, ok := got["INBOX"]; !ok {
		t.Error("INBOX not listed")
	}
	only, err := c.List("", "*", &imap.ListOptions{SelectSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(only) != 4 {
		t.Errorf("LIST (SPECIAL-USE) gave %d mailboxes, want 4", len(only))
	}
}

func TestIMAPCreateSpecialUse(t *testing.T) {
	srv := start(t, Options{})
	c := imapLogin(t, srv, nil)
	if err := c.Create("Archive", &imap.CreateOptions{SpecialUse: []imap.MailboxAttr{imap.MailboxAttrArchive}}).Wait(); err != nil {
		t.Fatal(err)
	}
	boxes, err := c.List("", "Arch*", nil).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 1 || !slices.Contains(boxes[0].Attrs, imap.MailboxAttrArchive) {
		t.Errorf("LIST Arch* = %+v", boxes)
	}
}

// An IDLE client hears of every delivery, even one made the instant the
// server said "+ idling" (the upstream race localmail closes).
func TestIMAPIdleNeverMissesADelivery(t *testing.T) {
	srv := start(t, Options{})
	exists := make(chan uint32, 16)
	c := imapLogin(t, srv, &imapclient.Options{UnilateralDataHandler: &imapclient.UnilateralDataHandler{
		Mailbox: func(d *imapclient.UnilateralDataMailbox) {
			if d.NumMessages != nil {
				exists <- *d.NumMessages
			}
		},
	}})
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 40; i++ {
		idle, err := c.Idle()
		if err != nil {
			t.Fatal(err)
		}
		if err := srv.Deliver(therapist, note("frontdesk@pediatrics.test", therapist, fmt.Sprint("reply ", i))); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-exists:
			if n != uint32(i) {
				t.Fatalf("EXISTS %d, want %d", n, i)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("delivery %d was never announced", i)
		}
		if err := idle.Close(); err != nil {
			t.Fatal(err)
		}
		if err := idle.Wait(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIMAPMoveReportsOneExpunge(t *testing.T) {
	srv := start(t, Options{})
	for i := range 3 {
		srv.Deliver(therapist, note("a@x.test", therapist, fmt.Sprint("m", i)))
	}
	c := imapLogin(t, srv, nil)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.Move(imap.UIDSetNum(2), "Junk").Wait()
	if err != nil {
		t.Fatal(err)
	}
	if data.DestUIDs.String() != "1" {
		t.Errorf("COPYUID dest = %v", data.DestUIDs)
	}
	if err := c.Noop().Wait(); err != nil {
		t.Fatal(err)
	}
	if n := c.Mailbox().NumMessages; n != 2 {
		t.Errorf("client counts %d messages after MOVE, want 2", n)
	}
	if got := len(srv.Messages(therapist, "Junk")); got != 1 {
		t.Errorf("Junk holds %d", got)
	}
}

func TestResetMailboxChangesUIDValidity(t *testing.T) {
	srv := start(t, Options{})
	srv.Deliver(therapist, note("a@x.test", therapist, "one"))
	before, err := srv.Fetch(therapist, "INBOX")
	if err != nil {
		t.Fatal(err)
	}
	c := imapLogin(t, srv, nil)
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.ResetMailbox(therapist, "INBOX", true); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("the selected session was not dropped")
	}
	c2 := imapLogin(t, srv, nil)
	sel2, err := c2.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if sel2.UIDValidity == sel.UIDValidity {
		t.Errorf("UIDVALIDITY stayed %d", sel.UIDValidity)
	}
	after, _ := srv.Fetch(therapist, "INBOX")
	if len(after) != 1 || string(after[0].Raw) != string(before[0].Raw) {
		t.Error("the message did not survive the reset")
	}
}

func TestRestartKeepsMailAndPorts(t *testing.T) {
	srv := start(t, Options{TLS: true, ImplicitTLS: true})
	srv.Deliver(therapist, note("a@x.test", therapist, "kept"))
	old := imapLogin(t, srv, nil)
	addrs := []string{srv.SMTPAddr(), srv.IMAPAddr(), srv.SMTPTLSAddr(), srv.IMAPTLSAddr()}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	if got := []string{srv.SMTPAddr(), srv.IMAPAddr(), srv.SMTPTLSAddr(), srv.IMAPTLSAddr()}; !slices.Equal(got, addrs) {
		t.Errorf("addresses %v, want %v", got, addrs)
	}
	<-old.Closed()
	if got := srv.Messages(therapist, "INBOX"); len(got) != 1 {
		t.Errorf("INBOX holds %d after restart", len(got))
	}
	c := smtpClient(t, srv, true)
	if err := send(c, therapist, therapist, note(therapist, therapist, "after")); err != nil {
		t.Fatal(err)
	}
}

func TestDropConnections(t *testing.T) {
	srv := start(t, Options{})
	c := imapLogin(t, srv, nil)
	s := smtpClient(t, srv, false)
	if err := s.Noop(); err != nil { // the server has accepted it
		t.Fatal(err)
	}
	srv.DropConnections()
	select {
	case <-c.Closed():
	case <-time.After(5 * time.Second):
		t.Fatal("IMAP client still connected")
	}
	if err := s.Noop(); err == nil {
		t.Error("SMTP client still connected")
	}
	imapLogin(t, srv, nil) // the listeners stay open
}

func TestImplicitTLSAndXOAUTH2(t *testing.T) {
	srv := start(t, Options{ImplicitTLS: true, TLS: true})
	c, err := imapclient.DialTLS(srv.IMAPTLSAddr(), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: srv.RootCAs(), ServerName: "localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Authenticate(xoauth2{therapist, password}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
}

type xoauth2 struct{ user, token string }

func (x xoauth2) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}
func (x xoauth2) Next([]byte) ([]byte, error) { return []byte{}, nil }

var _ sasl.Client = xoauth2{}
