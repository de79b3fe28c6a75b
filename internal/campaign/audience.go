package campaign

import (
	"slices"
	"strings"

	"rapport/internal/contact"
)

// Matches reports whether c belongs to the audience, the stage aside: tags,
// kinds, exclusions and custom fields. A contact who has started a campaign
// stays in it as long as this holds, whatever their stage has become.
func (a Audience) Matches(c *contact.Contact) bool {
	if len(a.Kinds) > 0 && !slices.Contains(a.Kinds, c.Kind) {
		return false
	}
	if len(a.Tags) > 0 && !slices.ContainsFunc(a.Tags, c.HasTag) {
		return false
	}
	if slices.ContainsFunc(a.ExcludeTags, c.HasTag) {
		return false
	}
	for k, v := range a.Fields {
		if !strings.EqualFold(strings.TrimSpace(c.Fields[k]), strings.TrimSpace(v)) {
			return false
		}
	}
	return true
}

// Admits reports whether c may start the campaign: it matches and is in
// one of the audience's stages.
func (a Audience) Admits(c *contact.Contact) bool {
	return slices.Contains(a.Stages, c.Stage) && a.Matches(c)
}
