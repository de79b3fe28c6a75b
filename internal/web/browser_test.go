package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// The dashboard in a real browser: headless Chromium from Debian's
// package, as the user's own browser would show it. RAPPORT_BROWSER=1
// runs it (CI does); screenshots go to the test's artifact directory
// (go test -artifacts keeps them).
func TestDashboardInABrowser(t *testing.T) {
	if os.Getenv("RAPPORT_BROWSER") == "" {
		t.Skip("RAPPORT_BROWSER=1 runs the dashboard in headless Chromium")
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("RAPPORT_BROWSER is set but there is no chromium: apt-get install chromium")
	}
	p := newPractice(t, nil)
	p.add(40)
	p.history(3)
	uncertain := p.uncertainNote("office00003@clinic3.example")
	p.sentNote("office00004@clinic4.example") // replied, and the most recent there

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	// Visits go through the same use case as `rapport contacts log`.
	srv := New(p.app, &Options{Listen: "127.0.0.1:0", Key: testKey, Extras: Extras{
		LogVisit: func(ctx context.Context, id int64, at time.Time, text string) error {
			_, err := p.app.LogInteraction(ctx, fmt.Sprint(id), at, text)
			return err
		}}})
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()

	b := newBrowser(t, ctx, chromium)
	shots := t.ArtifactDir()

	t.Run("the link that rapport prints signs the browser in and shows the board", func(t *testing.T) {
		must(t, do(b, chromedp.Navigate(srv.URL()), chromedp.WaitVisible(chromedp.CSS("#board"))))
		loc := run(t, b, chromedp.Location())
		if strings.Contains(loc, "key=") {
			t.Errorf("the key stays in the address bar: %s", loc)
		}
		if h := run(t, b, chromedp.Text(chromedp.CSS("h1"))); h != "Your referral sources" {
			t.Errorf("the board's heading is %q", h)
		}
		save(t, shots, "board.png", run(t, b, chromedp.FullScreenshot(100)))
	})

	var moved string
	t.Run("a card dragged to meeting moves the contact", func(t *testing.T) {
		card := `section[data-stage="replied"] .card`
		moved = run(t, b, chromedp.AttributeValue(chromedp.CSS(card), "data-name")).Value
		must(t, do(b, chromedp.DragAndDrop(chromedp.CSS(card), chromedp.CSS(`section[data-stage="meeting"] h2`)),
			chromedp.WaitVisible(chromedp.CSS(".flash"))))
		flash := run(t, b, chromedp.Text(chromedp.CSS(".flash")))
		if want := moved + ": Replied → Meeting."; flash != want {
			t.Errorf("after the drag the page says %q, want %q", flash, want)
		}
		first := run(t, b, chromedp.Text(chromedp.CSS(`section[data-stage="meeting"] .card a.name`)))
		if first != moved {
			t.Errorf("the meeting column begins with %q, not %q", first, moved)
		}
	})

	t.Run("the contact's page tells the move in its history", func(t *testing.T) {
		must(t, do(b, chromedp.Click(chromedp.CSS(`section[data-stage="meeting"] .card a.name`)),
			chromedp.WaitVisible(chromedp.CSS("#h-history"))))
		if h := run(t, b, chromedp.Text(chromedp.CSS("h1"))); h != moved {
			t.Errorf("the contact page is %q's, not %q's", h, moved)
		}
		latest := run(t, b, chromedp.Text(chromedp.CSS(".timeline li")))
		if !strings.Contains(latest, "Stage") || !strings.Contains(latest, "Replied → Meeting") || strings.Contains(latest, "by rapport") {
			t.Errorf("the newest history line is %q", latest)
		}
	})

	t.Run("today's cookie visit is logged from the contact's page", func(t *testing.T) {
		must(t, do(b, chromedp.SendKeys(chromedp.CSS("#visit-text"), "Dropped off cookies for the front desk"),
			chromedp.Submit(chromedp.CSS("#visit-text")), chromedp.WaitVisible(chromedp.CSS(".flash"))))
		if flash := run(t, b, chromedp.Text(chromedp.CSS(".flash"))); flash != "Noted: Dropped off cookies for the front desk." {
			t.Errorf("after the visit the page says %q", flash)
		}
		latest := run(t, b, chromedp.Text(chromedp.CSS(".timeline li")))
		if !strings.Contains(latest, "Visit or call") || !strings.Contains(latest, "Dropped off cookies for the front desk") {
			t.Errorf("the newest history line is %q", latest)
		}
		save(t, shots, "contact.png", run(t, b, chromedp.FullScreenshot(100)))
	})

	t.Run("a sent note's text", func(t *testing.T) {
		must(t, do(b, chromedp.Click(chromedp.CSS(`.timeline a[href*="/notes/"]`)), chromedp.WaitVisible(chromedp.CSS("pre.body"))))
		if text := run(t, b, chromedp.Text(chromedp.CSS("pre.body"))); !strings.Contains(text, "Could I stop by for 10 or 15 minutes") {
			t.Errorf("the note's text is not shown:\n%s", text)
		}
		save(t, shots, "note.png", run(t, b, chromedp.FullScreenshot(100)))
	})

	t.Run("an uncertain note is recorded as sent from the outbox", func(t *testing.T) {
		button := fmt.Sprintf(`form[action="/outbox/%d"] button`, uncertain)
		must(t, do(b, chromedp.Navigate(strings.Split(srv.URL(), "?")[0]+"outbox"), chromedp.WaitVisible(chromedp.CSS(button))))
		save(t, shots, "outbox.png", run(t, b, chromedp.FullScreenshot(100)))
		must(t, do(b, chromedp.Click(chromedp.CSS(button)), chromedp.WaitVisible(chromedp.CSS(".flash"))))
		if flash := run(t, b, chromedp.Text(chromedp.CSS(".flash"))); !strings.Contains(flash, "recorded as sent") {
			t.Errorf("after the decision the page says %q", flash)
		}
		sd, err := p.st.Send(context.Background(), uncertain)
		if err != nil || sd.State != contact.SendSent {
			t.Errorf("the note is %v (%v), want sent", sd.State, err)
		}
	})

	t.Run("campaigns, the plan and the report", func(t *testing.T) {
		base := strings.Split(srv.URL(), "?")[0]
		for _, pg := range []struct{ path, wait, shot string }{
			{"campaigns", ".campaign", "campaigns.png"}, {"campaigns/intro-physicians", "table.plan", "campaign.png"}, {"report", "svg", "report.png"},
		} {
			must(t, do(b, chromedp.Navigate(base+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.wait))))
			save(t, shots, pg.shot, run(t, b, chromedp.FullScreenshot(100)))
		}
	})

	t.Run("on a phone", func(t *testing.T) {
		must(t, do(b, chromedp.EmulateViewport(390, 844), chromedp.Navigate(strings.Split(srv.URL(), "?")[0]),
			chromedp.WaitVisible(chromedp.CSS("#board"))))
		save(t, shots, "board-phone.png", run(t, b, chromedp.CaptureScreenshot()))
		must(t, do(b, chromedp.Navigate(strings.Split(srv.URL(), "?")[0]+"report"), chromedp.WaitVisible(chromedp.CSS("svg"))))
		save(t, shots, "report-phone.png", run(t, b, chromedp.FullScreenshot(100)))
	})
	stop()
	<-served
	t.Logf("screenshots in %s", shots)
}

// newBrowser starts headless Chromium with the flags this machine's
// closed network needs: nothing reaches for Google's hosts.
func newBrowser(t *testing.T, parent context.Context, path string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000))
	actx, cancel := chromedp.NewExecAllocator(parent, opts...)
	t.Cleanup(cancel)
	b, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	// The first run starts the browser and ties it to b: the steps' own
	// shorter contexts then end only themselves.
	if err := chromedp.Do(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// step is how long one step may take: a page that never comes fails the
// step, not the whole run.
const step = 20 * time.Second

func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// do runs steps within the step time.
func do(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, step)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func save(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sentNote records the intro to email as sent an hour ago.
func (p *practice) sentNote(email string) {
	p.t.Helper()
	ctx := context.Background()
	c := p.contact(email)
	sd, err := p.st.Claim(ctx, store.SendKey{Campaign: "intro-physicians", Step: "intro", ContactID: c.ID},
		store.Pending{Email: c.Email, MessageID: "intro-1@leefamilytherapy.example", Subject: "A quick hello from Anna Lee, LMFT at Lee Family Therapy"}, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.st.MarkSent(ctx, sd.ID, "250 2.0.0 queued"); err != nil {
		p.t.Fatal(err)
	}
}

// uncertainNote leaves a note to email in the outbox, as a crash after
// the server took it would: its outcome is unknown.
func (p *practice) uncertainNote(email string) int64 {
	p.t.Helper()
	ctx := context.Background()
	c := p.contact(email)
	sd, err := p.st.Claim(ctx, store.SendKey{Campaign: "intro-physicians", Step: "intro", ContactID: c.ID},
		store.Pending{Email: c.Email, MessageID: "uncertain-1@leefamilytherapy.example", Subject: "A quick hello from Anna Lee, LMFT"}, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	if err := p.st.MarkUnknown(ctx, sd.ID, "the connection broke after the message was handed over"); err != nil {
		p.t.Fatal(err)
	}
	return sd.ID
}
