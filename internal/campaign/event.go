package campaign

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"rapport/internal/invite"
	"rapport/internal/schedule"
)

// EventUnless is what stops a step about an event unless it says
// otherwise: an answer to the invitation is a reply, and must not cancel
// the reminder the person is waiting for.
var EventUnless = []string{"opted-out", "bounced"}

// eventField is a step's `event` key: the [steps.event] table of an invite
// step, or the id of the invite step a later step is about.
type eventField struct {
	ref   string
	table map[string]any
}

// UnmarshalTOML takes either shape.
func (f *eventField) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		f.ref = v
	case map[string]any:
		f.table = v
	default:
		return fmt.Errorf(`event: give the invite step's id (event = "invite") or an [steps.event] table`)
	}
	return nil
}

// eventKeys are the keys of an [steps.event] table.
var eventKeys = []string{"title", "start", "end", "timezone", "location", "address", "url", "description", "rrule", "capacity"}

// stepEvent checks a step's event table, or its reference to an earlier
// invite step with its timing and its `only`.
func (v *validator) stepEvent(c *Campaign, s *Step, key string, fs *fileStep) {
	var ref string
	var table map[string]any
	if fs.Event != nil {
		ref, table = fs.Event.ref, fs.Event.table
	}
	switch {
	case s.Channel == "invite" && ref != "":
		v.add(key+".event", "an invite step has its own [steps.event] table; event = %q is for the steps about an event", ref)
	case s.Channel == "invite" && table == nil:
		v.add(key, "an invite step needs a [steps.event] table (title, start, end, location)")
	case s.Channel == "invite":
		s.Event = v.event(c, key+".event", table)
	case table != nil:
		v.add(key+".event", "only an invite step (channel = \"invite\") has an event table; a step about its event says event = \"<the invite step's id>\"")
	}
	if s.Channel != "invite" {
		v.eventRef(c, s, key, ref, fs)
		return
	}
	for _, kv := range [][2]string{{"before", fs.Before}, {"after_event", fs.AfterEvent}, {"only", fs.Only}} {
		if kv[1] != "" {
			v.add(key+"."+kv[0], "%s is for the steps about an event (a reminder, a thank-you), not for the invitation itself", kv[0])
		}
	}
}

// event turns an [steps.event] table into an event, each problem named by
// its key. The zone defaults to the campaign's.
func (v *validator) event(c *Campaign, key string, table map[string]any) *invite.Event {
	var spec invite.Spec
	ok := true
	str := map[string]*string{"title": &spec.Title, "start": &spec.Start, "end": &spec.End, "timezone": &spec.Timezone,
		"location": &spec.Location, "address": &spec.Address, "url": &spec.URL, "description": &spec.Description, "rrule": &spec.RRule}
	for _, k := range slices.Sorted(maps.Keys(table)) {
		switch val := table[k].(type) {
		case string:
			if p := str[k]; p != nil {
				*p = val
				continue
			}
		case time.Time: // an unquoted TOML local date-time: start = 2026-12-03T17:00:00
			if (k == "start" || k == "end") && val.Location().String() == "datetime-local" {
				*str[k] = val.Format("2006-01-02 15:04:05")
				continue
			}
			if k == "start" || k == "end" {
				ok = false
				v.add(key+"."+k, "write the local time and nothing else, e.g. %s = \"2026-12-03 17:00\" (the zone goes in timezone)", k)
				continue
			}
		case int64:
			if k == "capacity" {
				spec.Capacity = int(val)
				continue
			}
		}
		ok = false
		if !slices.Contains(eventKeys, k) {
			v.add(key+"."+k, "unknown key %q (an event has %s)", k, strings.Join(eventKeys, ", "))
		} else if k == "capacity" {
			v.add(key+"."+k, "give a whole number of people, e.g. capacity = 25")
		} else {
			v.add(key+"."+k, "give text in quotes, e.g. %s = \"...\"", k)
		}
	}
	e, errs := spec.Event(c.Location)
	for _, fe := range errs {
		v.add(key+"."+fe.Field, "%s", fe.Problem)
	}
	if !ok {
		return nil
	}
	return e
}

// eventRef checks the keys of a step about an invite step's event.
func (v *validator) eventRef(c *Campaign, s *Step, key, ref string, fs *fileStep) {
	if ref == "" {
		for _, kv := range [][2]string{{"before", fs.Before}, {"after_event", fs.AfterEvent}, {"only", fs.Only}} {
			if kv[1] != "" {
				v.add(key+"."+kv[0], "%s needs event = \"<the invite step's id>\": the event it is about", kv[0])
			}
		}
		return
	}
	s.EventStep = ref
	switch i := c.Index(ref); {
	case i < 0:
		v.add(key+".event", "no earlier step has id %q (event names the invite step this one is about)", ref)
	case c.Steps[i].Channel != "invite":
		v.add(key+".event", "step %q is not an invite step (channel = \"invite\")", ref)
	}
	if fs.Before != "" && fs.AfterEvent != "" {
		v.add(key+".after_event", "give before (timed from the start) or after_event (from the end), not both")
	}
	if (fs.Before != "" || fs.AfterEvent != "") && fs.After != "" {
		v.add(key+".after", "this step is timed from the event (before or after_event); leave after out")
	}
	s.Before = v.eventDelay(key+".before", fs.Before)
	s.AfterEvent = v.eventDelay(key+".after_event", fs.AfterEvent)
	if s.Before != nil && s.Before.Business {
		v.add(key+".before", "count before the event in hours, days or weeks (e.g. \"1d\", \"2w\")")
	}
	s.Only = strings.ToLower(strings.TrimSpace(fs.Only))
	if s.Only != "" && !slices.Contains(OnlyValues, s.Only) {
		v.add(key+".only", "%q is not one of %s", fs.Only, strings.Join(OnlyValues, ", "))
	}
	if fs.Unless == nil {
		s.Unless = EventUnless
	}
}

func (v *validator) eventDelay(key, s string) *schedule.Delay {
	if s == "" {
		return nil
	}
	d, err := schedule.ParseDelay(s)
	if err != nil {
		v.add(key, "%v", err)
		return nil
	}
	return &d
}

// CheckEvents reports the invite steps whose event is over at now: no
// meeting left to invite anyone to. The start command calls it with its
// clock before arming the campaign; loading does not, so a finished
// campaign's file still loads for its reports.
func (c *Campaign) CheckEvents(now time.Time) error {
	var problems []error
	for i, s := range c.Steps {
		if s.Event == nil {
			continue
		}
		if _, ok := s.Event.Next(now); ok {
			continue
		}
		key := fmt.Sprintf("steps.%d.event.start", i)
		msg := fmt.Sprintf("the event starts %s, which is past: move start to a coming date before starting the campaign",
			s.Event.Start.Format("Mon Jan 2, 2006 15:04 MST"))
		if s.Event.Recur != nil {
			key = fmt.Sprintf("steps.%d.event.rrule", i)
			msg = "every meeting of this repeating event is past: change start or the rule's UNTIL or COUNT before starting the campaign"
		}
		if c.file != nil {
			problems = append(problems, c.file.Problem(key, msg))
		} else {
			problems = append(problems, fmt.Errorf("%s: %s: %s", c.Path, key, msg))
		}
	}
	if len(problems) > 0 {
		return &Error{Problems: problems}
	}
	return nil
}
