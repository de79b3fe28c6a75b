package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"rapport/internal/campaign"
	"rapport/internal/dispatch"
	"rapport/internal/store"
)

// Watcher is the inbox watcher: Run returns only when ctx is done (it
// reconnects by itself) or on a fatal error.
type Watcher interface {
	Run(ctx context.Context) error
}

// Source is a spreadsheet the daemon keeps imported.
type Source interface {
	// Check re-imports the file if it changed since the last import.
	Check(ctx context.Context) error
}

// Runtime is everything built from the config; a SIGHUP builds a new one.
type Runtime struct {
	Campaigns  []*campaign.Campaign
	Dispatcher *dispatch.Dispatcher
	Watcher    Watcher             // nil when no IMAP account is configured
	Sent       dispatch.SentFinder // for recovery at start; may be nil
	Sources    []Source
	// SourceEvery is how often sources are checked (default 5 minutes).
	SourceEvery time.Duration
	// Close releases the runtime's connections; may be nil. It is called
	// once nothing uses the runtime any more: a reload during a tick
	// closes the old connections only when the tick is over.
	Close func()

	users   sync.WaitGroup // ticks and watchers using this runtime
	retired sync.Once
}

// use marks the runtime as in use until the returned func is called.
func (rt *Runtime) use() func() {
	rt.users.Add(1)
	return rt.users.Done
}

// retire closes the runtime once its last user is done, without waiting.
func (rt *Runtime) retire() {
	rt.retired.Do(func() {
		go func() {
			rt.users.Wait()
			if rt.Close != nil {
				rt.Close()
			}
		}()
	})
}

// Options configure Run.
type Options struct {
	Store    *store.Store
	LockPath string
	// Load builds a Runtime from the config as it is on disk now, for the
	// sender whose lock token is owner (see dispatch.Options.Owner). A
	// failing Load at start stops the daemon; on reload it is refused and
	// the old runtime stays.
	Load   func(ctx context.Context, owner string) (*Runtime, error)
	Reload <-chan struct{} // one value per SIGHUP
	Clock  Clock
	Log    *slog.Logger
	// StoreEvery is how often the store is looked at for changes made by
	// other processes (a campaign started or paused from the command
	// line), which wake the scheduler; zero means every second.
	StoreEvery time.Duration
	// MaxWait is the longest a tick waits for a cap to free a slot before
	// it ends (see dispatch.TickOptions); zero means two hours.
	MaxWait time.Duration
	// Serve serves the dashboard until ctx is done; nil means none. A
	// dashboard that fails is logged and started again a minute later:
	// sending and watching go on without it.
	Serve func(ctx context.Context) error
}

// Daemon is one run of the daemon.
type Daemon struct {
	o       Options
	owner   string // the lock token, on every row this daemon claims
	mu      sync.Mutex
	rt      *Runtime
	wake    chan struct{}
	restart chan struct{}
	// retried is when deferred notes were last retried: a retry time at or
	// before it has had its chance (a closed window, a paused campaign)
	// and waits for the campaign's next tick.
	retried time.Time
}

// Run runs the daemon until ctx is done. It holds the lock for its whole
// life; a second Run on the same store returns ErrRunning.
func Run(ctx context.Context, o Options) error {
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.StoreEvery <= 0 {
		o.StoreEvery = time.Second
	}
	if o.MaxWait <= 0 {
		o.MaxWait = 2 * time.Hour
	}
	lock, err := Acquire(o.LockPath, RoleDaemon, o.Clock.Now())
	if err != nil {
		return err
	}
	defer lock.Release()
	rt, err := o.Load(ctx, lock.Token())
	if err != nil {
		return err
	}
	d := &Daemon{o: o, owner: lock.Token(), rt: rt, wake: make(chan struct{}, 1), restart: make(chan struct{}, 1)}
	defer func() {
		d.runtime().retire()
		d.runtime().users.Wait()
	}()
	d.start(ctx)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return d.schedule(gctx) })
	g.Go(func() error { return d.watch(gctx) })
	g.Go(func() error { return d.reloads(gctx) })
	g.Go(func() error { return d.storeChanges(gctx) })
	if o.Serve != nil {
		g.Go(func() error { return d.dashboard(gctx) })
	}
	err = g.Wait()
	o.Store.SetSetting(context.WithoutCancel(ctx), keyState, "")
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	o.Log.Info("daemon_stopped")
	return err
}

// runtime is the current runtime.
func (d *Daemon) runtime() *Runtime {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rt
}

// acquire is the current runtime, marked in use until done is called: a
// reload meanwhile does not close its connections under it.
func (d *Daemon) acquire() (rt *Runtime, done func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rt, d.rt.use()
}

// storeChanges wakes the scheduler when another process changes the
// store: a campaign started or resumed from the command line goes out at
// its next scheduled time without waiting for the daemon's next wake.
func (d *Daemon) storeChanges(ctx context.Context) error {
	for range d.o.Store.Changes(ctx, d.o.StoreEvery) {
		notify(d.wake)
	}
	return ctx.Err()
}

// dashboard serves the dashboard for the daemon's whole life.
func (d *Daemon) dashboard(ctx context.Context) error {
	for {
		err := d.o.Serve(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err == nil {
			err = errors.New("stopped")
		}
		d.o.Log.Error("dashboard_stopped", "error", err.Error())
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.o.Clock.After(time.Minute):
		}
	}
}

// Settings the daemon keeps for `rapport status`.
const (
	keyState   = "daemon.started"
	KeyWatcher = "watcher.state"
)

// start records the start and settles the journal after a crash.
func (d *Daemon) start(ctx context.Context) {
	now := d.o.Clock.Now()
	d.o.Store.SetSetting(ctx, keyState, now.UTC().Format(time.RFC3339))
	rt := d.runtime()
	found, waiting, err := rt.Dispatcher.Recover(ctx, rt.Sent)
	if err != nil {
		d.o.Log.Error("recovery_failed", "error", err.Error())
	}
	if found+waiting > 0 {
		d.o.Log.Info("recovered", "found_in_sent", found, "waiting_in_outbox", waiting)
	}
	d.o.Log.Info("daemon_started", "campaigns", len(rt.Campaigns))
}

// reloads applies SIGHUPs: a new runtime replaces the old only if it
// loads completely.
func (d *Daemon) reloads(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.o.Reload:
		}
		rt, err := d.o.Load(ctx, d.owner)
		if err != nil {
			d.o.Log.Error("reload_refused", "error", err.Error())
			continue
		}
		d.mu.Lock()
		old := d.rt
		d.rt = rt
		d.mu.Unlock()
		d.o.Log.Info("reloaded", "campaigns", len(rt.Campaigns))
		notify(d.wake)
		notify(d.restart)
		old.retire() // closed once the tick or watcher using it is done
	}
}

func notify(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// watch runs the inbox watcher, restarting it after a reload.
func (d *Daemon) watch(ctx context.Context) error {
	for ctx.Err() == nil {
		if !d.watchOnce(ctx) {
			// The watcher stopped for good: wait for a reload that may fix
			// it, or for the stop.
			select {
			case <-ctx.Done():
			case <-d.restart:
			}
		}
	}
	return ctx.Err()
}

// watchOnce runs the current runtime's watcher until a reload or the stop
// (true), or until it fails (false).
func (d *Daemon) watchOnce(ctx context.Context) bool {
	rt, release := d.acquire()
	defer release()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan error, 1)
	if rt.Watcher != nil {
		go func() { done <- rt.Watcher.Run(wctx) }()
	}
	select {
	case <-ctx.Done():
	case <-d.restart:
	case err := <-done:
		if err != nil && ctx.Err() == nil {
			d.o.Log.Error("watcher_stopped", "error", err.Error())
			d.o.Store.SetSetting(context.WithoutCancel(ctx), KeyWatcher, "stopped: "+err.Error())
		}
		return false
	}
	cancel()
	if rt.Watcher != nil {
		<-done
	}
	return true
}

// schedule runs campaign ticks when their schedules say, retries deferred
// notes when they fall due, and checks the spreadsheet sources.
func (d *Daemon) schedule(ctx context.Context) error {
	var nextSources time.Time
	for ctx.Err() == nil {
		rt, release := d.acquire()
		now := d.o.Clock.Now()
		if !now.Before(nextSources) {
			d.checkSources(ctx, rt)
			nextSources = now.Add(every(rt.SourceEvery))
		}
		plan, err := d.due(ctx, rt, now)
		if err != nil {
			d.o.Log.Error("schedule_failed", "error", err.Error())
			plan.wake = now.Add(time.Minute)
		}
		if len(plan.campaigns) > 0 || plan.retry {
			d.tick(ctx, rt, plan, now)
			release()
			continue
		}
		release()
		wake := plan.wake
		if wake.IsZero() || nextSources.Before(wake) {
			wake = nextSources
		}
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-d.o.Clock.After(wake.Sub(now)):
		}
	}
	return ctx.Err()
}

func every(d time.Duration) time.Duration {
	if d <= 0 {
		return 5 * time.Minute
	}
	return d
}

func (d *Daemon) checkSources(ctx context.Context, rt *Runtime) {
	for _, s := range rt.Sources {
		if err := s.Check(ctx); err != nil && ctx.Err() == nil {
			d.o.Log.Warn("source_check_failed", "error", err.Error())
		}
	}
}

// duePlan is what the scheduler should do now, or when to wake.
type duePlan struct {
	campaigns []*campaign.Campaign // whose tick time has come
	retry     bool                 // deferred notes are due for another try
	wake      time.Time
}

func (d *Daemon) due(ctx context.Context, rt *Runtime, now time.Time) (duePlan, error) {
	var p duePlan
	for _, c := range rt.Campaigns {
		cs, err := d.o.Store.Campaign(ctx, c.Name)
		if err != nil {
			return p, err
		}
		if cs.State != store.CampaignActive {
			continue
		}
		from := cs.LastTick
		if cs.StartedAt.After(from) {
			from = cs.StartedAt
		}
		next := c.Schedule.Next(from)
		if !next.After(now) {
			p.campaigns = append(p.campaigns, c)
			continue
		}
		p.wake = earliest(p.wake, next)
	}
	retryAt, err := d.o.Store.NextRetry(ctx, d.retried)
	if err != nil {
		return p, err
	}
	if !retryAt.IsZero() && !retryAt.After(now) {
		p.retry = true
	}
	p.wake = earliest(p.wake, retryAt)
	return p, nil
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// tick runs the due campaigns as one queue, then records the tick.
func (d *Daemon) tick(ctx context.Context, rt *Runtime, p duePlan, now time.Time) {
	camps := p.campaigns
	opts := dispatch.TickOptions{MaxWait: d.o.MaxWait}
	if len(camps) == 0 {
		camps = d.active(ctx, rt)
		opts.Only = func(it campaign.Item) bool { return it.Deferred != nil }
	}
	if len(p.campaigns) > 0 {
		d.print(ctx, rt, p.campaigns)
	}
	rep, err := rt.Dispatcher.Tick(ctx, camps, opts)
	switch {
	case err != nil && ctx.Err() == nil:
		d.o.Log.Error("tick_failed", "error", err.Error())
	}
	if rep != nil {
		d.o.Log.Info("tick", "campaigns", names(camps), "due", rep.Due, "sent", rep.Sent, "deferred", rep.Deferred,
			"failed", rep.Failed, "unknown", rep.Unknown, "skipped", rep.Skipped, "stopped", rep.Stopped,
			"unrecorded", rep.Unrecorded)
		if rep.CopyErr != nil {
			d.o.Log.Warn("sent_copy_failed", "error", rep.CopyErr.Error())
		}
	}
	after := d.o.Clock.Now()
	for _, c := range p.campaigns {
		if err := d.o.Store.RecordTick(context.WithoutCancel(ctx), c.Name, now, c.Schedule.Next(after)); err != nil {
			d.o.Log.Error("record_tick_failed", "campaign", c.Name, "error", err.Error())
		}
	}
	if p.retry {
		d.retried = now
	}
}

func (d *Daemon) active(ctx context.Context, rt *Runtime) []*campaign.Campaign {
	var out []*campaign.Campaign
	for _, c := range rt.Campaigns {
		if cs, err := d.o.Store.Campaign(ctx, c.Name); err == nil && cs.State == store.CampaignActive {
			out = append(out, c)
		}
	}
	return out
}

func names(cs []*campaign.Campaign) string {
	s := ""
	for i, c := range cs {
		if i > 0 {
			s += ","
		}
		s += c.Name
	}
	return fmt.Sprint(s)
}
