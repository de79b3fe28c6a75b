package dispatch

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/mailer"
	"rapport/internal/render"
	"rapport/internal/schedule"
	"rapport/internal/store"
)

// Mailer is what dispatch needs of the SMTP client (*mailer.Client):
// SendChecked calls before once the connection is up, right before the
// message's transaction, and withholds the message if it fails.
type Mailer interface {
	SendChecked(ctx context.Context, msg *mail.Msg, before func() error) mailer.Result
}

// SentCopier files copies of sent notes in the user's Sent folder
// (*mailer.SentFolder): Copy does not wait for the server, Flush does and
// reports what failed.
type SentCopier interface {
	Copy(raw []byte, when time.Time)
	Flush(ctx context.Context) error
}

// SentFinder looks for Message-IDs in the Sent folder (*mailer.SentFolder).
type SentFinder interface {
	Find(ctx context.Context, messageIDs []string) (map[string]bool, error)
}

var (
	_ Mailer     = (*mailer.Client)(nil)
	_ SentCopier = (*mailer.SentFolder)(nil)
	_ SentFinder = (*mailer.SentFolder)(nil)
)

// Options configure a Dispatcher. Store, Templates and Sender are required;
// Mailer is required to send.
type Options struct {
	Store     *store.Store
	Templates string        // the templates folder
	Sender    render.Sender // [identity]
	Mailer    Mailer
	// SentCopy, when not nil, receives a copy of each sent note (providers
	// that file one themselves need none).
	SentCopy SentCopier
	Limits   mailer.Limits
	Window   schedule.Window
	Holidays schedule.Holidays
	Location *time.Location
	// AutoReplyPause is how long an out-of-office without a return date
	// holds a contact (used by the inbox, kept here for plan reasons).
	ListUnsubscribe bool
	Now             func() time.Time
	// Sleep waits for d or until ctx is done; tests replace it with one
	// that moves their clock.
	Sleep func(ctx context.Context, d time.Duration) error
	Rand  *rand.Rand
	Log   *slog.Logger
	// Owner is this process's sender-lock token, written on every journal
	// row it claims (see contact.Send.InFlight). Only the holder of the
	// store's sender lock may send.
	Owner string
	// LiveOwner returns the token of the process that holds the sender lock
	// now ("" when none), so a plan tells a note in flight from one a crash
	// left uncertain. Nil means none.
	LiveOwner func() string
	// Post prints campaigns' letter steps (see Print); nil leaves them
	// unprinted.
	Post *Post
}

// Dispatcher plans and sends campaigns.
type Dispatcher struct {
	o Options
}

// New returns a Dispatcher; it does no I/O.
func New(o Options) *Dispatcher {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Rand == nil {
		o.Rand = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.LiveOwner == nil {
		o.LiveOwner = func() string { return "" }
	}
	return &Dispatcher{o: o}
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Plan plans one campaign at t, as `rapport campaigns plan` shows it:
// with the caps as they stand, the campaign's state, and a render check
// of every due note.
func (d *Dispatcher) Plan(ctx context.Context, c *campaign.Campaign, t time.Time) ([]campaign.Item, error) {
	facts, events, err := d.facts(ctx, c, t)
	if err != nil {
		return nil, err
	}
	state, err := d.o.Store.Campaign(ctx, c.Name)
	if err != nil {
		return nil, err
	}
	capacity, err := d.capacity(ctx, t)
	if err != nil {
		return nil, err
	}
	tpl := newTemplates(d.o.Templates)
	live := d.o.LiveOwner()
	return c.Plan(facts, campaign.Options{Now: t, Window: d.o.Window, Holidays: d.o.Holidays,
		Pipeline: d.o.Store.Pipeline, Paused: state.State != store.CampaignActive, State: state.State, Capacity: capacity, Events: events,
		InFlight: func(sd *contact.Send) bool { return sd.InFlight(live) },
		Check:    func(ct *contact.Contact, s *campaign.Step) error { return d.check(tpl, c, s, ct) }}), nil
}

// capacity is how many notes the per-hour and per-day caps allow at t.
func (d *Dispatcher) capacity(ctx context.Context, t time.Time) (int, error) {
	lim := d.o.Limits
	if lim.PerHour <= 0 && lim.PerDay <= 0 {
		return -1, nil
	}
	recent, err := d.o.Store.SentTimes(ctx, t.Add(-24*time.Hour))
	if err != nil {
		return 0, err
	}
	hour, day := 0, len(recent)
	for _, r := range recent {
		if t.Sub(r) < time.Hour {
			hour++
		}
	}
	left := -1
	if lim.PerHour > 0 {
		left = max(lim.PerHour-hour, 0)
	}
	if lim.PerDay > 0 && (left < 0 || lim.PerDay-day < left) {
		left = max(lim.PerDay-day, 0)
	}
	return left, nil
}

// check renders a step for a contact and reports what is missing.
func (d *Dispatcher) check(tpl *templates, c *campaign.Campaign, s *campaign.Step, ct *contact.Contact) error {
	if s.Channel == "letter" {
		return d.checkLetter(tpl, c, s, render.Input{Contact: ct, Sender: d.o.Sender, Campaign: c.Name, Step: s.ID})
	}
	t, err := tpl.forStep(s)
	if err != nil {
		return err
	}
	in := d.input(c, s, ct)
	key, cacheable := t.ShapeKey(in)
	key = s.Template + "\x00" + s.ID + "\x00" + key
	if cacheable {
		if err, ok := tpl.checked[key]; ok {
			return err
		}
	}
	_, err = t.Render(in)
	var fe render.FieldErrors
	if asFieldErrors(err, &fe) {
		err = missingErr(fe)
	}
	if cacheable {
		tpl.checked[key] = err
	}
	return err
}

// missingErr is the one-line reason plan shows.
type missingErr render.FieldErrors

func (m missingErr) Error() string {
	return "missing field " + strings.Join(render.FieldErrors(m).Fields(), ", ")
}

// templates loads each template once per tick or plan, so that an edit
// made while rapport runs is used from the next tick on. It is safe for
// concurrent use: a tick renders ahead on one goroutine and again, for a
// contact that changed, on another.
type templates struct {
	mu    sync.Mutex
	dir   string
	cache map[string]*render.Template
	errs  map[string]error
	// checked holds the outcome of a render check by template and shape
	// (see render.Template.ShapeKey): contacts whose fields are empty in
	// the same places pass or fail alike, so thousands need a few renders.
	checked map[string]error
	post    *postal // letter steps' templates and layout (letters.go)
	// events holds the invite steps' events, read once.
	events eventCache
}

// forStep is the template a step renders: its own, or for a cancellation
// rapport's short note.
func (t *templates) forStep(s *campaign.Step) (*render.Template, error) {
	if s.Cancel {
		return cancelTemplate()
	}
	return t.get(s.Template)
}

func newTemplates(dir string) *templates {
	return &templates{dir: dir, cache: map[string]*render.Template{}, errs: map[string]error{}, checked: map[string]error{}}
}

func (t *templates) get(name string) (*render.Template, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tp, ok := t.cache[name]; ok {
		return tp, nil
	}
	if err, ok := t.errs[name]; ok {
		return nil, err
	}
	tp, err := render.Load(t.dir, name)
	if err != nil {
		t.errs[name] = err
		return nil, err
	}
	t.cache[name] = tp
	return tp, nil
}
