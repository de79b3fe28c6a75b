package config

import (
	"maps"
	"slices"
	"strings"

	"rapport/internal/contact"
)

// KeepInTouch is [keep_in_touch]: how often the user wants to be in touch
// with the sources they already know (a note, a visit, cookies in July).
//
//	[keep_in_touch]
//	every = "12 months"          # everyone in meeting or partner no rule below covers
//	stages = ["meeting", "partner"]
//	[keep_in_touch.kinds]
//	physician = "12 months"
//	[keep_in_touch.tags]
//	close-colleague = "3 months"
type KeepInTouch struct {
	Every  string            `toml:"every"`
	Stages []string          `toml:"stages"`
	Kinds  map[string]string `toml:"kinds"`
	Tags   map[string]string `toml:"tags"`
	// Rules are the checked rules; empty when the section is left out.
	Rules contact.TouchRules `toml:"-"`
}

// validateKeepInTouch checks [keep_in_touch] and builds its rules. It runs
// after [contacts] kinds and [stages] are known.
func (c *Config) validateKeepInTouch(p *problems) {
	k := &c.KeepInTouch
	r := contact.TouchRules{Kinds: map[string]contact.Interval{}, Tags: map[string]contact.Interval{}}
	interval := func(key, v string) (contact.Interval, bool) {
		iv, err := contact.ParseInterval(v)
		if err != nil {
			p.add(key, "%v", err)
		}
		return iv, err == nil
	}
	if k.Every != "" {
		r.Default, _ = interval("keep_in_touch.every", k.Every)
	}
	for _, name := range slices.Sorted(maps.Keys(k.Kinds)) {
		kind, ok := contact.NormalizeKind(name, c.Contacts.Kinds)
		if !ok || kind == "" {
			p.add("keep_in_touch.kinds."+name, "unknown kind %q (kinds: %s)", name, strings.Join(c.Contacts.Kinds, ", "))
			continue
		}
		if iv, ok := interval("keep_in_touch.kinds."+name, k.Kinds[name]); ok {
			r.Kinds[kind] = iv
		}
	}
	for _, name := range slices.Sorted(maps.Keys(k.Tags)) {
		tag := contact.NormalizeTag(name)
		if iv, ok := interval("keep_in_touch.tags."+name, k.Tags[name]); ok && tag != "" {
			r.Tags[tag] = iv
		}
	}
	for _, s := range k.Stages {
		st, err := c.Pipeline.Parse(s)
		switch {
		case err != nil:
			p.add("keep_in_touch.stages", "%v", err)
		case c.Pipeline.Suppressed(st):
			p.add("keep_in_touch.stages", "%q contacts are never written to", st)
		default:
			r.Stages = append(r.Stages, st)
		}
	}
	if len(k.Stages) == 0 {
		c.defaultTouchStages(p, &r)
	}
	k.Rules = r
}

// defaultTouchStages keeps in touch with meeting and partner, when the
// pipeline has them.
func (c *Config) defaultTouchStages(p *problems, r *contact.TouchRules) {
	for _, st := range contact.DefaultTouchStages {
		if c.Pipeline.Valid(st) {
			r.Stages = append(r.Stages, st)
		}
	}
	if len(r.Stages) == 0 && !r.Empty() {
		p.add("keep_in_touch.stages", "your pipeline has no meeting or partner stage: say which stages to keep in touch with")
	}
}
