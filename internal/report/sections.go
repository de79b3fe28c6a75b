package report

import (
	"fmt"
	"time"
)

// Section is one table of the report, as both the terminal view and the
// workbook show it. Cells are string, int, Percent, Hours, Days or
// time.Time (shown in the user's zone).
type Section struct {
	Sheet  string // the workbook's sheet name (at most 31 characters)
	Title  string
	Note   string // one line under the title: what is counted
	Empty  string // shown instead of the table when it has no rows
	Header []string
	Rows   [][]any
}

// Percent is a share, 0..1.
type Percent float64

// Hours is a length of time in hours; nil-like values are written "—".
type Hours struct {
	V  float64
	OK bool
}

// Days is a number of days.
type Days struct {
	V  float64
	OK bool
}

func hoursOf(p *float64) Hours {
	if p == nil {
		return Hours{}
	}
	return Hours{V: *p, OK: true}
}

// Sections lays the report out as tables, in reading order.
func (r *Report) Sections() []Section {
	return []Section{r.pipelineSection(), r.campaignSection(), r.sourceSection(), r.kindSection(),
		r.creditSection(), r.monthSection(), r.newSourceSection(), r.dueSection()}
}

func (r *Report) pipelineSection() Section {
	s := Section{Sheet: "Pipeline", Title: "Pipeline (now)", Header: []string{"STAGE", "CONTACTS"}}
	for _, st := range r.StageOrder {
		s.Rows = append(s.Rows, []any{st, r.Stages[st]})
	}
	return s
}

func (r *Report) campaignSection() Section {
	s := Section{Sheet: "Campaigns", Title: "Campaigns",
		Note:  "notes that went out in the period, and what came of them, whenever the answer came",
		Empty: "No campaign has sent anything yet.",
		Header: []string{"CAMPAIGN", "STEP", "SENT", "REPLIED", "REPLY RATE", "MEDIAN TIME TO REPLY",
			"BOUNCED", "OUT OF OFFICE", "OPTED OUT", "FAILED"}}
	for _, c := range r.Campaigns {
		for _, st := range c.Steps {
			var rate any = "—"
			if st.Sent > 0 {
				rate = Percent(st.ReplyRate)
			}
			s.Rows = append(s.Rows, []any{c.Name, st.ID, st.Sent, st.Replied, rate,
				hoursOf(st.MedianHoursToReply), st.Bounced, st.AutoReplied, st.OptedOut, st.Failed})
		}
	}
	return s
}

func (r *Report) sourceSection() Section {
	s := Section{Sheet: "Referrals by source", Title: fmt.Sprintf("Referrals: %d in the period, by source", r.ReferralTotal),
		Empty:  "No referrals recorded in this period. Record one with `rapport referrals add EMAIL`.",
		Header: []string{"SOURCE", "ORGANIZATION", "KIND", "REFERRALS", "FIRST", "LAST", "FIRST REACHED BY", "EMAIL"}}
	for _, src := range r.Referrals {
		s.Rows = append(s.Rows, []any{src.Source, src.Organization, orNone(src.Kind, "(no kind)"), src.Count,
			src.First, src.Last, orNone(src.FirstReachedBy, "(no campaign)"), src.Email})
	}
	return s
}

func (r *Report) kindSection() Section {
	s := Section{Sheet: "Referrals by kind", Title: "Referrals by kind of source",
		Header: []string{"KIND", "REFERRALS", "SOURCES WHO REFERRED", "CONTACTS OF THIS KIND"}}
	for _, k := range r.ByKind {
		s.Rows = append(s.Rows, []any{orNone(k.Kind, "(no kind)"), k.Count, k.Sources, k.Contacts})
	}
	return s
}

func (r *Report) creditSection() Section {
	s := Section{Sheet: "Referrals by campaign", Title: "Referrals by the campaign that first reached the source",
		Note:   "a referral counts for a campaign when its note reached the source first, on or before that day",
		Empty:  "No referrals in this period.",
		Header: []string{"CAMPAIGN", "REFERRALS", "SOURCES"}}
	for _, c := range r.ByCampaign {
		s.Rows = append(s.Rows, []any{orNone(c.Campaign, "(no campaign: met otherwise, or referred first)"), c.Count, c.Sources})
	}
	return s
}

func (r *Report) monthSection() Section {
	s := Section{Sheet: "Referrals by month", Title: "Referrals by month", Empty: "No referrals in this period.",
		Header: []string{"MONTH", "REFERRALS"}}
	for _, m := range r.ByMonth {
		s.Rows = append(s.Rows, []any{m.Month, m.Count})
	}
	return s
}

func (r *Report) newSourceSection() Section {
	med := Days{}
	if r.MedianDaysToFirstReferral != nil {
		med = Days{V: *r.MedianDaysToFirstReferral, OK: true}
	}
	s := Section{Sheet: "New sources", Title: fmt.Sprintf("New referral sources: %d (first referral ever in the period)", r.NewSources.Total),
		Note:   "median time from the first note to the first referral: " + med.text(),
		Empty:  "No new referral source in this period.",
		Header: []string{"CAMPAIGN", "NEW SOURCES", "SHARE"}}
	for _, w := range r.NewSources.ByCampaign {
		s.Rows = append(s.Rows, []any{orNone(w.Campaign, "(no campaign)"), w.Sources, Percent(w.Share)})
	}
	return s
}

func (r *Report) dueSection() Section {
	s := Section{Sheet: "Due for a touch", Title: fmt.Sprintf("Due for a touch: %d", len(r.Due)),
		Note:   "contacts you keep in touch with, by [keep_in_touch], whose last note, reply, visit or referral is older than their interval",
		Empty:  "Nobody is due: everyone you keep in touch with has heard from you recently.",
		Header: []string{"NAME", "ORGANIZATION", "KIND", "STAGE", "EVERY", "LAST INTERACTION", "WHAT", "EMAIL"}}
	for _, d := range r.Due {
		var last any = "none on record"
		if d.LastInteraction != nil {
			last = *d.LastInteraction
		}
		s.Rows = append(s.Rows, []any{d.Name, d.Organization, d.Kind, d.Stage, d.Every, last, d.LastWhat, d.Email})
	}
	return s
}

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

func (d Days) text() string {
	if !d.OK {
		return "—"
	}
	if d.V == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%g days", d.V)
}

func (h Hours) text() string {
	switch {
	case !h.OK:
		return "—"
	case h.V < 48:
		return fmt.Sprintf("%.1f hours", h.V)
	}
	return fmt.Sprintf("%.1f days", h.V/24)
}

// cellText writes a cell for the terminal, times in loc.
func cellText(v any, loc *time.Location) string {
	switch x := v.(type) {
	case string:
		return x
	case int:
		return fmt.Sprint(x)
	case Percent:
		return fmt.Sprintf("%.0f%%", float64(x)*100)
	case Hours:
		return x.text()
	case Days:
		return x.text()
	case time.Time:
		return x.In(loc).Format("2006-01-02")
	}
	return fmt.Sprint(v)
}
