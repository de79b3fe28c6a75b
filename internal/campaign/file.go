package campaign

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/invite"
	"rapport/internal/schedule"
	"rapport/internal/tomlfile"
)

// Campaign is one campaign file.
type Campaign struct {
	Name        string
	Description string
	Path        string
	Schedule    *schedule.Cron
	Location    *time.Location
	Repeat      string // "" (once per contact) or "yearly"
	Audience    Audience
	Steps       []*Step

	file *tomlfile.File // to name the line of a problem found after loading
}

// Audience is who a campaign is for.
type Audience struct {
	Tags        []string          // any of
	Kinds       []string          // any of
	Stages      []contact.Stage   // who may start the campaign (default: new)
	ExcludeTags []string          // none of
	Fields      map[string]string // custom field equals (case-insensitive)
	// DueForTouch admits only contacts due for a keep-in-touch note
	// (Facts.DueForTouch, by Touch); its stages default to the rules'.
	DueForTouch bool
	Touch       *contact.TouchRules
}

// Step is one message of a campaign.
type Step struct {
	ID       string
	Channel  string // email, invite, letter
	Template string
	After    schedule.Delay // after the previous step
	Thread   bool           // a reply in the previous step's thread
	Unless   []string       // replied, opted-out, bounced, auto-replied, or a stage name
	// Event is an invite step's event, checked; its UID is left to the
	// sender, who knows the organizer (invite.UID).
	Event *invite.Event
	// A step about an invite step's event: EventStep is that step's id;
	// it is timed Before the event's start or AfterEvent its end (else
	// After the previous step, as any step), and goes Only to those who
	// answered so ("" is everyone invited).
	EventStep  string
	Before     *schedule.Delay
	AfterEvent *schedule.Delay
	Only       string
	// Revision and Cancel mark the messages rapport adds about an invite
	// step's event when it changes (see Updates): an update carrying
	// SEQUENCE Revision, or the cancellation. Steps of the file have
	// neither.
	Revision int
	Cancel   bool
}

// Added reports whether the step is an update or a cancellation rapport
// added, not a step of the file.
func (s *Step) Added() bool { return s.Revision > 0 || s.Cancel }

// The answers a step about an event can be limited to (`only`).
var OnlyValues = []string{"accepted", "declined", "tentative", "no-answer", "attended"}

// file is the TOML shape of a campaign file.
type file struct {
	Name        string `toml:"name"`
	Description string `toml:"description"`
	Schedule    string `toml:"schedule"`
	Timezone    string `toml:"timezone"`
	Repeat      string `toml:"repeat"`
	Audience    struct {
		Tags        []string          `toml:"tags"`
		Kinds       []string          `toml:"kinds"`
		Stages      []string          `toml:"stages"`
		ExcludeTags []string          `toml:"exclude_tags"`
		Fields      map[string]string `toml:"fields"`
		DueForTouch bool              `toml:"due_for_touch"`
	} `toml:"audience"`
	Steps []fileStep `toml:"steps"`
}

type fileStep struct {
	ID         string      `toml:"id"`
	Channel    string      `toml:"channel"`
	Template   string      `toml:"template"`
	After      string      `toml:"after"`
	Thread     bool        `toml:"thread"`
	Unless     []string    `toml:"unless"`
	Event      *eventField `toml:"event"`
	Before     string      `toml:"before"`
	AfterEvent string      `toml:"after_event"`
	Only       string      `toml:"only"`
}

// Env is what validating a campaign needs to know of the user's setup.
type Env struct {
	Location  *time.Location                   // [sending].timezone
	Pipeline  contact.Pipeline                 // for audience stages and unless conditions
	Kinds     []string                         // configured contact kinds
	Templates func(channel, name string) error // reports a template that does not exist; nil skips the check
	// Touch are the [keep_in_touch] rules an audience with due_for_touch
	// uses; nil or empty makes such an audience an error.
	Touch *contact.TouchRules
}

// DefaultUnless is what stops a campaign for a contact unless a step says
// otherwise.
var DefaultUnless = []string{"replied", "opted-out", "bounced"}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// Load reads and validates one campaign file. Every problem names the
// file, the line and the key.
func Load(path string, env Env) (*Campaign, error) {
	var f file
	tf, err := tomlfile.Read(path, &f)
	if err != nil {
		return nil, err
	}
	v := &validator{tf: tf, env: env}
	c := v.campaign(&f, path)
	c.file = tf
	if len(v.problems) > 0 {
		return nil, &Error{Problems: v.problems}
	}
	return c, nil
}

// Error lists the problems of a campaign file.
type Error struct{ Problems []error }

func (e *Error) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return strings.Join(msgs, "\n")
}

// Unwrap gives errors.As access to each problem.
func (e *Error) Unwrap() []error { return e.Problems }

// LoadDir loads every campaigns/*.toml file. A file with problems is left
// out and its error returned; the others load.
func LoadDir(dir string, env Env) ([]*Campaign, []error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil {
		return nil, []error{err}
	}
	sort.Strings(paths)
	var out []*Campaign
	var errs []error
	names := map[string]string{}
	for _, p := range paths {
		c, err := Load(p, env)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if other, dup := names[c.Name]; dup {
			errs = append(errs, fmt.Errorf("%s: campaign name %q is also used by %s", p, c.Name, other))
			continue
		}
		names[c.Name] = p
		out = append(out, c)
	}
	if len(paths) == 0 {
		if _, err := os.Stat(dir); err != nil {
			errs = append(errs, fmt.Errorf("campaigns folder %s: %w", dir, errors.Unwrap(err)))
		}
	}
	return out, errs
}

// Find returns the campaign with the given name.
func Find(list []*Campaign, name string) (*Campaign, error) {
	for _, c := range list {
		if c.Name == name {
			return c, nil
		}
	}
	var names []string
	for _, c := range list {
		names = append(names, c.Name)
	}
	return nil, fmt.Errorf("no campaign named %q (campaigns: %s)", name, strings.Join(names, ", "))
}

// Step returns the step with the given id, or nil.
func (c *Campaign) Step(id string) *Step {
	for _, s := range c.Steps {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Index is the position of a step, or -1.
func (c *Campaign) Index(id string) int {
	return slices.IndexFunc(c.Steps, func(s *Step) bool { return s.ID == id })
}

// Round is the journal round a send at t belongs to: "" for a campaign that
// runs once per contact, the year (in the campaign's zone) for a yearly one.
func (c *Campaign) Round(t time.Time) string {
	if c.Repeat == "yearly" {
		return fmt.Sprint(t.In(c.Location).Year())
	}
	return ""
}
