package dispatch

// The crash test: a sender process is killed with SIGKILL at random
// moments, many times, and restarted; the mail server must never receive a
// Message-ID twice and every contact must end with exactly one journal row,
// sent.
//
//	go test -race -count=5 -run 'TestCrashMidBatchNeverSendsTwice' ./internal/dispatch/
//
// RAPPORT_CRASH_SEED=<n> replays the kill schedule of a logged seed (the
// timing of the child processes themselves cannot be replayed).

import (
	"bufio"
	"context"
	"crypto/x509"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/imapconn"
	"rapport/internal/localmail"
	"rapport/internal/mailer"
	"rapport/internal/render"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

const (
	crashHelperEnv = "RAPPORT_CRASH_HELPER"
	crashContacts  = 40
	crashRounds    = 40
	crashPassword  = "app-password"
	// crashCampaign has one step, is always in its window and has no
	// pacing limits, so a child sends as fast as it can.
	crashCampaign = `name = "crash"
schedule = "0 9 * * *"

[audience]
kinds = ["physician"]

[[steps]]
id = "intro"
template = "intro-physician"
`
)

// crashEnv is what the parent tells each child, as RAPPORT_CRASH_* variables.
type crashEnv struct {
	DB, SMTP, IMAP, CA, Campaign, Templates, Outbox string
}

func (e crashEnv) environ() []string {
	return append(os.Environ(), crashHelperEnv+"=1",
		"RAPPORT_CRASH_DB="+e.DB, "RAPPORT_CRASH_SMTP="+e.SMTP, "RAPPORT_CRASH_IMAP="+e.IMAP,
		"RAPPORT_CRASH_CA="+e.CA, "RAPPORT_CRASH_CAMPAIGN="+e.Campaign,
		"RAPPORT_CRASH_TEMPLATES="+e.Templates, "RAPPORT_CRASH_OUTBOX="+e.Outbox)
}

// TestCrashHelperProcess is the sender the crash test kills: it is the
// test binary run again with RAPPORT_CRASH_HELPER=1. Like `rapport run`,
// it opens the store, runs Recover against the Sent folder, writes the
// rows Recover could not settle to the outbox file (what `rapport outbox
// list` would show the user), then ticks until nothing is due.
func TestCrashHelperProcess(t *testing.T) {
	if os.Getenv(crashHelperEnv) != "1" {
		t.Skip("the sender process of TestCrashMidBatchNeverSendsTwice")
	}
	if err := crashHelper(context.Background()); err != nil {
		t.Fatal("crash helper: ", err)
	}
}

func crashHelper(ctx context.Context) error {
	e := crashEnv{DB: os.Getenv("RAPPORT_CRASH_DB"), SMTP: os.Getenv("RAPPORT_CRASH_SMTP"),
		IMAP: os.Getenv("RAPPORT_CRASH_IMAP"), CA: os.Getenv("RAPPORT_CRASH_CA"),
		Campaign: os.Getenv("RAPPORT_CRASH_CAMPAIGN"), Templates: os.Getenv("RAPPORT_CRASH_TEMPLATES"),
		Outbox: os.Getenv("RAPPORT_CRASH_OUTBOX")}
	pem, err := os.ReadFile(e.CA)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return errors.New("no certificate in " + e.CA)
	}
	st, err := store.Open(ctx, e.DB, nil)
	if err != nil {
		return err
	}
	defer st.Close()
	host, port, err := splitHostPort(e.SMTP)
	if err != nil {
		return err
	}
	mc, err := mailer.New(mailer.Options{Host: host, Port: port, Security: mailer.STARTTLS, Username: therapist,
		Password: crashPassword, RootCAs: pool, Timeout: 5 * time.Second})
	if err != nil {
		return err
	}
	defer mc.Close()
	ihost, iport, err := splitHostPort(e.IMAP)
	if err != nil {
		return err
	}
	sent, err := mailer.OpenSentFolder(ctx, imapconn.Options{Host: ihost, Port: iport, Security: imapconn.STARTTLS,
		Username: therapist, Password: crashPassword, RootCAs: pool, Timeout: 5 * time.Second}, "")
	if err != nil {
		return err
	}
	defer sent.Close()
	camp, err := campaign.Load(e.Campaign, campaign.Env{Location: time.UTC, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		return err
	}
	win, err := schedule.ParseWindow("Mon-Sun 00:00-24:00")
	if err != nil {
		return err
	}
	d := New(Options{Store: st, Templates: e.Templates, Mailer: mc, SentCopy: sent,
		Sender: render.Sender{Name: "Anna Lee, LMFT", Email: therapist, Practice: "Lee Family Therapy",
			BookingURL: "https://booking.test/anna", Signature: "Warmly,\nAnna"},
		Window: win, Location: time.UTC, Owner: fmt.Sprintf("%d:crash-child", os.Getpid())})
	if err := st.SetCampaignState(ctx, camp.Name, store.CampaignActive); err != nil {
		return err
	}
	found, waiting, err := d.Recover(ctx, sent)
	if err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	if err := writeOutbox(ctx, st, e.Outbox); err != nil {
		return err
	}
	fmt.Printf("recovered %d, %d wait for a decision\n", found, waiting)
	total := 0
	for range 10 {
		rep, err := d.Tick(ctx, []*campaign.Campaign{camp}, TickOptions{})
		if err != nil {
			return fmt.Errorf("tick: %w", err)
		}
		total += rep.Sent
		if rep.Stopped != "" {
			return fmt.Errorf("tick stopped: %s", rep.Stopped)
		}
		if rep.Due == 0 {
			fmt.Printf("done: sent %d\n", total)
			return nil
		}
	}
	return errors.New("still due after 10 ticks")
}

// writeOutbox writes the IDs of the uncertain rows, one a line, to path
// (atomically: the parent must never read half a list).
func writeOutbox(ctx context.Context, st *store.Store, path string) error {
	rows, err := st.Sends(ctx, store.SendFilter{States: []contact.SendState{contact.SendSending, contact.SendUnknown}})
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintln(&b, r.ID)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func splitHostPort(addr string) (string, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	p, err := strconv.Atoi(port)
	return host, p, err
}

// TestCrashMidBatchNeverSendsTwice runs the sender as a child process,
// kills it with SIGKILL at a random moment (a random delay after it
// starts, or right after the server accepted its k-th message of the
// round), restarts it, and between rounds decides the rows that Recover
// left in the outbox as a careful user would: sent if the server did get
// the Message-ID, resend otherwise. At the end one child runs to
// completion and the server must have every contact's note exactly once.
func TestCrashMidBatchNeverSendsTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a sender process many times")
	}
	if os.Getenv(crashHelperEnv) == "1" {
		t.Skip("inside the helper")
	}
	start := time.Now()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RAPPORT_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("RAPPORT_CRASH_SEED: %v", err)
		}
	}
	t.Logf("seed %d (RAPPORT_CRASH_SEED=%d replays the kill schedule)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	dir := t.TempDir()

	srv, err := localmail.Start(localmail.Options{TLS: true, RequireAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.AddUser(therapist, crashPassword)
	rel := startRelay(t, srv.SMTPAddr())

	tpl, err := filepath.Abs("../../templates")
	if err != nil {
		t.Fatal(err)
	}
	env := crashEnv{DB: filepath.Join(dir, "rapport.db"), SMTP: rel.addr(), IMAP: srv.IMAPAddr(),
		CA: filepath.Join(dir, "ca.pem"), Campaign: filepath.Join(dir, "crash.toml"), Templates: tpl,
		Outbox: filepath.Join(dir, "outbox")}
	if err := os.WriteFile(env.CA, srv.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(env.Campaign, []byte(crashCampaign), 0o600); err != nil {
		t.Fatal(err)
	}
	seedContacts(t, env.DB, crashContacts)

	// firstMsg estimates how long a child takes from its start to its
	// first message (it grows under -race): kills "after a delay" land
	// anywhere from the exec to a little past it, so they hit the opening
	// of the store, Recover and the first claims.
	firstMsg := 100 * time.Millisecond
	kills, finished := 0, 0
	for round := range crashRounds {
		before := len(srv.Received())
		c := startChild(t, env)
		p := killPlan{before: before}
		if rng.IntN(3) == 0 {
			p.delay = time.Duration(rng.Int64N(int64(firstMsg + 10*time.Millisecond)))
		} else {
			// Right after the server took message k, or a little later: a
			// message costs a few ms, so the jitter walks the kill across
			// the outcome's commit, the next claim, the SMTP dialogue and
			// the copy to Sent.
			p.messages = 1 + rng.IntN(3)/2 // 1 twice as often as 2
			if rng.IntN(3) > 0 {
				p.jitter = time.Duration(rng.IntN(4000)) * time.Microsecond
			}
		}
		first := c.watch(srv, p)
		out, exited := c.wait(t)
		if exited {
			finished++
		} else {
			kills++
		}
		if at := first.Load(); at > 0 {
			firstMsg = time.Duration(at)
		}
		rel.quiesce(t)
		res := resolveOutbox(t, env, srv)
		t.Logf("round %2d: kill %s: exited=%v, server got %d new, user resolved %s; child said: %s",
			round, p, exited, len(srv.Received())-before, res, oneLine(out))
	}
	// Let the sender finish: the first run may leave rows for the user,
	// the next one sends those the user decided to resend.
	for i := 0; ; i++ {
		if i == 4 {
			t.Fatal("the sender did not finish in 4 uninterrupted runs")
		}
		c := startChild(t, env)
		out, exited := c.waitFor(t, 30*time.Second)
		if !exited {
			t.Fatalf("the final run did not finish: %s", out)
		}
		rel.quiesce(t)
		res := resolveOutbox(t, env, srv)
		t.Logf("final run %d: user resolved %s; child said: %s", i, res, oneLine(out))
		if res.resend == 0 && strings.Contains(out, "done:") && allSent(t, env.DB) {
			break
		}
	}
	checkCrashOutcome(t, env.DB, srv)
	t.Logf("%d rounds (%d killed, %d finished by themselves) in %s, seed %d",
		crashRounds, kills, finished, time.Since(start).Round(time.Millisecond), seed)
}

// seedContacts creates the store with n physicians.
func seedContacts(t *testing.T, path string, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	im, err := st.BeginImport(ctx, store.ImportMeta{File: "contacts.xlsx"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if _, err := im.Add(contact.Contact{Email: fmt.Sprintf("office%02d@clinic%d.test", i, i%7), Kind: "physician",
			FirstName: fmt.Sprintf("Sam%d", i), LastName: "Lee", Title: "Dr.", Organization: fmt.Sprintf("Elm Pediatrics %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(n, nil); err != nil {
		t.Fatal(err)
	}
}

// child is one run of the sender.
type child struct {
	cmd  *exec.Cmd
	out  *strings.Builder
	done chan error
	// exited is set when the process ended by itself, before any kill.
	exited atomic.Bool
	killed atomic.Bool
}

func startChild(t *testing.T, env crashEnv) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelperProcess$", "-test.count=1")
	cmd.Env = env.environ()
	c := &child{cmd: cmd, out: &strings.Builder{}, done: make(chan error, 1)}
	var mu sync.Mutex
	w := &lockedWriter{mu: &mu, b: c.out}
	cmd.Stdout, cmd.Stderr = w, w
	os.Remove(env.Outbox)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.done <- cmd.Wait() }()
	return c
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// kill sends SIGKILL unless the child already ended.
func (c *child) kill() {
	if c.killed.CompareAndSwap(false, true) {
		c.cmd.Process.Kill()
	}
}

// killPlan says when to kill a child: delay after its start, or jitter
// after the server holds before+messages messages.
type killPlan struct {
	before, messages int
	delay, jitter    time.Duration
}

func (p killPlan) String() string {
	if p.messages == 0 {
		return fmt.Sprintf("after %s", p.delay.Round(time.Microsecond))
	}
	return fmt.Sprintf("after message %d (+%s)", p.messages, p.jitter)
}

// watch kills the child as planned (unless it ends first) and returns
// how long after the start the server got the child's first message (0
// until it does).
func (c *child) watch(srv *localmail.Server, p killPlan) *atomic.Int64 {
	first := &atomic.Int64{}
	start := time.Now()
	go func() {
		deadline := start.Add(20 * time.Second)
		for !c.killed.Load() {
			n := len(srv.Received())
			if n > p.before && first.Load() == 0 {
				first.Store(int64(time.Since(start)))
			}
			switch {
			case p.messages > 0 && n >= p.before+p.messages:
				time.Sleep(p.jitter)
				c.kill()
			case p.messages == 0 && time.Since(start) >= p.delay, time.Now().After(deadline):
				c.kill()
			}
			time.Sleep(50 * time.Microsecond)
		}
	}()
	return first
}

func oneLine(s string) string {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "PASS"))
	return strings.ReplaceAll(s, "\n", "; ")
}

// wait waits for the child to end (killed or not) and says whether it
// ended by itself, successfully.
func (c *child) wait(t *testing.T) (string, bool) {
	t.Helper()
	return c.waitFor(t, 30*time.Second)
}

func (c *child) waitFor(t *testing.T, limit time.Duration) (string, bool) {
	t.Helper()
	var err error
	select {
	case err = <-c.done:
	case <-time.After(limit):
		c.kill()
		<-c.done
		t.Fatalf("the sender hung for %s: %s", limit, c.output())
	}
	// killed wins the race with a child that was ending anyway: it did
	// exit, so its exit status says which happened.
	c.killed.Store(true)
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != -1 {
			t.Fatalf("the sender failed (%v): %s", err, c.output())
		}
		return c.output(), false
	}
	return c.output(), true
}

func (c *child) output() string { return c.cmd.Stdout.(*lockedWriter).String() }

type resolved struct{ sent, resend int }

func (r resolved) String() string { return fmt.Sprintf("%d sent, %d resend", r.sent, r.resend) }

// resolveOutbox is the user at `rapport outbox resolve`: for each row the
// last child's Recover could not settle, the server's record says whether
// it went out. Rows that became uncertain later in the round are left for
// the next child's Recover, which finds most of them in Sent.
func resolveOutbox(t *testing.T, env crashEnv, srv *localmail.Server) resolved {
	t.Helper()
	var r resolved
	f, err := os.Open(env.Outbox)
	if errors.Is(err, os.ErrNotExist) {
		return r // killed before Recover was done
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got := map[string]bool{}
	for _, e := range srv.Received() {
		got[e.MessageID] = true
	}
	ctx := context.Background()
	st, err := store.Open(ctx, env.DB, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		id, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			t.Fatalf("outbox line %q", sc.Text())
		}
		sd, err := st.Send(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !sd.State.Uncertain() {
			t.Errorf("send %d (%s) was left for the user but is %s now: only the user settles it", id, sd.MessageID, sd.State)
			continue
		}
		d := store.DecideResend
		if got[sd.MessageID] {
			d = store.DecideSent
			r.sent++
		} else {
			r.resend++
		}
		if err := st.Resolve(ctx, id, d, ""); err != nil {
			t.Fatalf("resolve %d %s: %v", id, d, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return r
}

// allSent reports whether every contact has its note recorded as sent.
func allSent(t *testing.T, path string) bool {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, err := st.Sends(ctx, store.SendFilter{Campaign: "crash", States: []contact.SendState{contact.SendSent}})
	if err != nil {
		t.Fatal(err)
	}
	return len(rows) == crashContacts
}

func checkCrashOutcome(t *testing.T, path string, srv *localmail.Server) {
	t.Helper()
	ctx := context.Background()
	ids, rcpts := map[string]int{}, map[string]int{}
	for _, e := range srv.Received() {
		ids[e.MessageID]++
		for _, to := range e.To {
			rcpts[strings.ToLower(to)]++
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("the server received Message-ID %s %d times", id, n)
		}
	}
	for to, n := range rcpts {
		if n > 1 {
			t.Errorf("%s received %d notes", to, n)
		}
	}
	st, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	contacts, err := st.Contacts(ctx, store.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.Sends(ctx, store.SendFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byContact := map[int64][]*contact.Send{}
	for _, r := range rows {
		byContact[r.ContactID] = append(byContact[r.ContactID], r)
	}
	if len(contacts) != crashContacts {
		t.Fatalf("%d contacts in the store, want %d", len(contacts), crashContacts)
	}
	for _, c := range contacts {
		rs := byContact[c.ID]
		switch {
		case len(rs) != 1:
			t.Errorf("%s has %d journal rows, want 1", c.Email, len(rs))
		case rs[0].Step != "intro" || rs[0].State != contact.SendSent:
			t.Errorf("%s: journal row %s/%s is %s (%s)", c.Email, rs[0].Campaign, rs[0].Step, rs[0].State, rs[0].LastError)
		case ids[rs[0].MessageID] != 1:
			t.Errorf("%s: journal says %s was sent, the server received it %d times", c.Email, rs[0].MessageID, ids[rs[0].MessageID])
		case rcpts[strings.ToLower(c.Email)] != 1:
			t.Errorf("%s received %d notes", c.Email, rcpts[strings.ToLower(c.Email)])
		}
		if c.Stage != contact.StageContacted {
			t.Errorf("%s is in stage %s, want contacted", c.Email, c.Stage)
		}
	}
	if len(ids) != crashContacts {
		t.Errorf("the server received %d distinct Message-IDs, want %d", len(ids), crashContacts)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity_check = %q, %v", ok, err)
	}
}

// relay is a TCP relay between the children and the SMTP server. It
// changes nothing in the dialogue (STARTTLS is end to end); it is there
// so the test knows when the server has finished with a killed child's
// session: only then is the server's record of what it accepted final,
// and only then may the "user" decide on it.
type relay struct {
	ln     net.Listener
	target string
	active sync.WaitGroup
	open   atomic.Int64
}

func startRelay(t testing.TB, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln, target: target}
	t.Cleanup(func() { ln.Close(); r.active.Wait() })
	go r.serve()
	return r
}

func (r *relay) addr() string { return r.ln.Addr().String() }

func (r *relay) serve() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		up, err := net.Dial("tcp", r.target)
		if err != nil {
			c.Close()
			continue
		}
		r.open.Add(1)
		r.active.Add(1)
		go r.pipe(c.(*net.TCPConn), up.(*net.TCPConn))
	}
}

// pipe copies both ways. When the client is gone, the server is told by
// a half-close and the pipe waits for the server to close its end, which
// go-smtp does only after the session, its DATA handler included, ended.
func (r *relay) pipe(c, up *net.TCPConn) {
	defer r.active.Done()
	defer r.open.Add(-1)
	defer c.Close()
	defer up.Close()
	go func() {
		io.Copy(up, c)
		up.CloseWrite()
	}()
	io.Copy(c, up)
	c.Close()               // a dead client: stop the other direction
	io.Copy(io.Discard, up) // until the server hangs up
}

// quiesce waits until the server has closed every relayed session.
func (r *relay) quiesce(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for r.open.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d SMTP sessions still open 10 s after the sender died", r.open.Load())
		}
		time.Sleep(time.Millisecond)
	}
}
