package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	gomail "github.com/wneessen/go-mail"
)

// Environment variables written by scripts/e2e-servers.sh into
// $RAPPORT_E2E_DIR/env.
const (
	EnvEnable     = "RAPPORT_E2E"            // "1" turns the suite on
	EnvDir        = "RAPPORT_E2E_DIR"        // state directory, default DefaultDir
	EnvCA         = "RAPPORT_E2E_CA"         // PEM file of the test CA
	EnvSubmission = "RAPPORT_E2E_SUBMISSION" // host:port, STARTTLS + AUTH
	EnvSMTP       = "RAPPORT_E2E_SMTP"       // host:port, plain inbound SMTP
	EnvIMAP       = "RAPPORT_E2E_IMAP"       // host:port, IMAP with STARTTLS
	EnvIMAPS      = "RAPPORT_E2E_IMAPS"      // host:port, IMAP over implicit TLS
	EnvPassword   = "RAPPORT_E2E_PASSWORD"   // password of every test user
	EnvUser       = "RAPPORT_E2E_USER"       // the sender, Therapist

	// DefaultDir is the script's state directory unless RAPPORT_E2E_DIR says otherwise.
	DefaultDir = "/tmp/rapport-e2e"
)

// Mailboxes of the test domains. Every one logs in over IMAP with the shared
// password. Unknown does not exist: mail to it bounces with a DSN.
const (
	Therapist  = "therapist@rapport.test" // the sender, RAPPORT_E2E_USER
	Assistant  = "assistant@rapport.test" // a second account of the practice
	Postmaster = "postmaster@rapport.test"
	DrLee      = "dr.lee@clinic.test"
	FrontDesk  = "frontdesk@clinic.test"
	Vacation   = "vacation@clinic.test" // answers every new message with a Sieve vacation reply
	PastorKim  = "pastor.kim@church.test"
	Counselor  = "counselor@school.test"
	Unknown    = "nobody@clinic.test" // accepted by Postfix, then bounced with a DSN

	// BatchUsers is how many numbered users BatchUser can name.
	BatchUsers = 30
)

// BatchUser returns the i-th numbered test user, doc01@clinic.test for 1 up to
// doc30@clinic.test for BatchUsers. It panics outside 1..BatchUsers.
func BatchUser(i int) string {
	if i < 1 || i > BatchUsers {
		panic(fmt.Sprintf("e2e: BatchUser(%d) outside 1..%d", i, BatchUsers))
	}
	return fmt.Sprintf("doc%02d@clinic.test", i)
}

// PollInterval is how often WaitForMessage looks at the mailbox again. It
// waits on external servers, not on rapport's schedules.
const PollInterval = 50 * time.Millisecond

// Servers are the addresses and credentials of the running test servers.
type Servers struct {
	Submission string // host:port of Postfix submission (STARTTLS required, AUTH after TLS)
	SMTP       string // host:port of Postfix's plain inbound smtpd (no TLS, no AUTH)
	IMAP       string // host:port of Dovecot IMAP (STARTTLS)
	IMAPS      string // host:port of Dovecot IMAP over implicit TLS
	CAFile     string // PEM file of the CA that signed the servers' certificate
	Password   string // password of every test user
	User       string // the sender's address and login, Therapist
}

// Require returns the test servers, or skips the test when RAPPORT_E2E is not
// set. With RAPPORT_E2E=1, variables missing from the environment are read
// from $RAPPORT_E2E_DIR/env; the test fails if they are still incomplete or
// the servers do not answer.
func Require(t testing.TB) *Servers {
	t.Helper()
	if os.Getenv(EnvEnable) == "" {
		t.Skipf("end-to-end test: set %s=1 after scripts/e2e-servers.sh start (then: set -a && . %s/env && set +a)", EnvEnable, DefaultDir)
	}
	s, err := Load()
	if err != nil {
		t.Fatalf("e2e: %v", err)
	}
	if pem, err := os.ReadFile(s.CAFile); err != nil || !x509.NewCertPool().AppendCertsFromPEM(pem) {
		t.Fatalf("e2e: test CA %s unreadable (%v); run scripts/e2e-servers.sh start", s.CAFile, err)
	}
	for _, addr := range []string{s.Submission, s.SMTP, s.IMAP, s.IMAPS} {
		c, err := net.DialTimeout("tcp", addr, 2*time.Second)
		if err != nil {
			t.Fatalf("e2e: %s=1 but the servers do not answer (%v); run scripts/e2e-servers.sh start", EnvEnable, err)
		}
		c.Close()
	}
	return s
}

// Load reads the servers' settings from the environment, completed by the
// env file in $RAPPORT_E2E_DIR (default DefaultDir). It does not check that the
// servers run.
func Load() (*Servers, error) {
	vals := map[string]string{}
	keys := []string{EnvCA, EnvSubmission, EnvSMTP, EnvIMAP, EnvIMAPS, EnvPassword, EnvUser}
	missing := false
	for _, k := range keys {
		vals[k] = os.Getenv(k)
		if vals[k] == "" {
			missing = true
		}
	}
	if missing {
		dir := os.Getenv(EnvDir)
		if dir == "" {
			dir = DefaultDir
		}
		file := filepath.Join(dir, "env")
		fromFile, err := readEnvFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s set but some variables are missing and %v; run scripts/e2e-servers.sh start", EnvEnable, err)
		}
		for _, k := range keys {
			if vals[k] == "" {
				vals[k] = fromFile[k]
			}
		}
	}
	for _, k := range keys {
		if vals[k] == "" {
			return nil, fmt.Errorf("%s is not set; run scripts/e2e-servers.sh start", k)
		}
	}
	return &Servers{
		Submission: vals[EnvSubmission],
		SMTP:       vals[EnvSMTP],
		IMAP:       vals[EnvIMAP],
		IMAPS:      vals[EnvIMAPS],
		CAFile:     vals[EnvCA],
		Password:   vals[EnvPassword],
		User:       vals[EnvUser],
	}, nil
}

// readEnvFile parses the script's env file: `export KEY=VALUE` lines, values
// optionally quoted.
func readEnvFile(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	vals := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		vals[strings.TrimSpace(k)] = v
	}
	return vals, sc.Err()
}

// TLSConfig returns a client configuration that trusts the test CA. Its
// ServerName is the servers' host (127.0.0.1), which the certificate names,
// so it suits go-mail's WithTLSConfig as well as imapclient.
func (s *Servers) TLSConfig() *tls.Config {
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		panic(fmt.Sprintf("e2e: reading the test CA: %v", err))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		panic(fmt.Sprintf("e2e: no certificate in %s", s.CAFile))
	}
	host, _, err := net.SplitHostPort(s.Submission)
	if err != nil {
		host = "127.0.0.1"
	}
	return &tls.Config{RootCAs: pool, ServerName: host, MinVersion: tls.VersionTLS12}
}

// HostPort splits a host:port address of s into its parts.
func HostPort(t testing.TB, addr string) (string, int) {
	t.Helper()
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("e2e: address %q: %v", addr, err)
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("e2e: address %q: %v", addr, err)
	}
	return host, port
}

// MailClient returns a go-mail client for the submission port, logging in as
// user with the shared password: STARTTLS mandatory with the test CA, AUTH
// PLAIN. opts are applied after these and may override them.
func (s *Servers) MailClient(t testing.TB, user string, opts ...gomail.Option) *gomail.Client {
	t.Helper()
	host, port := HostPort(t, s.Submission)
	all := append([]gomail.Option{
		gomail.WithPort(port),
		gomail.WithTLSPolicy(gomail.TLSMandatory),
		gomail.WithTLSConfig(s.TLSConfig()),
		gomail.WithSMTPAuth(gomail.SMTPAuthPlain),
		gomail.WithUsername(user),
		gomail.WithPassword(s.Password),
		gomail.WithTimeout(15 * time.Second),
	}, opts...)
	c, err := gomail.NewClient(host, all...)
	if err != nil {
		t.Fatalf("e2e: go-mail client: %v", err)
	}
	return c
}

// DialIMAP logs user in over IMAP with STARTTLS. The connection is logged out
// when the test ends.
func (s *Servers) DialIMAP(t testing.TB, user string) *imapclient.Client {
	t.Helper()
	c, err := s.dialIMAP(user)
	if err != nil {
		t.Fatalf("e2e: %v", err)
	}
	t.Cleanup(func() { closeIMAP(c) })
	return c
}

func (s *Servers) dialIMAP(user string) (*imapclient.Client, error) {
	c, err := imapclient.DialStartTLS(s.IMAP, &imapclient.Options{TLSConfig: s.TLSConfig()})
	if err != nil {
		return nil, fmt.Errorf("IMAP dial %s: %w", s.IMAP, err)
	}
	if err := c.Login(user, s.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("IMAP login %s: %w", user, err)
	}
	return c, nil
}

func closeIMAP(c *imapclient.Client) {
	done := make(chan struct{})
	go func() {
		_ = c.Logout().Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	_ = c.Close()
}

// Deliver injects raw as a message from the envelope sender from (may be
// empty for the null sender <>) to to, through Postfix's plain inbound port,
// as another mail server would. It returns once Postfix has queued it.
func (s *Servers) Deliver(t testing.TB, from, to string, raw []byte) {
	t.Helper()
	if err := s.deliver(from, to, raw); err != nil {
		t.Fatalf("e2e: deliver from <%s> to <%s>: %v", from, to, err)
	}
}

func (s *Servers) deliver(from, to string, raw []byte) error {
	conn, err := net.DialTimeout("tcp", s.SMTP, 10*time.Second)
	if err != nil {
		return err
	}
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	host, _, _ := net.SplitHostPort(s.SMTP)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello("outside.test"); err != nil {
		return err
	}
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

var fetchFull = &imap.FetchItemBodySection{Peek: true}

// WaitForMessage polls user's mailbox over IMAP until a message for which
// match returns true is there, and returns its full raw bytes. Messages that
// were there before the call count too; the newest are looked at first. The
// test fails after timeout.
func (s *Servers) WaitForMessage(t testing.TB, user, mailbox string, match func(raw []byte) bool, timeout time.Duration) []byte {
	t.Helper()
	c, err := s.dialIMAP(user)
	if err != nil {
		t.Fatalf("e2e: %v", err)
	}
	defer closeIMAP(c)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("e2e: select %s of %s: %v", mailbox, user, err)
	}
	seen := map[imap.UID]bool{}
	deadline := time.Now().Add(timeout)
	for {
		if err := c.Noop().Wait(); err != nil {
			t.Fatalf("e2e: NOOP in %s of %s: %v", mailbox, user, err)
		}
		data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
		if err != nil {
			t.Fatalf("e2e: search %s of %s: %v", mailbox, user, err)
		}
		var fresh []imap.UID
		uids := data.AllUIDs()
		for i := len(uids) - 1; i >= 0; i-- {
			if !seen[uids[i]] {
				fresh = append(fresh, uids[i])
			}
		}
		for len(fresh) > 0 {
			n := min(len(fresh), 50)
			batch := fresh[:n]
			fresh = fresh[n:]
			msgs, err := fetchRaw(c, batch)
			if err != nil {
				t.Fatalf("e2e: fetch from %s of %s: %v", mailbox, user, err)
			}
			for _, uid := range batch {
				seen[uid] = true
				if raw, ok := msgs[uid]; ok && match(raw) {
					return raw
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("e2e: no matching message in %s of %s after %v (%d messages looked at)", mailbox, user, timeout, len(seen))
		}
		time.Sleep(PollInterval)
	}
}

// ListMessages returns the raw bytes of every message in user's mailbox, in
// UID order.
func (s *Servers) ListMessages(t testing.TB, user, mailbox string) [][]byte {
	t.Helper()
	c, err := s.dialIMAP(user)
	if err != nil {
		t.Fatalf("e2e: %v", err)
	}
	defer closeIMAP(c)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("e2e: select %s of %s: %v", mailbox, user, err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		t.Fatalf("e2e: search %s of %s: %v", mailbox, user, err)
	}
	uids := data.AllUIDs()
	slices.Sort(uids)
	out := make([][]byte, 0, len(uids))
	for i := 0; i < len(uids); i += 200 {
		batch := uids[i:min(i+200, len(uids))]
		msgs, err := fetchRaw(c, batch)
		if err != nil {
			t.Fatalf("e2e: fetch from %s of %s: %v", mailbox, user, err)
		}
		for _, uid := range batch {
			if raw, ok := msgs[uid]; ok {
				out = append(out, raw)
			}
		}
	}
	return out
}

func fetchRaw(c *imapclient.Client, uids []imap.UID) (map[imap.UID][]byte, error) {
	bufs, err := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{fetchFull},
	}).Collect()
	if err != nil {
		return nil, err
	}
	out := make(map[imap.UID][]byte, len(bufs))
	for _, b := range bufs {
		out[b.UID] = b.FindBodySection(fetchFull)
	}
	return out, nil
}

var uniqueCounter atomic.Uint32

// UniqueSuffix returns a short lowercase alphanumeric string that differs
// between calls and between runs, for addresses (therapist+SUFFIX@...),
// subjects and Message-IDs.
func UniqueSuffix() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return strconv.FormatInt(time.Now().UnixMilli(), 36) + strconv.FormatUint(uint64(uniqueCounter.Add(1)), 36) + hex.EncodeToString(b[:])
}

// Message builds a minimal RFC 5322 text/plain message. messageID is without
// angle brackets; extra holds further header lines such as
// "In-Reply-To: <id@rapport.test>".
func Message(from, to, subject, messageID, body string, extra ...string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", from)
	fmt.Fprintf(&b, "To: %s\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", subject)
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s>\r\n", messageID)
	for _, h := range extra {
		b.WriteString(strings.TrimRight(h, "\r\n"))
		b.WriteString("\r\n")
	}
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

// Contains returns a match function for WaitForMessage that is true when the
// raw message contains s.
func Contains(s string) func([]byte) bool {
	return func(raw []byte) bool { return bytes.Contains(raw, []byte(s)) }
}

// HeaderContains returns a match function for WaitForMessage that is true
// when the message's top-level header name contains substr.
func HeaderContains(name, substr string) func([]byte) bool {
	return func(raw []byte) bool {
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			return false
		}
		for _, v := range m.Header[textproto.CanonicalMIMEHeaderKey(name)] {
			if strings.Contains(v, substr) {
				return true
			}
		}
		return false
	}
}
