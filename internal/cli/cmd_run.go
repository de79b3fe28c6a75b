package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	core "rapport/internal/app"
	"rapport/internal/config"
	"rapport/internal/daemon"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

func cmdRun() *command {
	return &command{
		name:    "run",
		summary: "the daemon: campaigns on their schedules, the inbox watcher, spreadsheet sources, the dashboard",
		help: `Runs until stopped. Active campaigns send on their schedules, inside the send
window, at the pace of the caps; replies, bounces, out-of-office answers and
opt-outs are handled within seconds of arriving. It serves the dashboard too,
and prints its link. SIGINT or SIGTERM finish the
note in flight and stop; SIGHUP reloads rapport.toml, campaigns and templates
(a reload with errors is refused and the running setup stays). Logs are text
on a terminal and JSON otherwise. See contrib/rapport.service for systemd.`,
		example: "rapport run\nsystemctl --user enable --now rapport",
		run:     runDaemon,
	}
}

func runDaemon(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 0, 0, ""); err != nil {
		return err
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{}, 1)
	hctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		for {
			select {
			case <-hctx.Done():
				return
			case <-hup:
			}
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()
	o := a.daemonOptions(st, reload)
	o.Serve = a.daemonDashboard(ctx)
	return daemon.Run(ctx, o)
}

// daemonDashboard is the daemon's dashboard; it says its link once it
// listens. A dashboard that cannot start is logged, and sending goes on.
func (a *app) daemonDashboard(ctx context.Context) func(context.Context) error {
	srv, err := a.dashboardServer(ctx)
	if err != nil {
		a.log.Error("dashboard_unavailable", "error", err.Error())
		return nil
	}
	told := false
	return func(ctx context.Context) error {
		ln, err := srv.Listen()
		if err != nil {
			return err
		}
		if !told {
			a.say("dashboard: %s", srv.URL())
			told = true
		}
		return a.serveDashboard(ctx, srv, ln)
	}
}

func (a *app) daemonOptions(st *store.Store, reload <-chan struct{}) daemon.Options {
	return daemon.Options{Store: st, LockPath: daemon.LockPath(st.Path()), Reload: reload,
		Log: a.log, Clock: clockOf(a), Load: a.runtime}
}

// runtime builds the daemon's setup from the files as they are now: a
// fresh config, campaigns and templates, with connections to the mail
// servers, for the sender whose lock token is owner. Any problem refuses
// the whole (re)load.
func (a *app) runtime(ctx context.Context, owner string) (*daemon.Runtime, error) {
	cfg, err := config.Load(a.configPath)
	if err != nil {
		return nil, err
	}
	a.cfg = cfg
	camps, err := a.campaigns()
	if err != nil {
		return nil, err
	}
	s := &core.Sending{Owner: owner}
	var sf *mailer.SentFolder
	if cfg.IMAP.Host != "" {
		// Without the Sent folder now, the daemon runs on and says so.
		if sf = a.recoverSentFolder(ctx); sf != nil && core.WantSentCopy(cfg) {
			s.SentCopy = sf
		}
	}
	closeSent := func() {
		if sf != nil {
			sf.Close()
		}
	}
	d, closeMailer, err := a.dispatcher(ctx, s)
	if err != nil {
		closeSent()
		return nil, err
	}
	rt := &daemon.Runtime{Campaigns: camps, Dispatcher: d, Close: func() { closeMailer(); closeSent() }}
	if sf != nil {
		rt.Sent = sf
	}
	if cfg.IMAP.Host != "" {
		if rt.Watcher, err = a.watcher(ctx, nil); err != nil {
			rt.Close()
			return nil, err
		}
	}
	rt.Sources = a.sources(ctx)
	// The files are accepted: record their events now, so that an event
	// whose time or place changed owes its update from this moment on.
	if changed, err := d.SyncEvents(ctx, camps); err != nil {
		a.log.Warn("event_sync_failed", "error", err.Error())
	} else {
		for _, e := range changed {
			a.log.Info("event_update_due", "campaign", e.Campaign, "step", e.Step, "sequence", e.Sequence)
		}
	}
	return rt, nil
}

func clockOf(a *app) daemon.Clock { return envClock{a.env} }

type envClock struct{ env Env }

func (c envClock) Now() time.Time                         { return c.env.Now() }
func (c envClock) After(d time.Duration) <-chan time.Time { return c.env.After(d) }

// sources builds the [[sources]] spreadsheets the daemon keeps imported.
func (a *app) sources(ctx context.Context) []daemon.Source {
	var out []daemon.Source
	for _, src := range a.cfg.Sources {
		o := sourceOptions(a.cfg, src)
		out = append(out, &daemon.SheetSource{Path: o.Source, Options: o, Store: a.st, Log: a.log, Now: a.env.Now})
	}
	return out
}
