package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/config"
	"rapport/internal/localmail"
	"rapport/internal/store"
)

// sentNote records in the user's store that an intro went to email, as a
// send would, and returns its Message-ID.
func (u *user) sentNote(email string) string {
	u.t.Helper()
	ctx := context.Background()
	cfg, err := config.Load(filepath.Join(u.dir, "rapport.toml"))
	if err != nil {
		u.t.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.Resolve(cfg.Store.Path), &store.Options{Now: func() time.Time { return u.now }})
	if err != nil {
		u.t.Fatal(err)
	}
	defer st.Close()
	c, err := st.ContactByEmail(ctx, email)
	if err != nil {
		u.t.Fatal(err)
	}
	id := "intro." + strings.ReplaceAll(email, "@", ".") + "@leefamilytherapy.example"
	sd, err := st.Claim(ctx, store.SendKey{Campaign: "intro-physicians", Step: "intro", ContactID: c.ID},
		store.Pending{Email: email, MessageID: id, Subject: "Hello from Anna"}, nil)
	if err != nil {
		u.t.Fatal(err)
	}
	if err := st.MarkSent(ctx, sd.ID, "250 ok"); err != nil {
		u.t.Fatal(err)
	}
	return id
}

func deliverMail(t *testing.T, srv *localmail.Server, from, subject, inReplyTo string, when time.Time) {
	t.Helper()
	raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.%s>\r\n",
		from, demoUser, subject, when.Format(time.RFC1123Z), time.Now().UnixNano(), from)
	if inReplyTo != "" {
		raw += "In-Reply-To: <" + inReplyTo + ">\r\n"
	}
	raw += "\r\nYes, please come by on Tuesday.\r\n"
	if err := srv.Deliver(demoUser, []byte(raw)); err != nil {
		t.Fatal(err)
	}
}

func TestInboxSyncCountsOnlyNewMailAndIsQuietWithQ(t *testing.T) {
	u, srv := mailUser(t)
	intro := u.sentNote("malvarez@elmpeds.test")
	deliverMail(t, srv, "frontdesk@elmpeds.test", "Re: Hello from Anna", intro, u.now)
	deliverMail(t, srv, "sister@family.example", "Sunday lunch", "", u.now)
	deliverMail(t, srv, "billing@utility.example", "Your bill", "", u.now)

	t.Run("the first pass shows the reply and counts the private mail without listing it", func(t *testing.T) {
		out, errs, code := u.run("inbox", "sync")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, "malvarez@elmpeds.test") || !strings.Contains(out, "contacted → replied") {
			t.Errorf("the reply is not shown:\n%s", out)
		}
		if strings.Count(out, "INBOX") != 1 {
			t.Errorf("mail about no contact is listed:\n%s", out)
		}
		if !strings.Contains(out, "3 new messages processed, 1 about your contacts") {
			t.Errorf("summary:\n%s", out)
		}
	})
	t.Run("a second pass finds nothing new", func(t *testing.T) {
		if out, _, _ := u.run("inbox", "sync"); strings.TrimSpace(out) != "no new mail" {
			t.Errorf("second pass:\n%s", out)
		}
	})
	t.Run("mail handled before is not counted as new when the server renumbers the mailbox", func(t *testing.T) {
		if err := srv.ResetMailbox(demoUser, "INBOX", true); err != nil {
			t.Fatal(err)
		}
		out, _, _ := u.run("inbox", "sync")
		if strings.TrimSpace(out) != "no new mail; 3 messages handled before, nothing changed" {
			t.Errorf("after the renumbering:\n%s", out)
		}
	})
	t.Run("-q prints nothing, and the mail is still processed", func(t *testing.T) {
		deliverMail(t, srv, "friend@elsewhere.example", "Coffee?", "", u.now)
		out, errs, code := u.run("-q", "inbox", "sync")
		if code != 0 || out != "" || errs != "" {
			t.Errorf("-q: exit %d, stdout %q, stderr %q", code, out, errs)
		}
		if out, _, _ := u.run("inbox", "sync"); strings.TrimSpace(out) != "no new mail" {
			t.Errorf("after -q:\n%s", out)
		}
	})
}
