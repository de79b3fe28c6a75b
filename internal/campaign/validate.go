package campaign

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/schedule"
	"rapport/internal/tomlfile"
)

type validator struct {
	tf       *tomlfile.File
	env      Env
	problems []error
}

func (v *validator) add(key, format string, args ...any) {
	v.problems = append(v.problems, v.tf.Problemf(key, format, args...))
}

func (v *validator) campaign(f *file, path string) *Campaign {
	c := &Campaign{Name: f.Name, Description: f.Description, Path: path, Repeat: f.Repeat, Location: v.env.Location}
	if c.Name == "" {
		c.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if !idPattern.MatchString(c.Name) {
		v.add("name", "%q: use lower-case letters, digits and dashes (it is typed on the command line)", c.Name)
	}
	if c.Location == nil {
		c.Location = time.Local
	}
	if f.Timezone != "" {
		loc, err := time.LoadLocation(f.Timezone)
		if err != nil {
			v.add("timezone", "%q is not a time zone (examples: America/Chicago, Europe/Berlin)", f.Timezone)
		} else {
			c.Location = loc
		}
	}
	v.schedule(c, f.Schedule)
	if c.Repeat != "" && c.Repeat != "yearly" {
		v.add("repeat", "%q: only \"yearly\" is supported (or leave it out: once per contact)", c.Repeat)
	}
	c.Audience = v.audience(f)
	v.steps(c, f)
	return c
}

func (v *validator) schedule(c *Campaign, spec string) {
	if spec == "" {
		v.add("schedule", "a campaign needs a schedule, e.g. schedule = \"0 9 * * MON-FRI\" (weekdays at 9:00)")
		return
	}
	cr, err := schedule.ParseCron(spec, c.Location)
	if err != nil {
		v.add("schedule", "%v", err)
		return
	}
	c.Schedule = cr
}

func (v *validator) audience(f *file) Audience {
	a := Audience{Tags: contact.NormalizeTags(f.Audience.Tags), ExcludeTags: contact.NormalizeTags(f.Audience.ExcludeTags)}
	for _, k := range f.Audience.Kinds {
		kind, ok := contact.NormalizeKind(k, v.env.Kinds)
		if !ok {
			v.add("audience.kinds", "unknown kind %q (kinds: %s)", k, strings.Join(v.env.Kinds, ", "))
			continue
		}
		a.Kinds = append(a.Kinds, kind)
	}
	stages := f.Audience.Stages
	if f.Audience.DueForTouch {
		stages = v.touch(&a, stages)
	}
	if len(stages) == 0 {
		stages = []string{string(contact.StageNew)}
	}
	for _, s := range stages {
		st, err := v.env.Pipeline.Parse(s)
		if err != nil {
			v.add("audience.stages", "%v", err)
			continue
		}
		if v.env.Pipeline.Suppressed(st) {
			v.add("audience.stages", "%q contacts are never written to", st)
		}
		a.Stages = append(a.Stages, st)
	}
	a.Fields = map[string]string{}
	for k, val := range f.Audience.Fields {
		a.Fields[contact.FieldKey(k)] = val
	}
	return a
}

func (v *validator) steps(c *Campaign, f *file) {
	if len(f.Steps) == 0 {
		v.add("steps", "a campaign needs at least one [[steps]]")
	}
	seen := map[string]bool{}
	for i, fs := range f.Steps {
		key := fmt.Sprintf("steps.%d", i)
		s := &Step{ID: fs.ID, Channel: fs.Channel, Template: fs.Template, Thread: fs.Thread, Unless: fs.Unless}
		if s.ID == "" {
			s.ID = fmt.Sprintf("step-%d", i+1)
		}
		if !idPattern.MatchString(s.ID) {
			v.add(key+".id", "%q: use lower-case letters, digits and dashes", s.ID)
		}
		if seen[s.ID] {
			v.add(key+".id", "step id %q is used twice", s.ID)
		}
		seen[s.ID] = true
		v.step(c, s, key, fs.After, i)
		v.stepEvent(c, s, key, &f.Steps[i])
		c.Steps = append(c.Steps, s)
	}
}

func (v *validator) step(c *Campaign, s *Step, key, after string, i int) {
	if s.Channel == "" {
		s.Channel = "email"
	}
	if !slices.Contains([]string{"email", "invite", "letter"}, s.Channel) {
		v.add(key+".channel", "%q is not one of email, invite, letter", s.Channel)
	}
	if s.Template == "" {
		v.add(key+".template", "step %q needs a template (a file name in templates/ without .md)", s.ID)
	} else if v.env.Templates != nil {
		if err := v.env.Templates(s.Channel, s.Template); err != nil {
			v.add(key+".template", "%v", err)
		}
	}
	d, err := schedule.ParseDelay(after)
	if err != nil {
		v.add(key+".after", "%v", err)
	}
	s.After = d
	if i == 0 && s.Thread {
		v.add(key+".thread", "the first step cannot be a reply: there is nothing to reply to")
	}
	if s.Thread && s.Channel != "email" {
		v.add(key+".thread", "only email steps can be sent in a thread")
	}
	if s.Unless == nil {
		s.Unless = DefaultUnless
	}
	for _, u := range s.Unless {
		if !v.knownCondition(u) {
			v.add(key+".unless", "unknown condition %q (replied, opted-out, bounced, auto-replied, or a stage: %s)", u, v.env.Pipeline.Names())
		}
	}
}

func (v *validator) knownCondition(u string) bool {
	switch u {
	case "replied", "opted-out", "bounced", "auto-replied":
		return true
	}
	return v.env.Pipeline.Valid(contact.Stage(u))
}

// touch checks an audience that wants only the contacts due for a touch,
// and returns its stages: those written, else the rules' own.
func (v *validator) touch(a *Audience, stages []string) []string {
	if v.env.Touch.Empty() {
		v.add("audience.due_for_touch", "needs [keep_in_touch] in rapport.toml: say how often you keep in touch (e.g. every = \"12 months\")")
		return stages
	}
	a.DueForTouch, a.Touch = true, v.env.Touch
	kept := v.env.Touch.Stages
	if len(kept) == 0 {
		kept = contact.DefaultTouchStages
	}
	for _, s := range stages {
		if st, err := v.env.Pipeline.Parse(s); err == nil && !slices.Contains(kept, st) {
			v.add("audience.stages", "%q contacts are never due for a touch ([keep_in_touch] keeps in touch with %s)", st, stageList(kept))
		}
	}
	if len(stages) > 0 {
		return stages
	}
	for _, st := range kept {
		stages = append(stages, string(st))
	}
	return stages
}

func stageList(st []contact.Stage) string {
	out := make([]string, len(st))
	for i, s := range st {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}
