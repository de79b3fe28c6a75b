package report

import (
	"slices"
	"sort"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// outcome is what came of one note.
type outcome struct {
	firstReply                 time.Time
	replied, auto, opt, bounce bool
}

// campaigns fills the per-campaign, per-step figures: the notes that went
// out in the period, and what came of them whenever it came.
func (r *Report) campaigns(d *store.ReportData, o Options) {
	out := attribute(d)
	type key struct{ campaign, step string }
	steps := map[key]*Step{}
	order := map[string][]string{}
	for _, cs := range o.Campaigns {
		order[cs.Name] = slices.Clone(cs.Steps)
		for _, id := range cs.Steps {
			steps[key{cs.Name, id}] = &Step{ID: id}
		}
	}
	hours := map[key][]float64{}
	for i := range d.Sends {
		sd := &d.Sends[i]
		k := key{sd.Campaign, sd.Step}
		st := steps[k]
		if st == nil {
			st = &Step{ID: sd.Step}
			steps[k] = st
			order[sd.Campaign] = append(order[sd.Campaign], sd.Step)
		}
		if !inPeriod(sd.At, o) {
			continue
		}
		if sd.State == contact.SendFailed {
			st.Failed++
		} else {
			st.Sent++
		}
		oc := out[sd.ID]
		if oc == nil {
			continue
		}
		if oc.replied {
			st.Replied++
			if h := oc.firstReply.Sub(sd.At).Hours(); h >= 0 {
				hours[k] = append(hours[k], h)
			}
		}
		st.AutoReplied += b2i(oc.auto)
		st.OptedOut += b2i(oc.opt)
		st.Bounced += b2i(oc.bounce)
	}
	for _, name := range campaignOrder(o, order) {
		c := Campaign{Name: name, Steps: []Step{}}
		for _, id := range order[name] {
			st := steps[key{name, id}]
			st.ReplyRate = ratio(st.Replied, st.Sent)
			st.MedianHoursToReply = median(hours[key{name, id}])
			c.Steps = append(c.Steps, *st)
		}
		r.Campaigns = append(r.Campaigns, c)
	}
}

// campaignOrder lists the configured campaigns first, in their order, then
// any other campaign found in the journal (a file since removed) by name.
func campaignOrder(o Options, order map[string][]string) []string {
	var names, rest []string
	for _, cs := range o.Campaigns {
		names = append(names, cs.Name)
	}
	for n := range order {
		if !slices.Contains(names, n) {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(names, rest...)
}

// attribute ties each reaction to the note it answers: the one it names,
// else the latest note that went to the contact before it came.
func attribute(d *store.ReportData) map[int64]*outcome {
	byID := make(map[int64]*store.ReportSend, len(d.Sends))
	sent := map[int64][]*store.ReportSend{} // by contact, in time order
	for i := range d.Sends {
		sd := &d.Sends[i]
		byID[sd.ID] = sd
		if sd.State != contact.SendFailed {
			sent[sd.ContactID] = append(sent[sd.ContactID], sd)
		}
	}
	out := map[int64]*outcome{}
	for _, re := range d.Reactions {
		sd := byID[re.SendID]
		if sd == nil {
			sd = latestBefore(sent[re.ContactID], re.At)
		}
		if sd == nil {
			continue
		}
		oc := out[sd.ID]
		if oc == nil {
			oc = &outcome{}
			out[sd.ID] = oc
		}
		switch re.Kind {
		case "reply":
			if !oc.replied || re.At.Before(oc.firstReply) {
				oc.firstReply = re.At
			}
			oc.replied = true
		case "auto-reply":
			oc.auto = true
		case "opt-out":
			oc.opt = true
		case "bounce":
			oc.bounce = true
		}
	}
	return out
}

// latestBefore is the last of list (in time order) sent at or before t.
func latestBefore(list []*store.ReportSend, t time.Time) *store.ReportSend {
	i := sort.Search(len(list), func(i int) bool { return list[i].At.After(t) })
	if i == 0 {
		return nil
	}
	return list[i-1]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
