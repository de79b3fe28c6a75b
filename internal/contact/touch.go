package contact

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Interval is a length of calendar time: "12 months" is twelve months on
// the calendar, not 360 days, so a July visit is due again next July.
type Interval struct{ Years, Months, Days int }

// IsZero reports whether the interval is empty (no rule).
func (i Interval) IsZero() bool { return i == Interval{} }

// Before returns t moved back by the interval.
func (i Interval) Before(t time.Time) time.Time { return t.AddDate(-i.Years, -i.Months, -i.Days) }

// After returns t moved on by the interval.
func (i Interval) After(t time.Time) time.Time { return t.AddDate(i.Years, i.Months, i.Days) }

// approxDays orders intervals: the shorter rule wins among tags.
func (i Interval) approxDays() int { return i.Years*365 + i.Months*30 + i.Days }

// String writes the interval back the way a user would: "12 months".
func (i Interval) String() string {
	var parts []string
	for _, p := range []struct {
		n    int
		unit string
	}{{i.Years, "year"}, {i.Months, "month"}, {i.Days, "day"}} {
		if p.n == 1 {
			parts = append(parts, "1 "+p.unit)
		} else if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %ss", p.n, p.unit))
		}
	}
	return strings.Join(parts, " ")
}

// intervalUnits maps the words and letters people write to a unit.
var intervalUnits = map[string]string{
	"d": "day", "day": "day", "days": "day",
	"w": "week", "wk": "week", "week": "week", "weeks": "week",
	"m": "month", "mo": "month", "month": "month", "months": "month",
	"y": "year", "yr": "year", "year": "year", "years": "year",
}

// ParseInterval reads "12 months", "3 months", "1 year", "6 weeks", "90
// days", or the short forms "12m", "6w", "90d", "1y".
func ParseInterval(s string) (Interval, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	cut := strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) })
	if cut <= 0 {
		return Interval{}, fmt.Errorf("%q is not an interval (examples: \"12 months\", \"6 weeks\", \"90 days\", \"1 year\")", s)
	}
	n, err := strconv.Atoi(t[:cut])
	unit, ok := intervalUnits[strings.TrimSpace(t[cut:])]
	if err != nil || !ok || n <= 0 || n > 1000 {
		return Interval{}, fmt.Errorf("%q is not an interval (examples: \"12 months\", \"6 weeks\", \"90 days\", \"1 year\")", s)
	}
	switch unit {
	case "day":
		return Interval{Days: n}, nil
	case "week":
		return Interval{Days: 7 * n}, nil
	case "month":
		return Interval{Months: n}, nil
	}
	return Interval{Years: n}, nil
}

// TouchRules say how often the user wants to be in touch with the sources
// they already know ([keep_in_touch]). A tag rule beats a kind rule, which
// beats the default; among several tags the shortest interval wins, so
// "close-colleague" every 3 months overrides "therapist" every 6.
type TouchRules struct {
	Default Interval            // for everyone in Stages no other rule covers; zero: no default
	Kinds   map[string]Interval // by contact kind
	Tags    map[string]Interval // by tag (normalized)
	Stages  []Stage             // who is kept in touch with; default meeting and partner
}

// DefaultTouchStages are the stages of the people one keeps in touch with:
// the ones met, and the ones who refer.
var DefaultTouchStages = []Stage{StageMeeting, StagePartner}

// Empty reports whether no rule is set: nobody is ever due.
func (r *TouchRules) Empty() bool {
	return r == nil || r.Default.IsZero() && len(r.Kinds) == 0 && len(r.Tags) == 0
}

// IntervalFor returns the interval that applies to c and the rule it comes
// from ("tag close-colleague", "kind physician", "default"); ok is false
// when c is not kept in touch with (another stage, or no rule covers it).
func (r *TouchRules) IntervalFor(c *Contact) (iv Interval, rule string, ok bool) {
	if r.Empty() || !slices.Contains(r.stages(), c.Stage) {
		return Interval{}, "", false
	}
	for _, t := range slices.Sorted(maps.Keys(r.Tags)) {
		if c.HasTag(t) && (rule == "" || r.Tags[t].approxDays() < iv.approxDays()) {
			iv, rule = r.Tags[t], "tag "+t
		}
	}
	if rule != "" {
		return iv, rule, true
	}
	if k, found := r.Kinds[c.Kind]; found && c.Kind != "" {
		return k, "kind " + c.Kind, true
	}
	if !r.Default.IsZero() {
		return r.Default, "default", true
	}
	return Interval{}, "", false
}

func (r *TouchRules) stages() []Stage {
	if len(r.Stages) == 0 {
		return DefaultTouchStages
	}
	return r.Stages
}

// Touch is where one contact stands with the keep-in-touch rules.
type Touch struct {
	Interval Interval
	Rule     string    // which rule set the interval
	Last     time.Time // the last interaction; zero when none is on record
	DueAt    time.Time // when a touch is (or was) due
	Due      bool
}

// TouchFor decides whether c is due for a touch at now, given the time of
// the last interaction (zero: none on record, so due now). ok is false when
// no rule applies to c.
func (r *TouchRules) TouchFor(c *Contact, last, now time.Time) (Touch, bool) {
	iv, rule, ok := r.IntervalFor(c)
	if !ok {
		return Touch{}, false
	}
	t := Touch{Interval: iv, Rule: rule, Last: last, DueAt: now}
	if !last.IsZero() {
		t.DueAt = iv.After(last)
	}
	t.Due = !t.DueAt.After(now)
	return t, true
}
