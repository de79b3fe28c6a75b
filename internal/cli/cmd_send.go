package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	core "rapport/internal/app"
	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/daemon"
	"rapport/internal/dispatch"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

func cmdSend() *command {
	var limit int
	var dry, wait bool
	return &command{
		name:    "send",
		args:    "NAME [--limit N] [--dry-run] [--wait]",
		summary: "one campaign tick now: send what is due, obeying the window and the caps",
		help: `Sends the notes of campaign NAME that are due now, at the pace of [sending]
(per_hour, per_day, min_gap), and only inside the send window. It sends what
fits now and says when the rest goes; with --wait it stays until everything
due is sent (or the window closes). A contact who answered, bounced or opted
out is never written to. The campaign must be started (campaigns start); a
paused one is not sent. Only one process sends for a store at a time: while
rapport run is running it sends for you, and two sends take turns.`,
		example: "rapport send intro-physicians --dry-run\nrapport send intro-physicians --limit 5\nrapport send intro-physicians --wait",
		setup: func(fs *flag.FlagSet) {
			fs.IntVar(&limit, "limit", 0, "send at most N notes")
			fs.BoolVar(&dry, "dry-run", false, "show what would be sent; send nothing")
			fs.BoolVar(&wait, "wait", false, "stay until every due note is sent, waiting for the caps")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the campaign name"); err != nil {
				return err
			}
			if limit < 0 {
				return usagef("--limit must be positive")
			}
			o := dispatch.TickOptions{Limit: limit, DryRun: dry}
			if wait {
				o.MaxWait = 24 * time.Hour
			}
			return runSend(ctx, a, args[0], o)
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
	if o.DryRun {
		return a.tick(ctx, c, o, nil)
	}
	if err := mustBeActive(ctx, st, c.Name); err != nil {
		return err
	}
	lock, err := daemon.AcquireWait(ctx, daemon.LockPath(st.Path()), daemon.RoleSend, a.env.Now, func(h daemon.Holder) {
		a.note("%s is sending for this folder since %s; waiting for it to finish…", h, a.day(h.Since))
	})
	if errors.Is(err, daemon.ErrRunning) {
		h, _ := daemon.Running(daemon.LockPath(st.Path()))
		return fmt.Errorf("%s is running (since %s) and sends for this folder, one note at a time: campaign %s is active, "+
			"so its due notes go out at its next tick (%s); `rapport status` shows what it is doing", h, a.day(h.Since), c.Name, a.nextTick(c))
	}
	if err != nil {
		return err
	}
	defer lock.Release()
	s := &core.Sending{Owner: lock.Token()}
	if sf := a.recoverSentFolder(ctx); sf != nil {
		defer sf.Close()
		if core.WantSentCopy(a.cfg) {
			s.SentCopy = sf
		}
		return a.tick(ctx, c, o, &recovery{s: s, sf: sf})
	}
	return a.tick(ctx, c, o, &recovery{s: s})
}

// mustBeActive refuses to send a campaign that was never started (the
// checks of `campaigns start` have not run) or is paused.
func mustBeActive(ctx context.Context, st *store.Store, name string) error {
	cs, err := st.Campaign(ctx, name)
	if err != nil {
		return err
	}
	switch cs.State {
	case store.CampaignActive:
		return nil
	case store.CampaignPaused:
		return invalidf("campaign %s is paused: `rapport campaigns start %s` resumes it (nothing was sent)", name, name)
	}
	return invalidf("campaign %s is not started: `rapport campaigns start %s` checks every note and arms it; "+
		"`rapport campaigns test %s --to you@…` sends yourself a sample (nothing was sent)", name, name, name)
}

// nextTick says when an active campaign's schedule next fires.
func (a *app) nextTick(c *campaign.Campaign) string {
	return a.day(c.Schedule.Next(a.env.Now()))
}

// recovery is how a send settles what a crash left uncertain first.
type recovery struct {
	s  *core.Sending
	sf *mailer.SentFolder // nil without IMAP
}

// tick runs one tick of c and prints it; rec is nil for a dry run.
func (a *app) tick(ctx context.Context, c *campaign.Campaign, o dispatch.TickOptions, rec *recovery) error {
	var s *core.Sending
	if rec != nil {
		s = rec.s
	}
	d, done, err := a.dispatcher(ctx, s)
	if err != nil && s != nil {
		return a.printOnly(ctx, c, s, err)
	}
	if err != nil {
		return err
	}
	defer done()
	if rec != nil {
		a.recoverFirst(ctx, d, rec.sf)
	}
	letters, perr := a.printLetters(ctx, d, []*campaign.Campaign{c}, o.DryRun)
	pr := a.sendProgress()
	o.Progress = pr.update
	rep, err := d.Tick(ctx, []*campaign.Campaign{c}, o)
	pr.finish()
	if rep != nil {
		a.printTick(rep, o.DryRun, letters)
		if !o.DryRun {
			a.recordManualSend(ctx, c.Name, rep, letters)
		}
	}
	if err == nil && ctx.Err() != nil {
		return ctx.Err() // Ctrl-C: said so, and not a success
	}
	if errors.Is(err, dispatch.ErrPaused) {
		err = fmt.Errorf("%w; fix the cause, then run `rapport check` (it resumes sending once the login works)", err)
	}
	return errors.Join(perr, err)
}

func (a *app) printTick(rep *dispatch.Report, dry bool, letters *dispatch.PrintReport) {
	results := append(printResults(letters), rep.Results...)
	if a.json {
		out := []sendJSON{}
		for _, r := range results {
			out = append(out, sendJSON{Campaign: r.Campaign, Step: r.Step, Contact: label(r.Contact), State: string(r.State),
				MessageID: r.MessageID, Reason: r.Reason})
		}
		j := map[string]any{"problems": nonNil(rep.Problems), "sent": rep.Sent, "deferred": rep.Deferred, "failed": rep.Failed, "unknown": rep.Unknown,
			"skipped": rep.Skipped, "due": rep.Due, "stopped": rep.Stopped, "left": rep.Left, "unrecorded": rep.Unrecorded, "results": out}
		if !rep.NextAt.IsZero() {
			j["next_at"] = rep.NextAt.Format(time.RFC3339)
		}
		if letters != nil {
			batches := []batchJSON{}
			for _, b := range letters.Batches {
				batches = append(batches, a.batchJSON(b.Batch, ""))
			}
			j["printed"], j["print_batches"] = letters.Letters(), batches
		}
		a.printJSON(j)
		return
	}
	var rows [][]string
	for _, r := range results {
		state := string(r.State)
		if r.State == contact.SendPrinted {
			state = "letter" // written to a PDF; the user prints it
		}
		if state == "" {
			state = "skipped"
			switch {
			case dry && r.Reason == "would be sent":
				state, r.Reason = "would send", ""
			case dry && r.Reason == "would be printed":
				state, r.Reason = "would print", ""
			}
		}
		rows = append(rows, []string{state, label(r.Contact), r.Campaign + "/" + r.Step, r.Reason})
	}
	if len(rows) > 0 {
		a.table([]string{"RESULT", "CONTACT", "NOTE", "DETAIL"}, rows)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(a.stderr, "problem: %s\n", p)
	}
	if rep.Due == 0 && len(rep.Problems) == 0 && len(printResults(letters)) == 0 {
		a.say("%s", a.nothingDue(rep))
		return
	}
	if dry {
		due := plural(rep.Due, "note")
		if letters != nil && len(letters.Would) > 0 {
			due += " and " + plural(len(letters.Would), "letter")
		}
		a.say("dry run: %s due; nothing was sent or printed", due)
		return
	}
	a.say("%s", tickSummary(rep, letters))
	a.sayBatches(letters)
	if rep.Stopped != "" && rep.Left > 0 {
		a.say("%s not sent yet: %s. `rapport run` sends them on the campaign's schedule, or run `rapport send` again later.",
			plural(rep.Left, "due note"), rep.Stopped)
	} else if rep.Stopped != "" {
		a.say("stopped: %s", rep.Stopped)
	}
	if rep.Unrecorded > 0 {
		a.say("%s went to the server but could not be recorded (the store was busy); they show in `rapport outbox list` "+
			"until rapport finds them in your Sent folder: do not resend them", plural(rep.Unrecorded, "note"))
	}
	if rep.Unknown > 0 {
		a.say("uncertain notes wait for your decision: `rapport outbox list`")
	}
	if rep.CopyErr != nil {
		a.say("note: %v (the notes themselves went out)", rep.CopyErr)
	}
}

// nothingDue says why a tick had nothing to send, in the plan's words.
func (a *app) nothingDue(rep *dispatch.Report) string {
	words := []struct {
		code campaign.Code
		what string
	}{
		{campaign.CodeWindow, "due but outside the send window"},
		{campaign.CodeWaiting, "waiting for their next step"},
		{campaign.CodeCap, "waiting for the sending cap"},
		{campaign.CodeReplied, "answered"},
		{campaign.CodeAutoReply, "away (out-of-office)"},
		{campaign.CodeOutbox, "waiting for your decision in `rapport outbox list`"},
		{campaign.CodeSending, "being sent right now"},
		{campaign.CodeBounced, "bounced"},
		{campaign.CodeOptedOut, "opted out"},
		{campaign.CodeStage, "in a stage the campaign skips"},
		{campaign.CodeHeld, "no longer in their spreadsheet"},
		{campaign.CodeNoEmail, "without an email address"},
		{campaign.CodeNoAddress, "without a postal address"},
		{campaign.CodeUnmailed, "waiting for a print batch to be marked mailed"},
		{campaign.CodeFailed, "failed for good"},
		{campaign.CodeLeft, "no longer in the audience"},
		{campaign.CodeDone, "done with every step"},
	}
	var parts []string
	for _, w := range words {
		if n := rep.NotDue[w.code]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, w.what))
		}
	}
	if len(parts) == 0 {
		return "nothing is due now: nobody in the campaign's audience yet (import contacts, or check its [audience])"
	}
	s := "nothing is due now: " + joinComma(parts)
	if !rep.NextDueAt.IsZero() {
		s += "; the next falls due " + a.day(rep.NextDueAt)
	}
	return s
}

// tickSummary counts only what happened: "2 letters printed, 3 sent, 1
// skipped".
func tickSummary(rep *dispatch.Report, letters *dispatch.PrintReport) string {
	var parts []string
	if n := letters.Letters(); n > 0 {
		var ids []string
		for _, b := range letters.Batches {
			ids = append(ids, itoa(b.Batch.ID))
		}
		where := "print batch " + joinComma(ids)
		if len(ids) > 1 {
			where = "print batches " + joinComma(ids)
		}
		parts = append(parts, plural(n, "letter")+" written to "+where)
	}
	skipped := rep.Skipped
	if letters != nil {
		skipped += len(letters.Skipped)
	}
	for _, p := range []struct {
		n    int
		what string
	}{{rep.Sent, "sent"}, {rep.Deferred, "deferred (retried later)"}, {rep.Failed, "failed"},
		{rep.Unknown, "uncertain"}, {skipped, "skipped"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if len(parts) == 0 {
		return "nothing was sent"
	}
	return joinComma(parts)
}

func joinComma(parts []string) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s
}

// recoverSentFolder opens the Sent folder for recovery and copies, or nil
// when there is no IMAP account or it cannot be reached now (said in the
// log).
func (a *app) recoverSentFolder(ctx context.Context) *mailer.SentFolder {
	if a.cfg.IMAP.Host == "" {
		return nil
	}
	sf, err := a.core().SentFolder(ctx)
	if err != nil {
		a.log.Warn("sent_folder_unavailable", "error", err.Error())
		return nil
	}
	return sf
}

// recoverFirst settles sends a crash left uncertain before sending more,
// as the daemon does at start: what is found in the Sent folder is
// recorded as sent; the rest waits in the outbox for the user. The caller
// holds the sender lock.
func (a *app) recoverFirst(ctx context.Context, d *dispatch.Dispatcher, sf *mailer.SentFolder) {
	var finder dispatch.SentFinder
	if sf != nil {
		finder = sf
	}
	found, waiting, err := d.Recover(ctx, finder)
	if err != nil {
		a.log.Warn("recovery_failed", "error", err.Error())
	}
	if found > 0 {
		a.note("%s left uncertain by an interruption were found in your Sent folder and recorded as sent", plural(found, "note"))
	}
	if waiting > 0 {
		a.note("%s may or may not have gone out; they wait for your decision: `rapport outbox list`", plural(waiting, "note"))
	}
}

// keyLastSend is where the last `rapport send` is noted, for status.
const keyLastSend = "send.last"

// lastSend is the note `rapport send` leaves for `rapport status`.
type lastSend struct {
	At       time.Time `json:"at"`
	Campaign string    `json:"campaign"`
	Summary  string    `json:"summary"`
}

func (a *app) recordManualSend(ctx context.Context, name string, rep *dispatch.Report, letters *dispatch.PrintReport) {
	b, _ := json.Marshal(lastSend{At: a.env.Now(), Campaign: name, Summary: tickSummary(rep, letters)})
	if err := a.st.SetSetting(context.WithoutCancel(ctx), keyLastSend, string(b)); err != nil {
		a.log.Warn("record_last_send_failed", "error", err.Error())
	}
}
