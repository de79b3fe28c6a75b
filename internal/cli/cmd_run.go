package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"

	"rapport/internal/config"
	"rapport/internal/daemon"
	"rapport/internal/dispatch"
	"rapport/internal/store"
)

func cmdRun() *command {
	return &command{
		name:    "run",
		summary: "the daemon: campaigns on their schedules, the inbox watcher, spreadsheet sources",
		help: `Runs until stopped. Active campaigns send on their schedules, inside the send
window, at the pace of the caps; replies, bounces, out-of-office answers and
opt-outs are handled within seconds of arriving. SIGINT or SIGTERM finish the
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
	go func() {
		for range hup {
			select {
			case reload <- struct{}{}:
			default:
			}
		}
	}()
	return daemon.Run(ctx, a.daemonOptions(st, reload))
}

func (a *app) daemonOptions(st *store.Store, reload <-chan struct{}) daemon.Options {
	return daemon.Options{Store: st, LockPath: daemon.LockPath(st.Path()), Reload: reload,
		Log: a.log, Clock: clockOf(a), Load: func(ctx context.Context) (*daemon.Runtime, error) { return a.runtime(ctx) }}
}

// runtime builds the daemon's setup from the files as they are now: a
// fresh config, campaigns and templates, with connections to the mail
// servers. Any problem refuses the whole (re)load.
func (a *app) runtime(ctx context.Context) (*daemon.Runtime, error) {
	cfg, err := config.Load(a.configPath)
	if err != nil {
		return nil, err
	}
	a.cfg = cfg
	camps, err := a.campaigns()
	if err != nil {
		return nil, err
	}
	d, closeMailer, err := a.dispatcher(ctx, true)
	if err != nil {
		return nil, err
	}
	rt := &daemon.Runtime{Campaigns: camps, Dispatcher: d, Close: closeMailer}
	if cfg.IMAP.Host != "" {
		if rt.Watcher, err = a.watcher(ctx, nil); err != nil {
			closeMailer()
			return nil, err
		}
		a.attachSentFolder(ctx, rt, d)
	}
	rt.Sources = a.sources(ctx)
	return rt, nil
}

// attachSentFolder opens the Sent folder for copies and recovery; when it
// cannot be opened now the daemon runs without it and says so.
func (a *app) attachSentFolder(ctx context.Context, rt *daemon.Runtime, d *dispatch.Dispatcher) {
	sf, err := a.sentFolder(ctx)
	if err != nil {
		a.log.Warn("sent_folder_unavailable", "error", err.Error())
		return
	}
	rt.Sent = sf
	if wantSentCopy(a.cfg) {
		d.SetSentCopy(sf)
	}
	prev := rt.Close
	rt.Close = func() { prev(); sf.Close() }
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
