package e2e

// The harness of the end-to-end tests that drive rapport itself: a user
// folder whose rapport.toml points at the test Postfix and Dovecot, and
// rapport commands run in it exactly as the binary runs them
// (cli.RunEnv).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode any charset the servers use
	gomessagemail "github.com/emersion/go-message/mail"

	"rapport/internal/cli"
	"rapport/internal/store"
)

// deliveryWait bounds every wait for Postfix and Dovecot to deliver a
// message (a DSN takes Postfix a second or two).
const deliveryWait = 30 * time.Second

// rapportUser is one practice's rapport folder, set up for the e2e servers.
type rapportUser struct {
	t   testing.TB
	s   *Servers
	dir string
	// shift moves rapport's clock (Env.Now) away from the real time, so a
	// test can run a command "3 days later" without waiting.
	shift time.Duration
}

// senderName is the practice's name in From: non-ASCII and with a comma,
// so that it must be encoded.
const senderName = "Anna Müller-Lee, LMFT"

// newRapportUser runs `rapport init` in a fresh folder, removes the sample
// campaigns (the tests write their own), and writes a rapport.toml for the
// e2e servers: submission with STARTTLS and AUTH, IMAP with STARTTLS, the
// test CA, a copy of every note in Sent, and a send window and pace that let
// a batch go out in a second.
func newRapportUser(t testing.TB, s *Servers) *rapportUser {
	t.Helper()
	u := &rapportUser{t: t, s: s, dir: t.TempDir()}
	if _, errs, code := u.run("init", u.dir); code != 0 {
		t.Fatalf("rapport init: exit %d: %s", code, errs)
	}
	samples, _ := filepath.Glob(filepath.Join(u.dir, "campaigns", "*.toml"))
	for _, f := range samples {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	smtpHost, smtpPort := HostPort(t, s.Submission)
	imapHost, imapPort := HostPort(t, s.IMAP)
	cfg := fmt.Sprintf(`# Written by the rapport e2e suite for the loopback Postfix and Dovecot.
[identity]
name = %q
email = %q
practice = "Lee Family Therapy"
phone = "(555) 010-2030"
postal_address = "12 Elm Street, Suite 4, Springfield, IL 62701"
booking_url = "https://booking.example/anna-lee"
signature = """
Anna Müller-Lee, LMFT
Lee Family Therapy · (555) 010-2030
"""

[smtp]
host = %q
port = %d
security = "starttls"
username = %q
password = %q
ca_file = %q
sent_copy = "always"
timeout = "30s"

[imap]
host = %q
port = %d
security = "starttls"
username = %q
password = %q
ca_file = %q

[store]
path = "rapport.db"

[sending]
timezone = "America/Chicago"
window = "Mon-Sun 00:00-24:00"
per_hour = 1000
per_day = 5000
min_gap = "100ms"
jitter = "50ms"

[dashboard]
listen = "127.0.0.1:0"
`, senderName, s.User, smtpHost, smtpPort, s.User, s.Password, s.CAFile,
		imapHost, imapPort, s.User, s.Password, s.CAFile)
	// The password is in the file, so the file must be private.
	u.write("rapport.toml", cfg, 0o600)
	return u
}

func (u *rapportUser) path(rel string) string { return filepath.Join(u.dir, rel) }

func (u *rapportUser) write(rel, content string, mode os.FileMode) {
	u.t.Helper()
	p := u.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		u.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		u.t.Fatal(err)
	}
}

// now is rapport's clock: the real time, shifted by u.shift.
func (u *rapportUser) now() time.Time { return time.Now().Add(u.shift) }

// run runs one rapport command as the binary would, in u's folder.
func (u *rapportUser) run(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	env := cli.Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Now: u.now,
		Getenv: func(k string) string {
			if k == "RAPPORT_CONFIG" {
				return u.path("rapport.toml")
			}
			return ""
		}}
	code = cli.RunEnv(context.Background(), env, args)
	return out.String(), errb.String(), code
}

// mustRun runs a command that must succeed and returns its stdout.
func (u *rapportUser) mustRun(args ...string) string {
	u.t.Helper()
	out, errs, code := u.run(args...)
	if code != 0 {
		u.t.Fatalf("rapport %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// json runs a command with --json and decodes its stdout into v.
func (u *rapportUser) json(v any, args ...string) {
	u.t.Helper()
	out := u.mustRun(append([]string{"--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		u.t.Fatalf("rapport %s --json: stdout is not the expected JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// csvContact is one spreadsheet row of the tests' contacts.
type csvContact struct {
	Title, First, Last, Practice, Kind, Email string
}

// importContacts writes the contacts to a CSV file with a custom Token
// column (the templates use {{.Fields.token}}) and imports it with a tag.
func (u *rapportUser) importContacts(tag, token string, cs []csvContact) {
	u.t.Helper()
	var b strings.Builder
	b.WriteString("Title,First,Last,Practice,Type,Email,Token\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", c.Title, c.First, c.Last, c.Practice, c.Kind, c.Email, token)
	}
	name := "contacts-" + tag + ".csv"
	u.write(name, b.String(), 0o644)
	var rep struct{ Read, Created, Skipped int }
	u.json(&rep, "import", u.path(name), "--tag", tag)
	if rep.Created != len(cs) || rep.Skipped != 0 {
		u.t.Fatalf("import of %d contacts: %+v", len(cs), rep)
	}
}

// sendReport is `rapport send --json`.
type sendReport struct {
	Sent, Deferred, Failed, Unknown, Skipped, Due int
	Stopped                                       string
	Results                                       []struct {
		Campaign, Step, Contact, State string
		MessageID                      string `json:"message_id"`
		Reason                         string
	}
}

// send runs `rapport send NAME --json` and returns the sent Message-IDs by
// contact address (lower case).
func (u *rapportUser) send(name string) (sendReport, map[string]string) {
	u.t.Helper()
	var rep sendReport
	u.json(&rep, "send", name)
	ids := map[string]string{}
	for _, r := range rep.Results {
		if r.State == "sent" {
			ids[strings.ToLower(addrOf(r.Contact))] = r.MessageID
		}
	}
	return rep, ids
}

// addrOf takes the address out of a label such as "Dr. Zoë Łukasz
// <doc01@clinic.test>" (or returns s when it is a bare address).
func addrOf(s string) string {
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		return strings.TrimSuffix(s[i+1:], ">")
	}
	return s
}

// contactShown is `rapport contacts show --json`.
type contactShown struct {
	Email   string
	Stage   string
	Fields  map[string]string
	History []struct{ At, Type, Detail string }
}

func (u *rapportUser) contact(email string) contactShown {
	u.t.Helper()
	var c contactShown
	u.json(&c, "contacts", "show", email)
	return c
}

// events returns the contact's history entries of one type.
func (c contactShown) events(typ string) []string {
	var out []string
	for _, e := range c.History {
		if e.Type == typ {
			out = append(out, e.Detail)
		}
	}
	return out
}

// inboxResult is one line of `rapport inbox sync --json`.
type inboxResult struct {
	UID       uint32 `json:"uid"`
	MessageID string `json:"message_id"`
	From      string `json:"from"`
	Class     string `json:"class"`
	Contact   string `json:"contact"`
	StageFrom string `json:"stage_from"`
	StageTo   string `json:"stage_to"`
	Mailbox   string `json:"mailbox"`
	Duplicate bool   `json:"duplicate"`
}

func (u *rapportUser) inboxSync() []inboxResult {
	u.t.Helper()
	var res []inboxResult
	u.json(&res, "inbox", "sync")
	return res
}

// startWatchingFromNow records in u's store that the inbox and Junk folder
// were read up to their current end. The test mailboxes keep the mail of
// every earlier run; a real user's first sync does read the whole inbox,
// but here the old mail is other runs' and would only slow the tests down
// and (old replies from the same test addresses) confuse them.
func (u *rapportUser) startWatchingFromNow() {
	u.t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, u.path("rapport.db"), nil)
	if err != nil {
		u.t.Fatal(err)
	}
	defer st.Close()
	markMailboxesRead(u.t, u.s, st, u.s.User, "INBOX", "Junk")
}

// markMailboxesRead sets the store's position in each mailbox of user to
// the mailbox's current last UID.
func markMailboxesRead(t testing.TB, s *Servers, st *store.Store, user string, mailboxes ...string) {
	t.Helper()
	c := s.DialIMAP(t, user)
	for _, mb := range mailboxes {
		sd, err := c.Status(mb, &imap.StatusOptions{UIDNext: true, UIDValidity: true}).Wait()
		if err != nil {
			t.Fatalf("STATUS %s of %s: %v", mb, user, err)
		}
		err = st.SetMailbox(context.Background(), store.MailboxState{Name: mb, UIDValidity: sd.UIDValidity, LastUID: uint32(sd.UIDNext) - 1})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// findByMessageID returns the raw message with that Message-ID (without
// <>) in user's mailbox, waiting for it to arrive.
func (s *Servers) findByMessageID(t testing.TB, user, mailbox, id string) []byte {
	t.Helper()
	return s.WaitForMessage(t, user, mailbox, HeaderContains("Message-ID", "<"+id+">"), deliveryWait)
}

// countHeader counts the messages in user's mailbox whose header key
// contains value (IMAP SEARCH HEADER), right now.
func countHeader(t testing.TB, c *imapclient.Client, mailbox, key, value string) int {
	t.Helper()
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("select %s: %v", mailbox, err)
	}
	d, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: key, Value: value}}}, nil).Wait()
	if err != nil {
		t.Fatalf("search %s %s %s: %v", mailbox, key, value, err)
	}
	return len(d.AllUIDs())
}

// parsed is a delivered message taken apart with go-message.
type parsed struct {
	raw    []byte
	header gomessagemail.Header
	text   string // the text/plain part, decoded
	html   string // the text/html part, decoded
	types  []string
}

func parseMessage(t testing.TB, raw []byte) *parsed {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message cannot read the message: %v\n%s", err, raw)
	}
	p := &parsed{raw: raw, header: gomessagemail.Header{Header: e.Header}}
	err = e.Walk(func(path []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		ct, _, _ := part.Header.ContentType()
		p.types = append(p.types, ct)
		if strings.HasPrefix(ct, "multipart/") {
			return nil
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			return fmt.Errorf("part %v (%s): %w", path, ct, err)
		}
		switch ct {
		case "text/plain":
			p.text += string(body)
		case "text/html":
			p.html += string(body)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("go-message cannot walk the message: %v\n%s", err, raw)
	}
	return p
}

// messageID returns the Message-ID header of raw, without <>.
func messageID(raw []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ""
	}
	return strings.Trim(strings.TrimSpace(m.Header.Get("Message-ID")), "<>")
}

// writeCampaign writes campaigns/NAME.toml.
func (u *rapportUser) writeCampaign(name, body string) {
	u.write(filepath.Join("campaigns", name+".toml"), body, 0o644)
}

// writeTemplate writes templates/NAME.md.
func (u *rapportUser) writeTemplate(name, body string) {
	u.write(filepath.Join("templates", name+".md"), body, 0o644)
}
