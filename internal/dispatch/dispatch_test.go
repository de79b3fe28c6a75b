package dispatch

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/imapconn"
	"rapport/internal/localmail"
	"rapport/internal/mailer"
	"rapport/internal/render"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

const therapist = "anna@leefamilytherapy.test"

// clock is a test clock that Sleep moves forward.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
func (c *clock) Sleep(ctx context.Context, d time.Duration) error { c.Add(d); return ctx.Err() }

type world struct {
	t    *testing.T
	st   *store.Store
	srv  *localmail.Server
	clk  *clock
	camp *campaign.Campaign
	mc   *mailer.Client
	d    *Dispatcher
	sent *mailer.SentFolder
}

// newWorld is a store with physicians' offices, the sample templates, a
// mail server with the therapist's mailbox, and a dispatcher on a clock set
// to a Monday morning.
func newWorld(t *testing.T, emails ...string) *world {
	t.Helper()
	ctx := context.Background()
	ny, _ := time.LoadLocation("America/New_York")
	w := &world{t: t, clk: &clock{t: time.Date(2026, 11, 23, 10, 0, 0, 0, ny)}}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "r.db"), &store.Options{Now: w.clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w.st = st
	im, _ := st.BeginImport(ctx, store.ImportMeta{File: "contacts.xlsx"})
	for i, e := range emails {
		im.Add(contact.Contact{Email: e, Kind: "physician", FirstName: fmt.Sprintf("Sam%d", i), LastName: "Lee",
			Title: "Dr.", Organization: fmt.Sprintf("Elm Pediatrics %d", i), Source: contact.Source{File: "contacts.xlsx", Row: i + 2}})
	}
	im.Commit(len(emails), nil)
	w.srv, err = localmail.Start(localmail.Options{TLS: true, RequireAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.srv.Close() })
	w.srv.AddUser(therapist, "app-password")
	w.camp, err = campaign.Load("testdata/campaigns/intro.toml", campaign.Env{Location: ny,
		Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		t.Fatal(err)
	}
	w.connect()
	if err := st.SetCampaignState(ctx, w.camp.Name, store.CampaignActive); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) hostPort(addr string) (string, int) {
	host, port, _ := strings.Cut(addr, ":")
	var p int
	fmt.Sscan(port, &p)
	return host, p
}

func (w *world) connect() {
	host, port := w.hostPort(w.srv.SMTPAddr())
	mc, err := mailer.New(mailer.Options{Host: host, Port: port, Security: "starttls", Username: therapist,
		Password: "app-password", RootCAs: w.srv.RootCAs(), Timeout: 2 * time.Second})
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { mc.Close() })
	w.mc = mc
	ih, ip := w.hostPort(w.srv.IMAPAddr())
	w.sent, err = mailer.OpenSentFolder(context.Background(), imapconn.Options{Host: ih, Port: ip, Security: "starttls",
		Username: therapist, Password: "app-password", RootCAs: w.srv.RootCAs(), Timeout: 5 * time.Second}, "")
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { w.sent.Close() })
	win, _ := schedule.ParseWindow("Mon-Fri 09:00-17:00")
	w.d = New(Options{Store: w.st, Templates: "../../templates", Mailer: mc, SentCopy: w.sent,
		Sender: render.Sender{Name: "Anna Lee, LMFT", Email: therapist, Practice: "Lee Family Therapy",
			BookingURL: "https://booking.test/anna", Signature: "Warmly,\nAnna"},
		Window: win, Location: w.clk.Now().Location(), Now: w.clk.Now, Sleep: w.clk.Sleep,
		Limits: mailer.Limits{PerHour: 20, PerDay: 100, MinGap: 45 * time.Second, Jitter: 30 * time.Second}})
}

func (w *world) tick() *Report {
	w.t.Helper()
	rep, err := w.d.Tick(context.Background(), []*campaign.Campaign{w.camp}, TickOptions{})
	if err != nil {
		w.t.Fatalf("tick: %v", err)
	}
	return rep
}

func (w *world) send(email, step string) *contact.Send {
	w.t.Helper()
	c, err := w.st.ContactByEmail(context.Background(), email)
	if err != nil {
		w.t.Fatal(err)
	}
	rows, _ := w.st.Sends(context.Background(), store.SendFilter{ContactID: c.ID})
	for _, r := range rows {
		if r.Step == step {
			return r
		}
	}
	return nil
}

func (w *world) stage(email string) contact.Stage {
	c, _ := w.st.ContactByEmail(context.Background(), email)
	return c.Stage
}

func TestCampaignGoesOutOnceAtAHumanePace(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test", "c@clinic.test")
	start := w.clk.Now()
	rep := w.tick()
	if rep.Sent != 3 || rep.Due != 3 {
		t.Fatalf("first tick: %+v", rep)
	}
	got := w.srv.Received()
	if len(got) != 3 {
		t.Fatalf("server received %d messages", len(got))
	}
	ids := map[string]bool{}
	for _, e := range got {
		if len(e.To) != 1 || ids[e.MessageID] || !strings.HasSuffix(e.MessageID, "@leefamilytherapy.test") {
			t.Errorf("message %s to %v", e.MessageID, e.To)
		}
		ids[e.MessageID] = true
	}
	if gap := w.clk.Now().Sub(start); gap < 90*time.Second {
		t.Errorf("three notes in %s: min_gap was not kept", gap)
	}
	if w.stage("a@clinic.test") != contact.StageContacted {
		t.Error("a sent note moves the contact to contacted")
	}
	if copies := w.srv.Messages(therapist, "Sent"); len(copies) != 3 {
		t.Errorf("%d copies in Sent, want 3", len(copies))
	}
	if again := w.tick(); again.Sent != 0 || len(w.srv.Received()) != 3 {
		t.Errorf("a second tick sent again: %+v", again)
	}
}

func TestFollowUpIsThreadedAndStopsForRepliers(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	w.tick()
	ctx := context.Background()
	b, _ := w.st.ContactByEmail(ctx, "b@clinic.test")
	w.st.MoveStage(ctx, b.ID, store.Move{To: contact.StageReplied, Auto: true, Reason: "reply"})
	w.st.AddEvent(ctx, contact.Event{ContactID: b.ID, Type: contact.EventReply, Detail: "reply"})
	w.clk.Add(15 * 24 * time.Hour) // past 10 business days
	w.clk.t = time.Date(w.clk.t.Year(), w.clk.t.Month(), w.clk.t.Day(), 9, 30, 0, 0, w.clk.t.Location())
	for w.clk.Now().Weekday() == time.Saturday || w.clk.Now().Weekday() == time.Sunday {
		w.clk.Add(24 * time.Hour)
	}
	rep := w.tick()
	if rep.Sent != 1 {
		t.Fatalf("follow-up tick: %+v", rep)
	}
	intro, fu := w.send("a@clinic.test", "intro"), w.send("a@clinic.test", "follow-up")
	raw := w.srv.Received()[2].Data
	r, err := mail.CreateReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := r.Header.Subject()
	irt, _ := r.Header.MsgIDList("In-Reply-To")
	if !strings.HasPrefix(subj, "Re: ") || len(irt) != 1 || irt[0] != intro.MessageID || fu == nil {
		t.Errorf("follow-up subject %q in-reply-to %v (intro %s)", subj, irt, intro.MessageID)
	}
	if w.send("b@clinic.test", "follow-up") != nil {
		t.Error("a follow-up went to someone who had answered")
	}
}

func TestServerAnswers(t *testing.T) {
	w := newWorld(t, "grey@clinic.test", "gone@clinic.test", "ok@clinic.test")
	w.srv.SetFault("grey@clinic.test", localmail.Fault{At: "rcpt", Code: 451, Enhanced: [3]int{4, 7, 1}, Message: "greylisted", Times: 1})
	w.srv.SetFault("gone@clinic.test", localmail.Fault{At: "rcpt", Code: 550, Enhanced: [3]int{5, 1, 1}, Message: "no such user"})
	rep := w.tick()
	if rep.Sent != 1 || rep.Deferred != 1 || rep.Failed != 1 {
		t.Fatalf("tick: %+v", rep)
	}
	if w.stage("gone@clinic.test") != contact.StageBounced {
		t.Error("550 5.1.1 must bounce the contact")
	}
	grey := w.send("grey@clinic.test", "intro")
	if grey.State != contact.SendDeferred || !grey.NextAttempt.After(w.clk.Now()) {
		t.Errorf("greylisted: %+v", grey)
	}
	w.clk.Add(20 * time.Minute)
	if rep := w.tick(); rep.Sent != 1 {
		t.Errorf("retry: %+v", rep)
	}
	if again := w.send("grey@clinic.test", "intro"); again.State != contact.SendSent || again.MessageID != grey.MessageID {
		t.Errorf("the retry: %+v", again)
	}
}

func TestRefusedLoginPausesEverythingAndChangesNoContact(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	w.srv.SetFault("*", localmail.Fault{At: "auth", Code: 535, Enhanced: [3]int{5, 7, 8}, Message: "bad credentials"})
	_, err := w.d.Tick(context.Background(), []*campaign.Campaign{w.camp}, TickOptions{})
	if !errors.Is(err, ErrPaused) {
		t.Fatalf("tick = %v", err)
	}
	if w.stage("a@clinic.test") != contact.StageNew || len(w.srv.Received()) != 0 {
		t.Error("a refused login changed a contact or sent something")
	}
	if sd := w.send("a@clinic.test", "intro"); sd == nil || sd.State != contact.SendPlanned {
		t.Errorf("the claimed row: %+v", sd)
	}
	w.srv.ClearFaults()
	if _, err := w.d.Tick(context.Background(), []*campaign.Campaign{w.camp}, TickOptions{}); !errors.Is(err, ErrPaused) {
		t.Errorf("sending must stay paused until the user acts: %v", err)
	}
	w.st.ResumeSending(context.Background())
	if rep := w.tick(); rep.Sent != 2 {
		t.Errorf("after resuming: %+v", rep)
	}
}

func TestLostConnectionAfterTheDotIsNeverResentBlindly(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	w.srv.SetFault("a@clinic.test", localmail.Fault{At: "data", DropAfterDot: true, Times: 1})
	rep := w.tick()
	if rep.Unknown != 1 || rep.Sent != 0 || rep.Left != 1 || !strings.Contains(rep.Stopped, "connection broke") {
		t.Fatalf("after the first uncertain note the tick must stop: %+v", rep)
	}
	w.clk.Add(time.Hour)
	if rep := w.tick(); rep.Sent != 1 {
		t.Fatalf("the next tick sends the others: %+v", rep)
	}
	n := 0
	for _, e := range w.srv.Received() {
		if e.To[0] == "a@clinic.test" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("a@clinic.test received %d copies", n)
	}
	sd := w.send("a@clinic.test", "intro")
	if sd.State != contact.SendUnknown {
		t.Fatalf("state %s", sd.State)
	}
	// It is not in Sent (no copy for unknown sends): recovery leaves it
	// for the user; once a copy is there, recovery settles it.
	found, waiting, err := w.d.Recover(context.Background(), w.sent)
	if err != nil || found != 0 || waiting != 1 {
		t.Errorf("recover: %d %d %v", found, waiting, err)
	}
	w.sent.Append(context.Background(), w.srv.Received()[0].Data, w.clk.Now())
	found, waiting, _ = w.d.Recover(context.Background(), w.sent)
	if found != 1 || waiting != 0 || w.send("a@clinic.test", "intro").State != contact.SendSent {
		t.Errorf("recover with the copy in Sent: %d %d", found, waiting)
	}
}

func TestAReplyThatArrivesMidBatchStopsTheNote(t *testing.T) {
	w := newWorld(t, "a@clinic.test", "b@clinic.test")
	ctx := context.Background()
	b, _ := w.st.ContactByEmail(ctx, "b@clinic.test")
	first := true
	rep, err := w.d.Tick(ctx, []*campaign.Campaign{w.camp}, TickOptions{Progress: func(p Progress) {
		if first && p.Result != nil {
			first = false
			w.st.MoveStage(ctx, b.ID, store.Move{To: contact.StageOptedOut, Auto: true, Reason: "please remove me"})
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Sent != 1 || rep.Skipped != 1 {
		t.Errorf("tick: %+v", rep)
	}
	for _, e := range w.srv.Received() {
		if e.To[0] == "b@clinic.test" {
			t.Error("a note went to someone who opted out a second before")
		}
	}
}

func TestWindowClosedSendsNothing(t *testing.T) {
	w := newWorld(t, "a@clinic.test")
	w.clk.Add(8 * time.Hour) // 18:00
	rep := w.tick()
	if rep.Sent != 0 || len(w.srv.Received()) != 0 {
		t.Errorf("outside the window: %+v", rep)
	}
}
