package dispatch

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/letters"
	"rapport/internal/letters/pdftest"
	"rapport/internal/render"
	"rapport/internal/store"
)

// The contacts of the card campaign: three pastors with an email and an
// address, and a school counselor who has only an address.
var byPost = []contact.Contact{
	{Email: "pastor.kim@grace.test", Title: "Pastor", FirstName: "Daniel", LastName: "Kim", Kind: "pastor",
		Organization: "Grace Community Church", Address: contact.Address{Street: "200 Church St", City: "Springfield", Region: "IL", PostalCode: "62708"}},
	{Email: "rev.okoro@stmark.test", Title: "Rev.", FirstName: "Ada", LastName: "Okoro", Kind: "pastor",
		Organization: "St. Mark's", Address: contact.Address{Street: "4 Market St", City: "Springfield", Region: "IL", PostalCode: "62701"}},
	{Email: "pastor.lund@hope.test", Title: "Pastor", FirstName: "Erik", LastName: "Lund", Kind: "pastor",
		Organization: "Hope Lutheran", Address: contact.Address{Street: "9 Hope Ave", City: "Springfield", Region: "IL", PostalCode: "62702"}},
	{Title: "Ms.", FirstName: "Carol", LastName: "Jensen", Kind: "school-counselor", Organization: "Lincoln Middle School",
		Address: contact.Address{Street: "300 School Rd", City: "Springfield", Region: "IL", PostalCode: "62711"}},
}

// newPostWorld is the world of the dispatch tests with the card campaign,
// its contacts, and a dispatcher that prints cards with labels into a
// folder.
func newPostWorld(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	ctx := context.Background()
	im, _ := w.st.BeginImport(ctx, store.ImportMeta{File: "contacts.xlsx"})
	for i, c := range byPost {
		c.Source = contact.Source{File: "contacts.xlsx", Row: i + 2}
		im.Add(c)
	}
	if _, err := im.Commit(len(byPost), nil); err != nil {
		t.Fatal(err)
	}
	var err error
	w.camp, err = campaign.Load("testdata/campaigns/by-post.toml", campaign.Env{Location: w.clk.Now().Location(),
		Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.st.SetCampaignState(ctx, w.camp.Name, store.CampaignActive); err != nil {
		t.Fatal(err)
	}
	w.withPost(t.TempDir(), "daemon-1")
	return w
}

// withPost gives the world's dispatcher a print setup writing to dir, as
// the process whose sender-lock token is owner.
func (w *world) withPost(dir, owner string) {
	o := w.d.o
	o.Owner = owner
	o.Post = &Post{Dir: dir, Templates: "../../templates/letters", Labels: letters.Label5160,
		Layout: func() (*letters.Options, error) {
			return &letters.Options{Format: letters.FormatCard, From: letters.Sender{Name: "Anna Lee, LMFT",
				Address: letters.ReturnAddress("Lee Family Therapy", "12 Elm Street, Suite 4, Springfield, IL 62701")}}, nil
		}}
	w.d = New(o)
}

func (w *world) print() *PrintReport {
	w.t.Helper()
	rep, err := w.d.Print(context.Background(), []*campaign.Campaign{w.camp}, PrintOptions{})
	if err != nil {
		w.t.Fatalf("print: %v", err)
	}
	return rep
}

func (w *world) contactID(email string) int64 {
	c, err := w.st.FindContact(context.Background(), email)
	if err != nil {
		w.t.Fatal(err)
	}
	return c.ID
}

// pdfText reads a PDF back (see pdftest).
var pdfText = pdftest.Text

// at moves the clock to a day's 10:00.
func (w *world) at(day time.Time) {
	w.clk.mu.Lock()
	w.clk.t = time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, w.clk.t.Location())
	w.clk.mu.Unlock()
}

// TestCardsByPostThenAnEmailToThoseWhoDidNotAnswer is the story:
// the pastors and the school counselor get a card in one print batch;
// the email waits until the batch is marked mailed, then goes ten days
// later only to the pastors who did not answer; the counselor, who has no
// email, gets only the card.
func TestCardsByPostThenAnEmailToThoseWhoDidNotAnswer(t *testing.T) {
	w := newPostWorld(t)
	ctx := context.Background()
	monday := w.clk.Now()

	rep := w.print()
	if len(rep.Batches) != 1 || rep.Letters() != 4 || len(rep.Skipped) != 0 {
		t.Fatalf("first pass: %+v", rep)
	}
	b := rep.Batches[0].Batch
	if b.ID != 1 || b.Count != 4 || len(b.Files) != 2 ||
		filepath.Base(b.Files[0]) != "by-post-2026-11-23-batch-1-cards.pdf" || filepath.Base(b.Files[1]) != "by-post-2026-11-23-batch-1-labels.pdf" {
		t.Fatalf("batch: %+v", b)
	}
	cards := pdfText(t, b.Files[0])
	for _, want := range []string{"Dear Pastor Kim,", "Dear Rev. Okoro,", "Dear Pastor Lund,", "Dear Ms. Jensen,", "November 23, 2026", "Warmly, Anna Lee, LMFT"} {
		if !strings.Contains(cards, want) {
			t.Errorf("the cards lack %q:\n%s", want, cards)
		}
	}
	if labels := pdfText(t, b.Files[1]); !strings.Contains(labels, "Ms. Carol Jensen Lincoln Middle School 300 School Rd Springfield, IL 62711") {
		t.Errorf("labels: %s", labels)
	}
	if again := w.print(); len(again.Batches) != 0 {
		t.Fatalf("a second pass printed again: %+v", again)
	}
	if rep := w.tick(); rep.Sent != 0 {
		t.Fatalf("an email went out before the cards were mailed: %+v", rep)
	}

	items, _ := w.d.Plan(ctx, w.camp, monday.AddDate(0, 0, 20))
	for _, it := range items {
		switch {
		case it.Contact.Email == "":
			if it.Code != campaign.CodeDone || !strings.Contains(it.Reason, "by post only") {
				t.Errorf("the counselor: %+v", it)
			}
		case it.Code != campaign.CodeUnmailed || !strings.Contains(it.Reason, "waiting for print batch 1 to be marked mailed"):
			t.Errorf("%s: %+v", it.Contact.Email, it)
		}
	}

	tuesday := monday.AddDate(0, 0, 1)
	if _, err := w.st.MarkMailed(ctx, b.ID, tuesday); err != nil {
		t.Fatal(err)
	}
	okoro := w.contactID("rev.okoro@stmark.test")
	w.st.MoveStage(ctx, okoro, store.Move{To: contact.StageReplied, Auto: true, Type: contact.EventReply, Reason: "called to say thank you"})

	w.at(tuesday.AddDate(0, 0, 9))
	if rep := w.tick(); rep.Sent != 0 {
		t.Fatalf("nine days after the mailing: %+v", rep)
	}
	w.at(tuesday.AddDate(0, 0, 10))
	if rep := w.tick(); rep.Sent != 2 {
		t.Fatalf("ten days after the mailing: %+v", rep)
	}
	got := map[string]bool{}
	for _, e := range w.srv.Received() {
		got[e.To[0]] = true
	}
	if !got["pastor.kim@grace.test"] || !got["pastor.lund@hope.test"] || got["rev.okoro@stmark.test"] || len(got) != 2 {
		t.Errorf("the email went to %v", got)
	}
	hist, _ := w.st.History(ctx, w.contactID("pastor.kim@grace.test"))
	var story []string
	for _, e := range hist {
		story = append(story, string(e.Type))
	}
	if s := strings.Join(story, " "); !strings.Contains(s, "printed stage mailed sent") {
		t.Errorf("Pastor Kim's history: %s", s)
	}
}

// TestALetterThatCannotPrintIsLeftOut: a contact who opted out, and
// one whose card would need a character no font has, are left out; the
// rest are printed.
func TestALetterThatCannotPrintIsLeftOut(t *testing.T) {
	w := newPostWorld(t)
	ctx := context.Background()
	lund := w.contactID("pastor.lund@hope.test")
	w.st.MoveStage(ctx, lund, store.Move{To: contact.StageOptedOut, Auto: true, Reason: "please remove me"})
	im, _ := w.st.BeginImport(ctx, store.ImportMeta{File: "contacts.xlsx"})
	im.Add(contact.Contact{Email: "omatsu@tera.test", Kind: "pastor", Title: "Pastor", LastName: "大松", Source: contact.Source{File: "contacts.xlsx", Row: 9},
		Address: contact.Address{Street: "1 Temple Rd", City: "Springfield", Region: "IL", PostalCode: "62703"}})
	im.Commit(1, nil)
	rep := w.print()
	if rep.Letters() != 3 {
		t.Fatalf("printed %d: %+v", rep.Letters(), rep)
	}
	items, _ := w.d.Plan(ctx, w.camp, w.clk.Now())
	for _, it := range items {
		if it.Contact.Email == "omatsu@tera.test" && (it.Code != campaign.CodeMissing || !strings.Contains(it.Reason, "which no font has")) {
			t.Errorf("Pastor 大松: %+v", it)
		}
	}
}

// claimOnly does what a print pass does up to the claim, then "crashes":
// the batch's letters are committed as sending, and nothing is written.
func claimOnly(t *testing.T, w *world) *store.LetterBatch {
	t.Helper()
	ctx := context.Background()
	tpl := newTemplates(w.d.o.Templates)
	groups, err := w.d.dueLetters(ctx, tpl, w.camp)
	if err != nil || len(groups) != 1 {
		t.Fatalf("due: %v %v", groups, err)
	}
	var claims []store.ClaimRequest
	for _, it := range groups[0] {
		claims = append(claims, store.ClaimRequest{Key: store.SendKey{Campaign: w.camp.Name, Step: it.Step.ID, ContactID: it.Contact.ID},
			Check: w.d.letterStillDue(it)})
	}
	if err := os.MkdirAll(w.d.o.Post.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, _, err := w.st.ClaimLetters(ctx, store.NewBatch{Campaign: w.camp.Name, Step: "card", Owner: w.d.o.Owner,
		Files: w.d.batchFiles(w.camp, letters.FormatCard)}, claims)
	if err != nil || b == nil {
		t.Fatalf("claim: %v %v", b, err)
	}
	return b
}

// printedOnce checks that every contact has exactly one printed card, in
// a written batch whose PDF holds it, and that no batch is left unwritten.
func printedOnce(t *testing.T, w *world) []*store.LetterBatch {
	t.Helper()
	ctx := context.Background()
	rows, _ := w.st.Sends(ctx, store.SendFilter{Campaign: w.camp.Name})
	per := map[int64]int{}
	for _, r := range rows {
		if r.Step == "card" && r.State == contact.SendPrinted {
			per[r.ContactID]++
		} else if r.Step == "card" {
			t.Errorf("a card is %s: %+v", r.State, r)
		}
	}
	if len(per) != len(byPost) {
		t.Errorf("%d of %d contacts have their card", len(per), len(byPost))
	}
	for id, n := range per {
		if n != 1 {
			t.Errorf("contact %d has %d cards", id, n)
		}
	}
	all, _ := w.st.LetterBatches(ctx)
	text := ""
	for _, b := range all {
		if !b.Written() {
			t.Errorf("batch %d is left unwritten", b.ID)
			continue
		}
		text += pdfText(t, b.Files[0])
	}
	for _, greeting := range []string{"Dear Pastor Kim,", "Dear Rev. Okoro,", "Dear Pastor Lund,", "Dear Ms. Jensen,"} {
		if n := strings.Count(text, greeting); n != 1 {
			t.Errorf("%q is printed %d times", greeting, n)
		}
	}
	return all
}

// TestACrashBetweenClaimAndPDF: the letters were claimed, then rapport
// died before the PDF existed. The next run gives them back and prints
// them in a new batch; the dead batch's stray files are removed.
func TestACrashBetweenClaimAndPDF(t *testing.T) {
	w := newPostWorld(t)
	dead := claimOnly(t, w)
	stray := dead.Files[1] // the labels were written, the cards not yet
	os.WriteFile(stray, []byte("%PDF-1.4 half"), 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(dead.Files[0]), "."+filepath.Base(dead.Files[0])+".123"), []byte("%PDF half"), 0o644)

	items, _ := w.d.Plan(context.Background(), w.camp, w.clk.Now())
	for _, it := range items {
		if it.Due || it.Code != campaign.CodeSending || !strings.Contains(it.Reason, "print batch 1 was being written when rapport stopped") {
			t.Errorf("a claimed letter before recovery: %+v", it)
		}
	}
	w.withPost(w.d.o.Post.Dir, "daemon-2") // the restart
	rep := w.print()
	if len(rep.Batches) != 1 || rep.Batches[0].Batch.ID != 2 || rep.Letters() != len(byPost) {
		t.Fatalf("after the restart: %+v", rep)
	}
	all := printedOnce(t, w)
	if len(all) != 1 {
		t.Errorf("batches: %+v", all)
	}
	entries, _ := os.ReadDir(w.d.o.Post.Dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "batch-1") {
			t.Errorf("a file of the dead batch is left: %s", e.Name())
		}
	}
}

// TestACrashBetweenPDFAndRecord: the PDF was written, then rapport died
// before recording it. The next run records the batch as it is on disk
// and prints nothing again.
func TestACrashBetweenPDFAndRecord(t *testing.T) {
	w := newPostWorld(t)
	b := claimOnly(t, w)
	ctx := context.Background()
	tpl := newTemplates(w.d.o.Templates)
	run, err := tpl.letters(w.d.o.Post).run("intro-card", false)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := w.st.BatchLetters(ctx, b.ID)
	for _, r := range rows {
		ct, _ := w.st.Contact(ctx, r.ContactID)
		if _, why, err := run.Add(renderInput(w, ct), w.d.letterDate()); why != nil || err != nil {
			t.Fatal(why, err)
		}
	}
	if err := run.Write(w.d.batchWrite(b.Files)); err != nil {
		t.Fatal(err)
	}
	w.withPost(w.d.o.Post.Dir, "daemon-2")
	if found, waiting, err := w.d.Recover(ctx, nil); err != nil || found+waiting != 0 {
		t.Fatalf("recover: %d %d %v (letters are not notes in the outbox)", found, waiting, err)
	}
	if rep := w.print(); len(rep.Batches) != 0 {
		t.Fatalf("the letters were printed again: %+v", rep)
	}
	all := printedOnce(t, w)
	if len(all) != 1 || all[0].ID != b.ID || all[0].Count != len(byPost) {
		t.Errorf("batches: %+v", all)
	}
}

func renderInput(w *world, ct *contact.Contact) render.Input {
	return render.Input{Contact: ct, Sender: w.d.o.Sender, Campaign: w.camp.Name, Step: "card"}
}
