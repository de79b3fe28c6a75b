package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"rapport/internal/campaign"
	"rapport/internal/dispatch"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

func cmdSend() *command {
	var limit int
	var dry bool
	return &command{
		name:    "send",
		args:    "NAME [--limit N] [--dry-run]",
		summary: "one campaign tick now: send what is due, obeying the window and the caps",
		help: `Sends the notes of campaign NAME that are due now, at the pace of [sending]
(per_hour, per_day, min_gap), and only inside the send window. Notes that do
not fit wait for the next tick. A contact who answered, bounced or opted out
is never written to. A paused campaign is not sent.`,
		example: "rapport send intro-physicians --dry-run\nrapport send intro-physicians --limit 5",
		setup: func(fs *flag.FlagSet) {
			fs.IntVar(&limit, "limit", 0, "send at most N notes")
			fs.BoolVar(&dry, "dry-run", false, "show what would be sent; send nothing")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the campaign name"); err != nil {
				return err
			}
			if limit < 0 {
				return usagef("--limit must be positive")
			}
			return runSend(ctx, a, args[0], dispatch.TickOptions{Limit: limit, DryRun: dry})
		},
	}
}

type sendJSON struct {
	Campaign  string `json:"campaign"`
	Step      string `json:"step"`
	Contact   string `json:"contact"`
	State     string `json:"state"`
	MessageID string `json:"message_id,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

func runSend(ctx context.Context, a *app, name string, o dispatch.TickOptions) error {
	c, err := a.campaign(name)
	if err != nil {
		return err
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	if cs, err := st.Campaign(ctx, c.Name); err != nil {
		return err
	} else if cs.State == store.CampaignPaused {
		return invalidf("campaign %s is paused: `rapport campaigns start %s` resumes it", c.Name, c.Name)
	}
	d, done, err := a.dispatcher(ctx, !o.DryRun)
	if err != nil {
		return err
	}
	defer done()
	if !o.DryRun {
		if sf := a.recoverFirst(ctx, d); sf != nil {
			defer sf.Close()
		}
	}
	bar := a.progress("sending")
	d.SetProgress(func(dispatch.Result) { bar.Add(1) })
	rep, err := d.Tick(ctx, []*campaign.Campaign{c}, o)
	bar.Finish()
	if rep != nil {
		printTick(a, rep, o.DryRun)
	}
	if errors.Is(err, dispatch.ErrPaused) {
		return fmt.Errorf("%w; fix the cause, then run `rapport check` (it resumes sending once the login works)", err)
	}
	return err
}

func printTick(a *app, rep *dispatch.Report, dry bool) {
	if a.json {
		out := []sendJSON{}
		for _, r := range rep.Results {
			out = append(out, sendJSON{Campaign: r.Campaign, Step: r.Step, Contact: label(r.Contact), State: string(r.State),
				MessageID: r.MessageID, Reason: r.Reason})
		}
		a.printJSON(map[string]any{"sent": rep.Sent, "deferred": rep.Deferred, "failed": rep.Failed, "unknown": rep.Unknown,
			"skipped": rep.Skipped, "due": rep.Due, "stopped": rep.Stopped, "results": out})
		return
	}
	var rows [][]string
	for _, r := range rep.Results {
		state := string(r.State)
		if state == "" {
			state = "skipped"
			if dry && r.Reason == "would be sent" {
				state, r.Reason = "would send", ""
			}
		}
		rows = append(rows, []string{state, label(r.Contact), r.Campaign + "/" + r.Step, r.Reason})
	}
	if len(rows) > 0 {
		a.table([]string{"RESULT", "CONTACT", "NOTE", "DETAIL"}, rows)
	}
	if dry {
		a.say("dry run: %s due; nothing was sent", plural(rep.Due, "note"))
		return
	}
	a.say("%d sent, %d deferred, %d failed, %d uncertain, %d skipped", rep.Sent, rep.Deferred, rep.Failed, rep.Unknown, rep.Skipped)
	if rep.Stopped != "" {
		a.say("stopped: %s", rep.Stopped)
	}
	if rep.Unknown > 0 {
		a.say("uncertain notes wait for your decision: `rapport outbox list`")
	}
}

// recoverFirst settles sends a crash left uncertain before sending more,
// as the daemon does at start: what is found in the Sent folder is
// recorded as sent; the rest waits in the outbox for the user.
// It returns the Sent folder, which also receives the copies of this
// tick's notes; the caller closes it.
func (a *app) recoverFirst(ctx context.Context, d *dispatch.Dispatcher) *mailer.SentFolder {
	if a.cfg.IMAP.Host == "" {
		return nil
	}
	sf, err := a.sentFolder(ctx)
	if err != nil {
		a.log.Warn("sent_folder_unavailable", "error", err.Error())
		return nil
	}
	if wantSentCopy(a.cfg) {
		d.SetSentCopy(sf)
	}
	found, waiting, err := d.Recover(ctx, sf)
	if err != nil {
		a.log.Warn("recovery_failed", "error", err.Error())
	}
	if found > 0 {
		a.note("%s left uncertain by an interruption were found in your Sent folder and recorded as sent", plural(found, "note"))
	}
	if waiting > 0 {
		a.note("%s may or may not have gone out; they wait for your decision: `rapport outbox list`", plural(waiting, "note"))
	}
	return sf
}
