package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message"
	gomail "github.com/wneessen/go-mail"
)

const wait = 30 * time.Second

// submit sends one text message from s.User to to over the submission port
// with go-mail (STARTTLS + AUTH PLAIN) and returns its Message-ID without <>.
func submit(t *testing.T, s *Servers, to, subject string) string {
	t.Helper()
	id := "e2e-" + UniqueSuffix() + "@rapport.test"
	m := gomail.NewMsg()
	if err := m.From(s.User); err != nil {
		t.Fatal(err)
	}
	if err := m.To(to); err != nil {
		t.Fatal(err)
	}
	m.Subject(subject)
	m.SetMessageIDWithValue(id)
	m.SetDate()
	m.SetBodyString(gomail.TypeTextPlain, "Hello,\n\nI would like to introduce my practice.\n\nBest,\nTherapist\n")
	c := s.MailClient(t, s.User)
	err := c.DialAndSend(m)
	if !m.IsDelivered() {
		t.Fatalf("submit to %s: not accepted: %v", to, err)
	}
	if !strings.Contains(m.ServerResponse(), "queued") {
		t.Errorf("submit to %s: server response %q, want a queue id", to, m.ServerResponse())
	}
	return id
}

func TestE2ESubmitToKnownUser(t *testing.T) {
	s := Require(t)
	t.Parallel()
	subject := "Introduction " + UniqueSuffix()
	id := submit(t, s, DrLee, subject)
	raw := s.WaitForMessage(t, DrLee, "INBOX", Contains("<"+id+">"), wait)
	if !HeaderContains("Subject", subject)(raw) {
		t.Errorf("delivered message lacks subject %q:\n%s", subject, raw)
	}
	if !HeaderContains("From", s.User)(raw) {
		t.Errorf("delivered message lacks From %s:\n%s", s.User, raw)
	}
}

var (
	reActionFailed = regexp.MustCompile(`(?im)^Action:\s*failed\s*$`)
	reStatus5      = regexp.MustCompile(`(?im)^Status:\s*5\.\d{1,3}\.\d{1,3}\s*$`)
	reFinalRcpt    = regexp.MustCompile(`(?im)^Final-Recipient:\s*rfc822;\s*` + regexp.QuoteMeta(Unknown) + `\s*$`)
)

func TestE2EUnknownRecipientBounces(t *testing.T) {
	s := Require(t)
	t.Parallel()
	id := submit(t, s, Unknown, "Introduction "+UniqueSuffix())
	raw := s.WaitForMessage(t, s.User, "INBOX", func(raw []byte) bool {
		return bytes.Contains(raw, []byte("<"+id+">")) && bytes.Contains(raw, []byte("multipart/report"))
	}, wait)

	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse DSN: %v\n%s", err, raw)
	}
	ct, params, err := e.Header.ContentType()
	if err != nil || ct != "multipart/report" || params["report-type"] != "delivery-status" {
		t.Fatalf("DSN Content-Type = %q %v (%v), want multipart/report; report-type=delivery-status", ct, params, err)
	}
	mr := e.MultipartReader()
	var status, returned []byte
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("DSN part: %v", err)
		}
		pct, _, _ := p.Header.ContentType()
		body, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatalf("DSN part %s: %v", pct, err)
		}
		switch pct {
		case "message/delivery-status":
			status = body
		case "message/rfc822", "text/rfc822-headers":
			returned = body
		}
	}
	if !reActionFailed.Match(status) || !reStatus5.Match(status) || !reFinalRcpt.Match(status) {
		t.Errorf("delivery-status part lacks Action: failed, Status: 5.x.x or Final-Recipient %s:\n%s", Unknown, status)
	}
	if !HeaderContains("Message-ID", "<"+id+">")(returned) {
		t.Errorf("returned headers lack Message-ID <%s>:\n%s", id, returned)
	}
}

func TestE2EVacationAutoReply(t *testing.T) {
	s := Require(t)
	t.Parallel()
	// Two different messages from the same sender on the same day: each
	// draws its own auto-reply, because the script's handle includes the
	// Message-ID.
	for i := range 2 {
		id := submit(t, s, Vacation, "Meet and greet "+UniqueSuffix())
		raw := s.WaitForMessage(t, s.User, "INBOX", func(raw []byte) bool {
			return HeaderContains("In-Reply-To", "<"+id+">")(raw)
		}, wait)
		for _, want := range [][2]string{
			{"Auto-Submitted", "auto-replied"},
			{"From", Vacation},
			{"Subject", "Out of Office"},
			{"References", "<" + id + ">"},
		} {
			if !HeaderContains(want[0], want[1])(raw) {
				t.Errorf("auto-reply %d lacks %s: %s:\n%s", i, want[0], want[1], raw)
			}
		}
	}
}

func TestE2EIMAPMailboxesAndAppend(t *testing.T) {
	s := Require(t)
	t.Parallel()
	c := s.DialIMAP(t, s.User)
	caps := c.Caps()
	for _, cp := range []imap.Cap{imap.CapIdle, imap.CapUIDPlus, imap.CapMove, imap.CapSpecialUse} {
		if _, ok := caps[cp]; !ok {
			t.Errorf("capability %s not advertised (have %v)", cp, caps)
		}
	}
	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true, ReturnSubscribed: true}).Collect()
	if err != nil {
		t.Fatalf("LIST: %v", err)
	}
	wantUse := map[string]imap.MailboxAttr{"Sent": imap.MailboxAttrSent, "Junk": imap.MailboxAttrJunk}
	for _, l := range list {
		want, ok := wantUse[l.Mailbox]
		if !ok {
			continue
		}
		if !hasAttr(l.Attrs, want) {
			t.Errorf("mailbox %s attributes %v lack %s", l.Mailbox, l.Attrs, want)
		}
		if !hasAttr(l.Attrs, imap.MailboxAttrSubscribed) {
			t.Errorf("mailbox %s is not subscribed: %v", l.Mailbox, l.Attrs)
		}
		delete(wantUse, l.Mailbox)
	}
	if len(wantUse) > 0 {
		t.Errorf("mailboxes missing from LIST: %v (got %d mailboxes)", wantUse, len(list))
	}

	// APPEND to Sent, as rapport keeps its copy.
	id := "sent-" + UniqueSuffix() + "@rapport.test"
	raw := Message(s.User, DrLee, "Sent copy "+id, id, "A copy for the Sent folder.")
	cmd := c.Append("Sent", int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: time.Now()})
	if _, err := cmd.Write(raw); err != nil {
		t.Fatalf("APPEND write: %v", err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatalf("APPEND close: %v", err)
	}
	ad, err := cmd.Wait()
	if err != nil {
		t.Fatalf("APPEND: %v", err)
	}
	if ad.UID == 0 || ad.UIDValidity == 0 {
		t.Errorf("APPEND returned no APPENDUID: %+v", ad)
	}
	got := s.WaitForMessage(t, s.User, "Sent", Contains("<"+id+">"), wait)
	if !bytes.Equal(got, raw) {
		t.Errorf("Sent copy differs:\n got %q\nwant %q", got, raw)
	}

	// MOVE a message from INBOX to Junk.
	jid := "junk-" + UniqueSuffix() + "@outside.test"
	s.Deliver(t, "spammer@outside.test", s.User, Message("spammer@outside.test", s.User, "Junk "+jid, jid, "Buy now."))
	s.WaitForMessage(t, s.User, "INBOX", Contains("<"+jid+">"), wait)
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("SELECT INBOX: %v", err)
	}
	sd, err := c.UIDSearch(&imap.SearchCriteria{Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: jid}}}, nil).Wait()
	if err != nil || len(sd.AllUIDs()) != 1 {
		t.Fatalf("SEARCH HEADER Message-ID %s: %v %v", jid, sd, err)
	}
	md, err := c.Move(imap.UIDSetNum(sd.AllUIDs()...), "Junk").Wait()
	if err != nil {
		t.Fatalf("MOVE to Junk: %v", err)
	}
	if md == nil || md.DestUIDs == nil {
		t.Errorf("MOVE returned no COPYUID: %+v", md)
	}
	s.WaitForMessage(t, s.User, "Junk", Contains("<"+jid+">"), wait)
}

func hasAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if strings.EqualFold(string(a), string(want)) {
			return true
		}
	}
	return false
}

func TestE2EIMAPSImplicitTLS(t *testing.T) {
	s := Require(t)
	t.Parallel()
	c, err := imapclient.DialTLS(s.IMAPS, &imapclient.Options{TLSConfig: s.TLSConfig()})
	if err != nil {
		t.Fatalf("dial IMAPS: %v", err)
	}
	defer closeIMAP(c)
	if err := c.Login(DrLee, s.Password).Wait(); err != nil {
		t.Fatalf("login over IMAPS: %v", err)
	}
	if err := c.Login(DrLee, "wrong").Wait(); err == nil {
		t.Errorf("second LOGIN accepted")
	}
	bad, err := imapclient.DialTLS(s.IMAPS, &imapclient.Options{TLSConfig: s.TLSConfig()})
	if err != nil {
		t.Fatalf("dial IMAPS: %v", err)
	}
	defer closeIMAP(bad)
	if err := bad.Login(DrLee, "wrong-"+s.Password).Wait(); err == nil {
		t.Errorf("login with a wrong password accepted")
	}
}

func TestE2ESubmissionRequiresTLSForAuth(t *testing.T) {
	s := Require(t)
	t.Parallel()
	host, _ := HostPort(t, s.Submission)

	c, err := smtp.Dial(s.Submission)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Hello("client.test"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Errorf("submission does not offer STARTTLS")
	}
	if ok, mechs := c.Extension("AUTH"); ok {
		t.Errorf("AUTH %s offered before STARTTLS", mechs)
	}
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + s.User + "\x00" + s.Password))
	if code := rawCmd(t, c.Text, 235, "AUTH PLAIN %s", plain); code/100 != 5 {
		t.Errorf("AUTH PLAIN without TLS: reply %d, want 5xx", code)
	}
	if code := rawCmd(t, c.Text, 250, "MAIL FROM:<%s>", s.User); code/100 != 5 {
		t.Errorf("MAIL FROM without TLS: reply %d, want 5xx", code)
	}

	// go-mail without TLS cannot log in either.
	nc := s.MailClient(t, s.User, gomail.WithTLSPolicy(gomail.NoTLS))
	m := gomail.NewMsg()
	_ = m.From(s.User)
	_ = m.To(DrLee)
	m.Subject("must not be sent")
	m.SetBodyString(gomail.TypeTextPlain, "x")
	if err := nc.DialAndSend(m); err == nil || m.IsDelivered() {
		t.Errorf("go-mail without TLS sent a message (err %v)", err)
	}

	// After STARTTLS: PLAIN and LOGIN offered, a wrong password refused, an
	// unauthenticated sender refused, the right password accepted.
	tc, err := smtp.Dial(s.Submission)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	if err := tc.StartTLS(s.TLSConfig()); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	ok, mechs := tc.Extension("AUTH")
	if !ok || !strings.Contains(mechs, "PLAIN") || !strings.Contains(mechs, "LOGIN") {
		t.Errorf("after STARTTLS AUTH = %v %q, want PLAIN and LOGIN", ok, mechs)
	}
	if err := tc.Mail(s.User); err == nil {
		if err := tc.Rcpt(DrLee); err == nil {
			t.Errorf("unauthenticated RCPT accepted on submission")
		}
		_ = tc.Reset()
	}
	err = tc.Auth(smtp.PlainAuth("", s.User, "wrong-"+s.Password, host))
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 535 {
		t.Errorf("AUTH with a wrong password: %v, want 535", err)
	}

	// net/smtp quits after a failed AUTH: log in on a fresh connection.
	gc, err := smtp.Dial(s.Submission)
	if err != nil {
		t.Fatal(err)
	}
	defer gc.Close()
	if err := gc.StartTLS(s.TLSConfig()); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	if err := gc.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
		t.Errorf("AUTH PLAIN after STARTTLS: %v", err)
	}
	if err := gc.Quit(); err != nil {
		t.Errorf("QUIT: %v", err)
	}

	// go-mail with AUTH LOGIN works as well.
	lc := s.MailClient(t, s.User, gomail.WithSMTPAuth(gomail.SMTPAuthLogin))
	if err := lc.DialWithContext(context.Background()); err != nil {
		t.Errorf("go-mail AUTH LOGIN: %v", err)
	} else if err := lc.Close(); err != nil {
		t.Errorf("go-mail close: %v", err)
	}
}

// rawCmd sends one SMTP command and returns the reply code.
func rawCmd(t *testing.T, c *textproto.Conn, expect int, format string, args ...any) int {
	t.Helper()
	id, err := c.Cmd(format, args...)
	if err != nil {
		t.Fatal(err)
	}
	c.StartResponse(id)
	defer c.EndResponse(id)
	code, _, err := c.ReadResponse(expect)
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestE2EPlainSMTPDeliversLocallyOnly(t *testing.T) {
	s := Require(t)
	t.Parallel()
	// No relaying to the outside world.
	c, err := smtp.Dial(s.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("someone@outside.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("someone@example.com"); err == nil {
		t.Errorf("inbound port relays to example.com")
	}

	// Every batch user and every named user receives mail.
	var users []string
	for i := 1; i <= BatchUsers; i++ {
		users = append(users, BatchUser(i))
	}
	users = append(users, FrontDesk, PastorKim, Counselor, Assistant, Therapist)
	suffix := UniqueSuffix()
	type delivery struct{ rcpt, box, id string }
	var ds []delivery
	for _, u := range users {
		d := delivery{rcpt: u, box: u, id: "in-" + suffix + "-" + strings.ReplaceAll(u, "@", ".") + "@outside.test"}
		if u == Therapist {
			// "+" is the recipient delimiter.
			d.rcpt = "therapist+" + suffix + "@rapport.test"
		}
		ds = append(ds, d)
		s.Deliver(t, "reply@outside.test", d.rcpt, Message("Reply <reply@outside.test>", d.rcpt, "Re: hello "+suffix, d.id, "Thanks!"))
	}
	for _, d := range ds {
		s.WaitForMessage(t, d.box, "INBOX", Contains("<"+d.id+">"), wait)
	}
}

func TestReadEnvFile(t *testing.T) {
	name := filepath.Join(t.TempDir(), "env")
	content := "# comment\nexport RAPPORT_E2E=1\nexport RAPPORT_E2E_IMAP=127.0.0.1:1\nRAPPORT_E2E_PASSWORD='p w'\nexport RAPPORT_E2E_USER=\"u@x\"\n"
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := readEnvFile(name)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"RAPPORT_E2E": "1", "RAPPORT_E2E_IMAP": "127.0.0.1:1", "RAPPORT_E2E_PASSWORD": "p w", "RAPPORT_E2E_USER": "u@x"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestUniqueSuffix(t *testing.T) {
	seen := map[string]bool{}
	valid := regexp.MustCompile(`^[a-z0-9]+$`)
	for range 1000 {
		u := UniqueSuffix()
		if seen[u] || !valid.MatchString(u) {
			t.Fatalf("UniqueSuffix() = %q (duplicate %v)", u, seen[u])
		}
		seen[u] = true
	}
}

func TestMessageParses(t *testing.T) {
	raw := Message("a@x.test", "b@y.test", "Hi", "id@x.test", "line 1\nline 2", "In-Reply-To: <p@x.test>")
	if !HeaderContains("In-Reply-To", "<p@x.test>")(raw) || !HeaderContains("Message-ID", "<id@x.test>")(raw) {
		t.Errorf("headers missing:\n%s", raw)
	}
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("bare LF in %q", raw)
	}
}
