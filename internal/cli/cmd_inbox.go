package cli

import (
	"context"

	"github.com/emersion/go-imap/v2/imapclient"

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
event (rapport events show NAME). Mail that concerns none of your contacts
is left alone and unread by rapport.`,
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
	var rows [][]string
	for _, r := range res {
		move := ""
		if r.StageFrom != r.StageTo {
			move = r.StageFrom + " → " + r.StageTo
		}
		who := r.Contact
		if r.Duplicate {
			who += " (seen before)"
		}
		rows = append(rows, []string{r.Mailbox, itoa(r.UID), r.Class, who, move})
	}
	if len(rows) > 0 {
		a.table([]string{"MAILBOX", "UID", "CLASS", "CONTACT", "STAGE"}, rows)
	}
	a.say("%s processed", plural(len(res), "new message"))
	return err
}

// watcher wires the inbox watcher from [imap] and [sending].
func (a *app) watcher(ctx context.Context, onResult func(inbox.Result)) (*inbox.Watcher, error) {
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	o, err := a.imapOptions(ctx)
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
	return inbox.NewWatcher(inbox.WatchOptions{
		Dial: func(ctx context.Context, h *imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
			oo := o
			oo.Client = &imapclient.Options{UnilateralDataHandler: h}
			return imapconn.Dial(ctx, oo)
		},
		Processor: &inbox.Processor{Store: st, Self: cfg.Identity.Email, AutoReplyPause: cfg.Sending.AutoReplyPause.Duration, Now: a.env.Now,
			AcceptedStage: cfg.Events.Accepted},
		Positions: st, Mailbox: cfg.IMAP.Mailbox, Junk: junk, Processed: cfg.IMAP.ProcessedFolder,
		Poll: cfg.IMAP.Poll.Duration, Now: a.env.Now, Log: a.log,
		OnState:  func(s string) { st.SetSetting(context.WithoutCancel(ctx), watcherKey, s) },
		OnResult: onResult,
	}), nil
}

const watcherKey = "watcher.state"

var _ inbox.Store = (*store.Store)(nil)
