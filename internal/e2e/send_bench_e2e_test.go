package e2e

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	gomail "github.com/wneessen/go-mail"

	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/render"
)

// The send target of DESIGN.md, measured the way a user meets it: with the
// caps off (per_hour = 0, per_day = 0, min_gap = "0s"), `rapport send` of
// 2,000 personalised notes through Postfix submission, with a copy of each
// filed in Dovecot's Sent folder, against a bare go-mail loop sending the
// same number of pre-rendered notes over one connection. Run:
//
//	scripts/e2e-servers.sh start && set -a && . /tmp/rapport-e2e/env && set +a
//	go test -run '^$' -bench 'E2ESend2000' -benchtime 1x -count 3 ./internal/e2e/
//
// The two report msgs/s; their ratio is the figure the target names (≥ 0.8).

const sendBenchN = 2000

// benchRecipient is a unique address that lands in one of the thirty
// clinic mailboxes (plus-addressing), so that nothing bounces.
func benchRecipient(run string, i int) string {
	user, domain, _ := strings.Cut(BatchUser(i%30+1), "@")
	return fmt.Sprintf("%s+%s-%04d@%s", user, run, i, domain)
}

func BenchmarkE2ESend2000BareGoMail(b *testing.B) {
	s := Require(b)
	run := "bare" + UniqueSuffix()
	// The same notes rapport sends: the sample template, rendered for each
	// contact beforehand, built as rapport builds them.
	tpl, err := render.Load("../../templates", "intro-physician")
	if err != nil {
		b.Fatal(err)
	}
	sender := render.Sender{Name: senderName, Email: s.User, Practice: "Lee Family Therapy", Phone: "(555) 010-2030",
		BookingURL: "https://booking.example/anna-lee", Signature: "Anna Müller-Lee, LMFT\nLee Family Therapy · (555) 010-2030"}
	msgs := make([]*gomail.Msg, 0, sendBenchN)
	for i := range sendBenchN {
		ct := &contact.Contact{ID: int64(i + 1), Email: benchRecipient(run, i), Title: "Dr.", FirstName: "Sam",
			LastName: fmt.Sprintf("Lee%d", i), Organization: fmt.Sprintf("Elm Pediatrics %d", i), Kind: "physician"}
		note, err := tpl.Render(render.Input{Contact: ct, Sender: sender, Campaign: "bench", Step: "intro"})
		if err != nil {
			b.Fatal(err)
		}
		m, err := mailer.Build(mailer.Message{From: s.User, FromName: note.FromName, To: ct.Email, ToName: ct.FullName(),
			Subject: note.Subject, Text: note.Text, HTML: note.HTML,
			MessageID: mailer.NewMessageID("rapport.test", time.Now()), Date: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	b.ResetTimer()
	for range b.N {
		c := s.MailClient(b, s.User)
		start := time.Now()
		if err := c.DialWithContext(context.Background()); err != nil {
			b.Fatal(err)
		}
		for _, m := range msgs {
			if err := c.Send(m); err != nil {
				b.Fatal(err)
			}
		}
		c.Close()
		b.ReportMetric(float64(sendBenchN)/time.Since(start).Seconds(), "msgs/s")
	}
}

func BenchmarkE2ESend2000Rapport(b *testing.B) {
	s := Require(b)
	for range b.N {
		b.StopTimer()
		u := newRapportUser(b, s)
		u.setSending(map[string]string{"per_hour": "0", "per_day": "0", "min_gap": `"0s"`, "jitter": `"0s"`})
		if os.Getenv("BENCH_NO_DSN") != "" {
			raw, _ := os.ReadFile(u.path("rapport.toml"))
			u.write("rapport.toml", strings.Replace(string(raw), "sent_copy = ", "dsn = false\nsent_copy = ", 1), 0o600)
		}
		if os.Getenv("BENCH_NO_COPY") != "" {
			u.setSending(map[string]string{"sent_copy": `"never"`})
		}
		run := "rap" + UniqueSuffix()
		var cs []csvContact
		for i := range sendBenchN {
			cs = append(cs, csvContact{Title: "Dr.", First: "Sam", Last: fmt.Sprintf("Lee%d", i),
				Practice: fmt.Sprintf("Elm Pediatrics %d", i), Kind: "physician", Email: benchRecipient(run, i)})
		}
		u.importContacts("bench", run, cs)
		u.write("campaigns/bench.toml", "name = \"bench\"\nschedule = \"0 9 * * *\"\n[audience]\ntags = [\"bench\"]\n"+
			"[[steps]]\nid = \"intro\"\ntemplate = \"intro-physician\"\n", 0o644)
		u.mustRun("campaigns", "start", "bench")
		b.StartTimer()
		start := time.Now()
		rep, _ := u.send("bench")
		elapsed := time.Since(start)
		if rep.Sent != sendBenchN {
			b.Fatalf("sent %d of %d: %s", rep.Sent, sendBenchN, rep.Stopped)
		}
		b.ReportMetric(float64(sendBenchN)/elapsed.Seconds(), "msgs/s")
	}
}

// setSending rewrites keys of [sending] in the user's rapport.toml.
func (u *rapportUser) setSending(kv map[string]string) {
	u.t.Helper()
	raw, err := os.ReadFile(u.path("rapport.toml"))
	if err != nil {
		u.t.Fatal(err)
	}
	cfg := string(raw)
	for k, v := range kv {
		cfg = regexp.MustCompile(`(?m)^`+k+` = .*$`).ReplaceAllString(cfg, k+" = "+v)
	}
	u.write("rapport.toml", cfg, 0o600)
}
