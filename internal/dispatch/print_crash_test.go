package dispatch

// The print crash test: a process writing print batches is killed with
// SIGKILL at random moments, many times, and restarted; every contact must
// end with exactly one card, in exactly one written batch whose PDF holds
// it, and no stray file may be left.
//
//	go test -count=3 -run 'TestKilledWhilePrintingNeverLosesOrDoublesALetter' ./internal/dispatch/

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/letters"
	"rapport/internal/render"
	"rapport/internal/store"
)

const (
	printHelperEnv = "RAPPORT_PRINT_CRASH_HELPER"
	printRounds    = 14
	printPerRound  = 6
	// printCampaign has one letter step and no email: nothing to send.
	printCampaign = `name = "cards"
schedule = "0 9 * * *"

[audience]
kinds = ["pastor"]

[[steps]]
id = "card"
channel = "letter"
template = "intro-card"
`
)

// TestPrintCrashHelperProcess is the process the print crash test kills:
// like `rapport send`, it settles what an earlier run left (Recover), then
// prints until nothing is due.
func TestPrintCrashHelperProcess(t *testing.T) {
	if os.Getenv(printHelperEnv) != "1" {
		t.Skip("the printing process of TestKilledWhilePrintingNeverLosesOrDoublesALetter")
	}
	if err := printHelper(context.Background(), os.Getenv("RAPPORT_PRINT_DIR")); err != nil {
		t.Fatal("print helper: ", err)
	}
}

func printHelper(ctx context.Context, dir string) error {
	st, err := store.Open(ctx, filepath.Join(dir, "rapport.db"), nil)
	if err != nil {
		return err
	}
	defer st.Close()
	camp, err := campaign.Load(filepath.Join(dir, "cards.toml"), campaign.Env{Location: time.UTC,
		Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		return err
	}
	tpl, _ := filepath.Abs("../../templates")
	d := New(Options{Store: st, Templates: tpl, Location: time.UTC, Owner: fmt.Sprintf("%d:print-child", os.Getpid()),
		Sender: render.Sender{Name: "Anna Lee, LMFT", Practice: "Lee Family Therapy"},
		Post: &Post{Dir: filepath.Join(dir, "letters"), Templates: filepath.Join(tpl, "letters"), Labels: letters.Label5160,
			Layout: func() (*letters.Options, error) {
				return &letters.Options{Format: letters.FormatCard, From: letters.Sender{Name: "Anna Lee, LMFT"}}, nil
			}}})
	if _, _, err := d.Recover(ctx, nil); err != nil {
		return fmt.Errorf("recover: %w", err)
	}
	for range 5 {
		rep, err := d.Print(ctx, []*campaign.Campaign{camp}, PrintOptions{})
		if err != nil {
			return err
		}
		if len(rep.Batches) == 0 {
			fmt.Println("done")
			return nil
		}
	}
	return fmt.Errorf("still printing after 5 passes")
}

// TestKilledWhilePrintingNeverLosesOrDoublesALetter adds a few pastors,
// starts the printing process, kills it after a random delay (anywhere
// from its start to past its end: the claim, the layout, the PDFs being
// written and renamed, the record), and does it again; a last run
// finishes. Every pastor has one card, printed once.
func TestKilledWhilePrintingNeverLosesOrDoublesALetter(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a printing process many times")
	}
	if os.Getenv(printHelperEnv) == "1" {
		t.Skip("inside the helper")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RAPPORT_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (RAPPORT_CRASH_SEED=%d replays the kill schedule)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x9e1))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cards.toml"), []byte(printCampaign), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "rapport.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignState(ctx, "cards", store.CampaignActive); err != nil {
		t.Fatal(err)
	}
	st.Close()
	run := func(kill time.Duration) (string, bool) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPrintCrashHelperProcess$", "-test.v")
		cmd.Env = append(os.Environ(), printHelperEnv+"=1", "RAPPORT_PRINT_DIR="+dir)
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		timer := time.NewTimer(kill)
		defer timer.Stop()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("the printing process failed: %v\n%s", err, out.String())
			}
			return out.String(), true
		case <-timer.C:
			cmd.Process.Kill()
			<-done
			return out.String(), false
		}
	}
	// took estimates a whole run, so that kills land all along it.
	took := 300 * time.Millisecond
	added, kills := 0, 0
	for round := range printRounds {
		addPastors(t, filepath.Join(dir, "rapport.db"), added, printPerRound)
		added += printPerRound
		start := time.Now()
		kill := time.Duration(rng.Int64N(int64(took + took/4)))
		_, exited := run(kill)
		if exited {
			took = time.Since(start)
		} else {
			kills++
			took += took / 4 // it had more to do than thought: the next kill may land later
		}
		t.Logf("round %2d: kill after %s: exited=%v; %s", round, kill.Round(time.Millisecond), exited, printState(t, dir))
	}
	if out, exited := run(30 * time.Second); !exited || !strings.Contains(out, "done") {
		t.Fatalf("the last run did not finish: %s", out)
	}
	checkPrintedOnce(t, dir, added)
	t.Logf("%d rounds, %d killed, %d pastors, seed %d", printRounds, kills, added, seed)
}

func addPastors(t *testing.T, db string, from, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	im, err := st.BeginImport(ctx, store.ImportMeta{File: "pastors.csv"})
	if err != nil {
		t.Fatal(err)
	}
	for i := from; i < from+n; i++ {
		if _, err := im.Add(contact.Contact{Email: fmt.Sprintf("pastor%03d@church.test", i), Kind: "pastor", Title: "Pastor",
			LastName: fmt.Sprintf("Lee%03d", i), Address: contact.Address{Street: fmt.Sprintf("%d Church St", i+1),
				City: "Springfield", Region: "IL", PostalCode: "62708"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := im.Commit(n, nil); err != nil {
		t.Fatal(err)
	}
}

// checkPrintedOnce: each pastor has one printed card row, in a written
// batch; every card is in exactly one PDF; every file in the folder
// belongs to a written batch.
func checkPrintedOnce(t *testing.T, dir string, n int) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "rapport.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows, _ := st.Sends(ctx, store.SendFilter{Campaign: "cards"})
	if len(rows) != n {
		t.Errorf("%d journal rows for %d pastors", len(rows), n)
	}
	for _, r := range rows {
		if r.State != contact.SendPrinted || r.Batch == 0 {
			t.Errorf("a card is %s (batch %d): %s", r.State, r.Batch, r.LastError)
		}
	}
	batches, _ := st.LetterBatches(ctx)
	owned := map[string]bool{}
	text := ""
	for _, b := range batches {
		if !b.Written() {
			t.Errorf("batch %d is left unwritten", b.ID)
		}
		for _, f := range b.Files {
			owned[filepath.Base(f)] = true
		}
		text += pdfText(t, b.Files[0])
	}
	for i := range n {
		if c := strings.Count(text, fmt.Sprintf("Dear Pastor Lee%03d,", i)); c != 1 {
			t.Errorf("Pastor Lee%03d's card is printed %d times", i, c)
		}
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "letters"))
	for _, e := range entries {
		if !owned[e.Name()] {
			t.Errorf("a stray file is left: %s", e.Name())
		}
	}
	t.Logf("%d batches", len(batches))
}

// printState says how far the printing got: batches written, batches left
// half done, cards printed.
func printState(t *testing.T, dir string) string {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "rapport.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	batches, _ := st.LetterBatches(ctx)
	written, half := 0, 0
	for _, b := range batches {
		if b.Written() {
			written++
		} else {
			half++
		}
	}
	rows, _ := st.Sends(ctx, store.SendFilter{Campaign: "cards", States: []contact.SendState{contact.SendPrinted}})
	return fmt.Sprintf("%d batches written, %d half done, %d cards printed", written, half, len(rows))
}
