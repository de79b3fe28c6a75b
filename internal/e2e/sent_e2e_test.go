package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"rapport/internal/imapconn"
	"rapport/internal/mailer"
)

// Copies of sent notes reach Dovecot's Sent folder in batches (one
// MULTIAPPEND each), all of them, each findable by its Message-ID.
func TestE2ESentCopiesGoInBatches(t *testing.T) {
	s := Require(t)
	ctx := context.Background()
	a, err := imapconn.DialAppender(ctx, imapOptions(t, s, s.User))
	if err != nil {
		t.Fatalf("Dovecot offers MULTIAPPEND and LITERAL+, yet: %v", err)
	}
	a.Close()
	sf, err := mailer.OpenSentFolder(ctx, imapOptions(t, s, s.User), "")
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	run := UniqueSuffix()
	var ids []string
	for i := range 300 {
		id := fmt.Sprintf("copy%03d.%s@rapport.test", i, run)
		ids = append(ids, id)
		sf.Copy(Message(s.User, "doc01@clinic.test", "Copy "+run, id, "Hello."), time.Now())
	}
	if err := sf.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	found, err := sf.Find(ctx, []string{ids[0], ids[150], ids[299], "never." + run + "@rapport.test"})
	if err != nil {
		t.Fatal(err)
	}
	if !found[ids[0]] || !found[ids[150]] || !found[ids[299]] || found["never."+run+"@rapport.test"] {
		t.Errorf("found %v", found)
	}
}
