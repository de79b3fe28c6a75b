package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/daemon"
	"rapport/internal/inbox"
	"rapport/internal/store"
)

func cmdStatus() *command {
	return &command{
		name:    "status",
		summary: "is the daemon running, campaigns and their ticks, sends today against the caps, the watcher, the outbox",
		example: "rapport status\nrapport status --json",
		run:     runStatus,
	}
}

type statusJSON struct {
	Daemon struct {
		Running bool   `json:"running"`
		PID     int    `json:"pid,omitempty"`
		Since   string `json:"since,omitempty"`
	} `json:"daemon"`
	// Sender is the `rapport send` sending for the store now, if any.
	Sender *struct {
		PID   int    `json:"pid"`
		Since string `json:"since"`
	} `json:"sender,omitempty"`
	Sending struct {
		Paused      bool   `json:"paused"`
		PausedWhy   string `json:"paused_reason,omitempty"`
		LastHour    int    `json:"last_hour"`
		PerHour     int    `json:"per_hour"`
		Last24Hours int    `json:"last_24_hours"`
		PerDay      int    `json:"per_day"`
	} `json:"sending"`
	Campaigns []campaignJSON `json:"campaigns"`
	Watcher   string         `json:"watcher"`
	// WatcherState is the watcher's own record, when the daemon runs one.
	WatcherState *inbox.State `json:"watcher_state,omitempty"`
	SignIn       *signInJSON  `json:"sign_in,omitempty"`
	LastSend     *lastSend    `json:"last_manual_send,omitempty"`
	Outbox       int          `json:"outbox_waiting"`
	InFlight     int          `json:"in_flight"`
	Deferred     int          `json:"deferred"`
	Sources      []sourceJSON `json:"sources"`
	// Print batches written and not marked mailed yet, and their letters.
	BatchesWaiting int `json:"print_batches_waiting"`
	LettersWaiting int `json:"letters_waiting"`
	// Dashboard is the link that opens the dashboard, when one is served.
	Dashboard string `json:"dashboard,omitempty"`
}

type sourceJSON struct {
	Path       string `json:"path"`
	LastImport string `json:"last_import,omitempty"`
	Created    int    `json:"created"`
	Updated    int    `json:"updated"`
	Skipped    int    `json:"skipped"`
}

func runStatus(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 0, 0, ""); err != nil {
		return err
	}
	cfg, err := a.config()
	if err != nil {
		return err
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	var s statusJSON
	h, locked := daemon.Running(daemon.LockPath(st.Path()))
	running := locked && h.Role != daemon.RoleSend
	if running {
		s.Daemon.Running, s.Daemon.PID, s.Daemon.Since = true, h.PID, a.when(h.Since)
	} else if locked {
		s.Sender = &struct {
			PID   int    `json:"pid"`
			Since string `json:"since"`
		}{h.PID, a.when(h.Since)}
	}
	if err := a.sendingStatus(ctx, st, &s); err != nil {
		return err
	}
	s.SignIn = a.signInStatus(ctx)
	if v, _, ok, _ := st.Setting(ctx, keyLastSend); ok {
		var ls lastSend
		if json.Unmarshal([]byte(v), &ls) == nil {
			s.LastSend = &ls
		}
	}
	if err := batchesWaiting(ctx, st, &s); err != nil {
		return err
	}
	list, _ := a.loadCampaigns()
	for _, c := range list {
		cj, err := a.core().DescribeCampaign(ctx, c)
		if err != nil {
			return err
		}
		s.Campaigns = append(s.Campaigns, cj)
	}
	s.Watcher, s.WatcherState = a.watcherStatus(ctx, st, running)
	for _, src := range cfg.Sources {
		sj := sourceJSON{Path: src.Path}
		if l, err := st.LastImport(ctx, cfg.Resolve(src.Path)); err == nil {
			sj.LastImport, sj.Created, sj.Updated, sj.Skipped = a.when(l.At), l.Created, l.Updated, l.Skipped
		}
		s.Sources = append(s.Sources, sj)
	}
	s.Dashboard = a.dashboardURL(ctx)
	if a.json {
		s.Campaigns, s.Sources = nonNil(s.Campaigns), nonNil(s.Sources)
		return a.printJSON(s)
	}
	printStatus(a, &s)
	return nil
}

// watcherStatus says what the daemon's inbox watcher is doing, from what
// the watcher records in the store.
func (a *app) watcherStatus(ctx context.Context, st *store.Store, running bool) (string, *inbox.State) {
	switch {
	case !running:
		return "not running (the daemon watches the inbox; `rapport inbox sync` checks once)", nil
	case a.cfg.IMAP.Host == "":
		return "off: rapport.toml has no [imap] account, so answers are not noticed", nil
	}
	v, _, _, _ := st.Setting(ctx, daemon.KeyWatcher)
	ws, err := inbox.ParseState(v)
	if err != nil {
		if v == "" {
			return "starting", nil
		}
		return v, nil // the daemon's own note, e.g. "stopped: ..."
	}
	return a.describeWatcher(ws), &ws
}

func (a *app) describeWatcher(ws inbox.State) string {
	switch ws.Phase {
	case inbox.PhaseConnecting:
		return "connecting to the mail server (since " + a.when(ws.Since) + ")"
	case inbox.PhaseCatchingUp:
		return "reading new mail (connected since " + a.when(ws.Connected) + ")"
	case inbox.PhaseIdle:
		return "idle, waiting for new mail (IMAP IDLE, connected since " + a.when(ws.Connected) + ")"
	case inbox.PhaseReconnecting:
		next := "trying again now"
		if ws.NextTry.After(a.env.Now()) {
			next = "next try at " + a.whenAfter(ws.NextTry, ws.Since)
		}
		return fmt.Sprintf("RECONNECTING since %s (%s): %s. New answers are read once it connects; "+
			"`rapport check` tests the [imap] settings", a.when(ws.Since), next, ws.LastError)
	case inbox.PhaseStopped:
		return "stopped at " + a.when(ws.Since)
	}
	return string(ws.Phase)
}

// whenAfter is t for people, without its date when that is since's.
func (a *app) whenAfter(t, since time.Time) string {
	day, rest, _ := strings.Cut(a.when(t), " ")
	if sinceDay, _, _ := strings.Cut(a.when(since), " "); sinceDay == day {
		return rest
	}
	return a.when(t)
}

func (a *app) sendingStatus(ctx context.Context, st *store.Store, s *statusJSON) error {
	why, _, paused, err := st.SendingPaused(ctx)
	if err != nil {
		return err
	}
	s.Sending.Paused, s.Sending.PausedWhy = paused, why
	now := a.env.Now()
	times, err := st.SentTimes(ctx, now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	for _, t := range times {
		if now.Sub(t) < time.Hour {
			s.Sending.LastHour++
		}
	}
	s.Sending.Last24Hours, s.Sending.PerHour, s.Sending.PerDay = len(times), a.cfg.Sending.PerHour, a.cfg.Sending.PerDay
	waiting, err := st.Sends(ctx, store.SendFilter{States: []contact.SendState{contact.SendSending, contact.SendUnknown}})
	if err != nil {
		return err
	}
	live := a.core().LiveOwner()
	for _, w := range waiting {
		if w.Channel == "letter" {
			continue // print batches settle themselves
		}
		if w.InFlight(live) {
			s.InFlight++
		} else {
			s.Outbox++
		}
	}
	deferred, err := st.Sends(ctx, store.SendFilter{States: []contact.SendState{contact.SendDeferred}})
	s.Deferred = len(deferred)
	return err
}

func printStatus(a *app, s *statusJSON) {
	if s.Daemon.Running {
		a.say("daemon:    running (pid %d, since %s)", s.Daemon.PID, s.Daemon.Since)
	} else {
		a.say("daemon:    not running (`rapport run` starts it)")
	}
	if s.Sender != nil {
		a.say("sending:   `rapport send` is sending now (pid %d, since %s)", s.Sender.PID, s.Sender.Since)
	}
	if s.Sending.Paused {
		a.say("sending:   PAUSED: %s", s.Sending.PausedWhy)
	}
	a.say("sent:      %d in the last hour (%s), %d in 24 hours (%s)", s.Sending.LastHour, capWords(s.Sending.PerHour),
		s.Sending.Last24Hours, capWords(s.Sending.PerDay))
	if si := s.SignIn; si != nil && si.Problem != "" {
		a.say("sign-in:   PROBLEM: %s", si.Problem)
	} else if si != nil {
		a.say("sign-in:   %s as %s, since %s", si.Provider, orDash(si.Account), si.SignedIn)
	}
	if s.LastSend != nil {
		a.say("last send: %s by hand (`rapport send %s`): %s", a.day(s.LastSend.At), s.LastSend.Campaign, s.LastSend.Summary)
	}
	a.say("watcher:   %s", s.Watcher)
	if s.Dashboard != "" {
		a.say("dashboard: %s", s.Dashboard)
	} else {
		a.say("dashboard: not served (`rapport run` or `rapport dashboard` serves it)")
	}
	outbox := fmt.Sprintf("%d waiting for your decision, %d to retry", s.Outbox, s.Deferred)
	if s.InFlight > 0 {
		outbox += fmt.Sprintf(", %d being sent right now", s.InFlight)
	}
	a.say("outbox:    %s", outbox)
	if s.BatchesWaiting > 0 {
		a.say("letters:   %s (%s) written, waiting to be printed and mailed: `rapport letters batches`",
			batches(s.BatchesWaiting), plural(s.LettersWaiting, "letter"))
	}
	for _, c := range s.Campaigns {
		a.say("campaign:  %-20s %-8s last %-16s next %s", c.Name, c.State, orDash(c.LastTick), orDash(c.NextTick))
	}
	for _, src := range s.Sources {
		a.say("source:    %s, last import %s (%d new, %d updated, %d skipped)", src.Path, orDash(src.LastImport), src.Created, src.Updated, src.Skipped)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// batchesWaiting counts the print batches written and not marked mailed.
func batchesWaiting(ctx context.Context, st *store.Store, s *statusJSON) error {
	list, err := st.LetterBatches(ctx)
	if err != nil {
		return err
	}
	for _, b := range list {
		if b.Written() && b.MailedAt.IsZero() {
			s.BatchesWaiting++
			s.LettersWaiting += b.Count
		}
	}
	return nil
}

// batches writes "1 print batch", "2 print batches".
func batches(n int) string {
	if n == 1 {
		return "1 print batch"
	}
	return fmt.Sprintf("%d print batches", n)
}

// capWords says a cap; per_hour = 0 means none.
func capWords(n int) string {
	if n <= 0 {
		return "no cap"
	}
	return fmt.Sprintf("cap %d", n)
}
