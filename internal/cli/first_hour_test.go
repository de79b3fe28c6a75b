package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPreviewShowsWhatTheRecipientSees(t *testing.T) {
	u, _ := mailUser(t)
	out, errs, code := u.run("campaigns", "preview", "intro-physicians", "--contact", "malvarez@elmpeds.test")
	if code != 0 {
		t.Fatal(errs)
	}
	for _, want := range []string{"From:     Anna Lee, LMFT <", "To:       Maria Alvarez <malvarez@elmpeds.test>",
		"Subject:  A quick hello", "Dear Dr. Alvarez and the front-office team at Elm Pediatrics,", "--html"} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	for _, machine := range []string{"Content-Transfer-Encoding", "MIME-Version", "=\r\n", "<p>"} {
		if strings.Contains(out, machine) {
			t.Errorf("the readable preview shows %q", machine)
		}
	}
	html, _, _ := u.run("campaigns", "preview", "intro-physicians", "--contact", "malvarez@elmpeds.test", "--html")
	if !strings.Contains(html, "<p>Dear Dr. Alvarez") {
		t.Errorf("--html: %s", html)
	}
	raw, _, _ := u.run("campaigns", "preview", "intro-physicians", "--contact", "malvarez@elmpeds.test", "--raw")
	if !strings.Contains(raw, "MIME-Version: 1.0") || !strings.Contains(raw, "Message-ID: <") {
		t.Errorf("--raw is not the message: %s", raw)
	}
}

func TestVersionAndCommandGroups(t *testing.T) {
	u := newUser(t)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, _, code := u.run(args...)
		if code != 0 || !strings.HasPrefix(out, "rapport ") || !strings.Contains(out, "go1.") {
			t.Errorf("%v: exit %d %q", args, code, out)
		}
	}
	out, _, code := u.run("campaigns")
	if code != 0 || !strings.Contains(out, "campaigns start") || !strings.Contains(out, "campaigns plan") {
		t.Errorf("`rapport campaigns` alone: exit %d\n%s", code, out)
	}
}

func TestSendSaysWhyNothingWentOut(t *testing.T) {
	u, _ := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	u.now = time.Date(2026, 11, 23, 19, 0, 0, 0, chicago) // Monday evening
	u.run("campaigns", "start", "intro-physicians")
	out, errs, code := u.run("send", "intro-physicians")
	if code != 0 || !strings.Contains(out, "nothing is due now: 3 due but outside the send window; the next falls due Tue Nov 24 09:00") {
		t.Errorf("send outside the window: exit %d\n%s%s", code, out, errs)
	}
}

func TestTheLogTellsWhatHappenedInSentences(t *testing.T) {
	u, _ := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	u.now = time.Date(2026, 11, 23, 10, 0, 0, 0, chicago)
	u.setSending(t, map[string]string{"min_gap": `"0s"`, "jitter": `"0s"`})
	u.run("campaigns", "start", "intro-physicians")
	u.run("send", "intro-physicians")
	u.run("contacts", "stage", "jokafor@riverside.test", "meeting", "--note", "coffee on Tuesday")
	out, errs, code := u.run("log", "--since", "1d")
	if code != 0 {
		t.Fatal(errs)
	}
	for _, want := range []string{"Monday, November 23, 2026", "10:00  sent intro-physicians/intro to Dr. Maria Alvarez (Elm Pediatrics) → contacted",
		"you moved Dr. James Okafor (Riverside) from contacted to meeting: coffee on Tuesday", "(times in America/Chicago)"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if _, _, code := u.run("log", "--since", "last tuesday"); code != exitUsage {
		t.Errorf("a --since it cannot read: exit %d", code)
	}
}

func TestCheckOfflineWarnsOfUnsetPasswordVariables(t *testing.T) {
	u := newUser(t)
	t.Setenv("RAPPORT_SMTP_PASSWORD", "")
	_, errs, _ := u.run("check", "--offline")
	if !strings.Contains(errs, "RAPPORT_SMTP_PASSWORD is not set in this shell; `export RAPPORT_SMTP_PASSWORD=") {
		t.Errorf("check --offline: %s", errs)
	}
}

func TestABrochureGoneMissingIsSaidOncePerCampaign(t *testing.T) {
	u, srv := mailUser(t)
	chicago, _ := time.LoadLocation("America/Chicago")
	u.now = time.Date(2026, 11, 23, 10, 0, 0, 0, chicago)
	tpl := filepath.Join(u.dir, "templates", "intro-physician.md")
	b, _ := os.ReadFile(tpl)
	os.WriteFile(tpl, []byte(strings.Replace(string(b), "subject:", "attachments: brochure.pdf\nsubject:", 1)), 0o644)
	brochure := filepath.Join(u.dir, "templates", "brochure.pdf")
	os.WriteFile(brochure, []byte("%PDF-1.4 brochure"), 0o644)
	if _, errs, code := u.run("campaigns", "start", "intro-physicians"); code != 0 {
		t.Fatal(errs)
	}
	os.Remove(brochure) // moved away in the Finder
	out, errs, _ := u.run("send", "intro-physicians")
	if n := strings.Count(errs, `attachment "brochure.pdf" cannot be read`); n != 1 || len(srv.Received()) != 0 {
		t.Errorf("the missing brochure is reported %d times, %d sent:\n%s%s", n, len(srv.Received()), out, errs)
	}
}
