package cli

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2/imapclient"

	"rapport/internal/daemon"
	"rapport/internal/imapconn"
	"rapport/internal/inbox"
	"rapport/internal/store"
)

func cmdInboxSync() *command {
	return &command{
		name:    "inbox sync",
		summary: "one pass over new mail: each message's class and the stage move it caused",
		help: `Reads what arrived in your inbox (and Junk folder) since the last pass, without
waiting for more. Replies move contacts to "replied" and stop their follow-ups;
hard bounces to "bounced"; opt-outs to "opted-out"; an out-of-office answer
moves nobody and makes the next note wait. Answers to your invitations, from
a calendar's Accept / Decline or a plain "count me in", are recorded on the
event (rapport events show NAME). Each new message about a contact is listed
with what it did; mail that concerns none of your contacts is only counted,
and left alone and unread by rapport. With -q nothing is printed but errors;
--json lists every message looked at.`,
		example: "rapport inbox sync\nrapport inbox sync --json",
		run:     runInboxSync,
	}
}

func runInboxSync(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 0, 0, ""); err != nil {
		return err
	}
	bar := a.progress("reading new mail")
	w, err := a.watcher(ctx, func(inbox.Result) { bar.Add(1) })
	if err != nil {
		return err
	}
	res, err := w.Sync(ctx)
	bar.Finish()
	if a.json {
		if res == nil {
			res = []inbox.Result{}
		}
		if jerr := a.printJSON(res); jerr != nil {
			return jerr
		}
		return err
	}
	if !a.quiet {
		printSync(a, res)
	}
	return err
}

// printSync shows what the new mail did to contacts, one row each, and
// counts the rest: mail that concerns no contact, and mail processed by an
// earlier pass (found again after the server renumbered the mailbox), which
// changed nothing this time.
func printSync(a *app, res []inbox.Result) {
	var rows [][]string
	fresh, seen := 0, 0
	for _, r := range res {
		if r.Duplicate {
			seen++
			continue
		}
		fresh++
		if r.Contact == "" {
			continue
		}
		move := ""
		if r.StageFrom != r.StageTo {
			move = r.StageFrom + " → " + r.StageTo
		}
		rows = append(rows, []string{r.Mailbox, itoa(r.UID), string(r.Class), r.Contact, move})
	}
	if len(rows) > 0 {
		a.table([]string{"MAILBOX", "UID", "CLASS", "CONTACT", "STAGE"}, rows)
	}
	line := "no new mail"
	if fresh > 0 {
		line = fmt.Sprintf("%s processed, %s", plural(fresh, "new message"), aboutContacts(len(rows), fresh))
	}
	if seen > 0 {
		line += fmt.Sprintf("; %s handled before, nothing changed", plural(seen, "message"))
	}
	a.say("%s", line)
}

func aboutContacts(n, of int) string {
	switch {
	case n == 0:
		return "none about your contacts"
	case n == of && n == 1:
		return "about one of your contacts"
	case n == of:
		return "all about your contacts"
	}
	return fmt.Sprintf("%d about your contacts", n)
}

// watcher wires the inbox watcher from [imap] and [sending]; it records
// its state where `rapport status` reads it.
func (a *app) watcher(ctx context.Context, onResult func(inbox.Result)) (*inbox.Watcher, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	o, err := a.core().IMAPOptions(ctx)
	if err != nil {
		return nil, err
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	junk := cfg.IMAP.Junk
	if cfg.IMAP.WatchJunk != nil && !*cfg.IMAP.WatchJunk {
		junk = "-"
	}
	dial := func(ctx context.Context, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
		oo := o
		oo.Client = &imapclient.Options{UnilateralDataHandler: h}
		return imapconn.Dial(ctx, oo)
	}
	return inbox.New(dial, st, &inbox.Options{
		Self: cfg.Identity.Email, AutoReplyPause: cfg.Sending.AutoReplyPause.Duration,
		Mailbox: cfg.IMAP.Mailbox, Junk: junk, Processed: cfg.IMAP.ProcessedFolder, AcceptedStage: cfg.Events.Accepted,
		// The safety poll and the reconnect backoff stay on real timers:
		// they are not schedules, and a test's clock must not fire them.
		Poll: cfg.IMAP.Poll.Duration, Now: a.env.Now, Log: a.log,
		OnState: func(s inbox.State) {
			st.SetSetting(context.WithoutCancel(ctx), daemon.KeyWatcher, s.Encode())
		},
		OnResult: onResult,
	}), nil
}

var _ inbox.Store = (*store.Store)(nil)
