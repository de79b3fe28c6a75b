package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/localmail"
)

// byPostUser is a practice with the mail servers, the pastors and the
// school counselor, cards with envelopes and labels, and the sample
// campaign intro-by-post.
func byPostUser(t *testing.T) (*user, *localmail.Server) {
	t.Helper()
	u, srv := mailUser(t)
	cfg, _ := os.ReadFile(u.path("rapport.toml"))
	cfg = append(cfg, []byte("\n[letters]\nformat = \"card\"\nwith = \"both\"\n")...)
	os.WriteFile(u.path("rapport.toml"), cfg, 0o600)
	csv := "Title,First,Last,Organization,Type,Email,Address,City,State,Zip\n" +
		"Pastor,Daniel,Kim,Grace Community Church,pastor,pastor.kim@grace.test,200 Church St,Springfield,IL,62708\n" +
		"Rev.,Ada,Okoro,St. Mark's,pastor,ada@stmark.test,4 Market St,Springfield,IL,62701\n" +
		"Ms.,Carol,Jensen,Lincoln Middle School,school counselor,,300 School Rd,Springfield,IL,62711\n"
	os.WriteFile(u.path("clergy.csv"), []byte(csv), 0o644)
	if _, errs, code := u.run("import", u.path("clergy.csv")); code != 0 {
		t.Fatal(errs)
	}
	return u, srv
}

type batchOut struct {
	ID             int64
	Campaign, Step string
	Files          []string
	Count          int
	MailedAt       string `json:"mailed_at"`
	State          string
}

// TestTheDaemonPrintsCardsThenEmailsThoseWhoDidNotAnswer: the issue's
// "done when", with the daemon on a clock: the cards are written at the
// campaign's first tick, the user marks the batch mailed the next day,
// one pastor answers, and ten days after the mailing the email goes only
// to the other; the counselor, who has no email, gets only her card.
func TestTheDaemonPrintsCardsThenEmailsThoseWhoDidNotAnswer(t *testing.T) {
	u, srv := byPostUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	clk := newFakeClock(time.Date(2026, 11, 23, 8, 0, 0, 0, chicago)) // Monday
	u.now = clk.Now()
	if out, errs, code := u.run("campaigns", "start", "intro-by-post"); code != 0 {
		t.Fatal(out, errs)
	}
	a, logs, _, stop := startDaemon(t, u, clk)
	st := a.st
	waitFor(t, "the daemon to wait", func() bool { clk.mu.Lock(); defer clk.mu.Unlock(); return len(clk.waiters) > 0 })
	for !strings.Contains(logs.String(), `"msg":"tick"`) {
		clk.next(t) // to 9:00
	}
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	waitFor(t, "the print batch", func() bool {
		return strings.Contains(logs.String(), `"msg":"printed"`) || strings.Contains(logs.String(), "print_failed")
	})
	if strings.Contains(logs.String(), "print_failed") {
		t.Fatal(logs.String())
	}

	u.now = time.Date(2026, 11, 24, 17, 0, 0, 0, chicago) // Tuesday evening: the cards are signed and posted
	var list []batchOut
	u.json(&list, "letters", "batches")
	if len(list) != 1 || list[0].Count != 3 || list[0].State != "written" || len(list[0].Files) != 3 {
		t.Fatalf("batches: %+v", list)
	}
	cards, envelopes, labels := list[0].Files[0], list[0].Files[1], list[0].Files[2]
	if filepath.Base(cards) != "intro-by-post-2026-11-23-batch-1-cards.pdf" || !strings.HasSuffix(envelopes, "-envelopes.pdf") || !strings.HasSuffix(labels, "-labels.pdf") {
		t.Errorf("files: %v", list[0].Files)
	}
	text := pdfText(t, cards)
	for _, want := range []string{"Dear Pastor Kim,", "Dear Rev. Okoro,", "Dear Ms. Jensen,", "November 23, 2026", "(555) 010-2030"} {
		if !strings.Contains(text, want) {
			t.Errorf("the cards lack %q: %s", want, text)
		}
	}
	for _, f := range []string{envelopes, labels} {
		if text := pdfText(t, f); !strings.Contains(text, "Ms. Carol Jensen Lincoln Middle School 300 School Rd Springfield, IL 62711") {
			t.Errorf("%s: %s", filepath.Base(f), text)
		}
	}
	if out, _, _ := u.run("status"); !strings.Contains(out, "1 print batch (3 letters) written, waiting to be printed and mailed") {
		t.Errorf("status:\n%s", out)
	}
	out, errs, code := u.run("letters", "mailed", "1")
	if code != 0 || !strings.Contains(out, "marked mailed on Tue Nov 24") || !strings.Contains(out, "The next step, email, goes 10 days after it, from Fri Dec 4") {
		t.Fatalf("mailed: exit %d %s %s", code, out, errs)
	}
	if out, _, _ := u.run("status"); strings.Contains(out, "print batch") {
		t.Errorf("status after the mailing:\n%s", out)
	}

	// Rev. Okoro writes back to say thank you for the card.
	srv.Deliver(demoUser, []byte(fmt.Sprintf("From: Ada Okoro <ada@stmark.test>\r\nTo: %s\r\nSubject: Your lovely card\r\n"+
		"Message-ID: <thanks@stmark.test>\r\nDate: %s\r\n\r\nThank you for the card! Come by any Wednesday.\r\n", demoUser, clk.Now().Format(time.RFC1123Z))))
	waitFor(t, "the answer to move Rev. Okoro", func() bool { return stageOf(t, st, "ada@stmark.test") == contact.StageReplied })

	for received(srv, "pastor.kim@grace.test") == 0 {
		if at := clk.next(t); at.After(time.Date(2026, 12, 5, 0, 0, 0, 0, chicago)) {
			t.Fatalf("no email by %s\n%s", at, logs.String())
		}
	}
	if at := clk.Now().In(chicago); at.Before(time.Date(2026, 12, 4, 9, 0, 0, 0, chicago)) {
		t.Errorf("the email went %s, before ten days after the mailing", at)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Received()); n != 1 {
		t.Errorf("%d emails went out, want 1 (Pastor Kim)", n)
	}
	var kim struct {
		History []struct{ Type, Detail string }
	}
	u.json(&kim, "contacts", "show", "pastor.kim@grace.test")
	var story []string
	for _, e := range kim.History {
		story = append(story, e.Type)
	}
	if s := strings.Join(story, " "); !strings.Contains(s, "printed stage mailed sent") {
		t.Errorf("Pastor Kim's history: %s", s)
	}
}

// TestSendWritesABatchAndThePlanWaitsForTheMailing: `rapport send` writes
// the batch; the plan says who waits for what; marking it mailed checks
// its date.
func TestSendWritesABatchAndThePlanWaitsForTheMailing(t *testing.T) {
	u, _ := byPostUser(t)
	u.now = time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC) // an evening: printing needs no send window
	u.run("campaigns", "start", "intro-by-post")
	out, errs, code := u.run("send", "intro-by-post", "--dry-run")
	if code != 0 || strings.Count(out, "would print") != 3 || !strings.Contains(out, "nothing was sent or printed") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = u.run("send", "intro-by-post")
	if code != 0 || !strings.Contains(out, "3 letters written to print batch 1") || !strings.Contains(out, "rapport letters mailed 1") {
		t.Fatalf("send: exit %d\n%s%s", code, out, errs)
	}
	if out, _, _ := u.run("send", "intro-by-post"); strings.Contains(out, "print batch 2") {
		t.Fatalf("a second send printed again:\n%s", out)
	}
	var plan []struct{ Contact, Step, Reason, Code string }
	u.json(&plan, "campaigns", "plan", "intro-by-post", "--at", "2026-12-14 10:00")
	for _, p := range plan {
		switch p.Contact {
		case "Ms. Carol Jensen":
			if p.Code != "done" || !strings.Contains(p.Reason, "by post only: no email address") {
				t.Errorf("the counselor: %+v", p)
			}
		default:
			if p.Code != "unmailed" || p.Step != "email" || !strings.Contains(p.Reason, "waiting for print batch 1 to be marked mailed") {
				t.Errorf("%s: %+v", p.Contact, p)
			}
		}
	}
	if _, errs, code := u.run("letters", "mailed", "1", "--date", "2026-11-30"); code != exitUsage || !strings.Contains(errs, "in the future") {
		t.Errorf("a date in the future: exit %d %s", code, errs)
	}
	if _, errs, code := u.run("letters", "mailed", "1", "--date", "2026-11-20"); code != exitUsage || !strings.Contains(errs, "before print batch 1 was written") {
		t.Errorf("a date before the batch: exit %d %s", code, errs)
	}
	if _, errs, code := u.run("letters", "mailed", "7"); code != exitValidation || !strings.Contains(errs, "no print batch 7") {
		t.Errorf("an unknown batch: exit %d %s", code, errs)
	}
	var b batchOut
	u.json(&b, "letters", "mailed", "1", "--date", "2026-11-23")
	if b.State != "mailed" || b.MailedAt != "2026-11-23T20:00:00Z" {
		t.Errorf("mailed the day it was written counts from when it was written: %+v", b)
	}
	u.json(&plan, "campaigns", "plan", "intro-by-post", "--at", "2026-12-03 10:00")
	for _, p := range plan {
		if p.Contact == "pastor.kim@grace.test" && (p.Code != "waiting" || !strings.Contains(p.Reason, "waiting until Thu 2026-12-03 14:00")) {
			t.Errorf("ten days from the mailing: %+v", p)
		}
	}
	if _, _, code := u.run("check", "--offline"); code != 0 {
		t.Error("check fails on the sample letter templates")
	}
}

// TestCheckFindsALetterThatWouldNotPrint: rapport check renders the
// letter steps against the audience, and reads the fonts.
func TestCheckFindsALetterThatWouldNotPrint(t *testing.T) {
	u, _ := byPostUser(t)
	tpl := "---\nsubject: Hello\n---\nDear {{.FirstName}},\n\nHow is {{.Fields.parish}}?\n\nWarmly,\n{{.Sender.Name}}\n"
	os.WriteFile(u.path("templates/letters/intro-card.md"), []byte(tpl), 0o644)
	cfg, _ := os.ReadFile(u.path("rapport.toml"))
	os.WriteFile(u.path("rapport.toml"), []byte(strings.Replace(string(cfg), "[letters]\n", "[letters]\nfont = \"hand.otf\"\n", 1)), 0o600)
	os.WriteFile(u.path("hand.otf"), []byte("OTTO\x00\x09\x00\x80"), 0o644)
	_, errs, code := u.run("check", "--offline")
	if code != exitValidation {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "letters.font") || !strings.Contains(errs, "hand.otf") {
		t.Errorf("the font is not named:\n%s", errs)
	}
	os.WriteFile(u.path("rapport.toml"), cfg, 0o600)
	_, errs, _ = u.run("check", "--offline")
	for _, who := range []string{"pastor.kim@grace.test", "Ms. Carol Jensen"} {
		if !strings.Contains(errs, "intro-by-post/card") || !strings.Contains(errs, ".Fields.parish") || !strings.Contains(errs, who) {
			t.Errorf("the letter to %s is not reported:\n%s", who, errs)
		}
	}
	if _, errs, code := u.run("campaigns", "start", "intro-by-post"); code != exitValidation || !strings.Contains(errs, ".Fields.parish") {
		t.Errorf("start: exit %d %s", code, errs)
	}
}
