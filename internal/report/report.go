package report

import (
	"math"
	"slices"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// Options are the period and the user's setup a report is built for.
type Options struct {
	// Since and Until bound the period: notes that went out and referrals
	// that came in at or after Since and before Until. Zero means open.
	Since, Until time.Time
	Now          time.Time
	Location     *time.Location   // the user's zone: days and months are theirs
	Pipeline     contact.Pipeline // the order of the stages
	Kinds        []string         // every configured kind is listed, referrals or not
	// Campaigns are the campaign files, in order, with their steps in
	// order: each is listed even when nothing went out in the period.
	Campaigns []CampaignSteps
}

// CampaignSteps names a campaign and its steps.
type CampaignSteps struct {
	Name  string
	Steps []string
}

// Report is `rapport report`. Its JSON extends CONTRACT.md's shape.
type Report struct {
	GeneratedAt time.Time      `json:"generated_at"`
	Since       *time.Time     `json:"since"`
	Until       *time.Time     `json:"until"`
	Stages      map[string]int `json:"stages"`
	StageOrder  []string       `json:"-"`
	Campaigns   []Campaign     `json:"campaigns"`
	// Referrals are by source, most referrals first.
	Referrals     []Source       `json:"referrals"`
	ReferralTotal int            `json:"referral_total"`
	ByKind        []KindRow      `json:"referrals_by_kind"`
	ByCampaign    []CampaignRefs `json:"referrals_by_campaign"`
	ByMonth       []MonthRow     `json:"referrals_by_month"`
	NewSources    NewSources     `json:"new_sources"`
	// MedianDaysToFirstReferral is, for the new sources a campaign won,
	// the median number of days from the first note to the first referral.
	MedianDaysToFirstReferral *float64 `json:"median_days_first_note_to_first_referral"`
	Due                       []Due    `json:"due_for_touch"`

	loc *time.Location
}

// Campaign is one campaign's figures.
type Campaign struct {
	Name  string `json:"name"`
	Steps []Step `json:"steps"`
}

// Step is what one step sent in the period and what came of those notes
// (whenever the answer came).
type Step struct {
	ID          string  `json:"id"`
	Sent        int     `json:"sent"`
	Replied     int     `json:"replied"`
	Bounced     int     `json:"bounced"`
	AutoReplied int     `json:"auto_replied"`
	OptedOut    int     `json:"opted_out"`
	Failed      int     `json:"failed"`
	ReplyRate   float64 `json:"reply_rate"` // replied / sent, 0..1
	// MedianHoursToReply is nil when nobody replied.
	MedianHoursToReply *float64 `json:"median_hours_to_reply"`
}

// Source is one contact who sent referrals in the period.
type Source struct {
	Source       string `json:"source"` // the contact's name, else organization, else email
	ContactID    int64  `json:"contact_id"`
	Email        string `json:"email"`
	Organization string `json:"organization"`
	Kind         string `json:"kind"`
	Count        int    `json:"count"`
	First        string `json:"first"` // days, YYYY-MM-DD
	Last         string `json:"last"`
	// FirstReachedBy is the campaign of the first note rapport sent them,
	// "" if none went out before their first referral.
	FirstReachedBy string `json:"first_reached_by"`
}

// KindRow is the referrals from one kind of source.
type KindRow struct {
	Kind     string `json:"kind"`
	Count    int    `json:"count"`
	Sources  int    `json:"sources"`  // how many of them referred
	Contacts int    `json:"contacts"` // how many of that kind there are
}

// CampaignRefs is the referrals credited to a campaign: those from
// sources it reached first, on or before the referral's day. Campaign ""
// is everyone else (met in person, or referred before any note).
type CampaignRefs struct {
	Campaign string `json:"campaign"`
	Count    int    `json:"count"`
	Sources  int    `json:"sources"`
}

// MonthRow is the referrals of one month (YYYY-MM).
type MonthRow struct {
	Month string `json:"month"`
	Count int    `json:"count"`
}

// NewSources are the contacts whose first referral ever came in the
// period, and the share each campaign won.
type NewSources struct {
	Total      int         `json:"total"`
	ByCampaign []SourceWin `json:"by_campaign"`
}

// SourceWin is a campaign's part of the new sources.
type SourceWin struct {
	Campaign string  `json:"campaign"`
	Sources  int     `json:"sources"`
	Share    float64 `json:"share"` // 0..1
}

// Due is a contact kept in touch with: due for a note or visit, or when
// it will be.
type Due struct {
	ContactID       int64      `json:"contact_id"`
	Email           string     `json:"email"`
	Name            string     `json:"name"`
	Organization    string     `json:"organization"`
	Kind            string     `json:"kind"`
	Stage           string     `json:"stage"`
	Every           string     `json:"every"` // "12 months"
	Rule            string     `json:"rule"`  // "kind physician", "tag close-colleague"
	LastInteraction *time.Time `json:"last_interaction"`
	LastWhat        string     `json:"last_what"`
	DueAt           time.Time  `json:"due_at"`
	Due             bool       `json:"due"`
}

// TouchList turns the keep-in-touch list into what the report (and
// `rapport touch`) show.
func TouchList(items []store.TouchItem) []Due {
	out := make([]Due, 0, len(items))
	for _, t := range items {
		c := t.Contact
		d := Due{ContactID: c.ID, Email: c.Email, Name: c.Label(), Organization: c.Organization, Kind: c.Kind,
			Stage: string(c.Stage), Every: t.Interval.String(), Rule: t.Rule, LastWhat: t.LastWhat, DueAt: t.DueAt, Due: t.Due}
		if !t.Last.IsZero() {
			last := t.Last
			d.LastInteraction = &last
		}
		out = append(out, d)
	}
	return out
}

// Build computes the report from d, read at o.Now (its keep-in-touch list:
// only those due are reported).
func Build(d *store.ReportData, o Options) *Report {
	if o.Location == nil {
		o.Location = time.Local
	}
	r := &Report{GeneratedAt: o.Now.UTC().Truncate(time.Second), Stages: map[string]int{}, loc: o.Location, Campaigns: []Campaign{},
		Referrals: []Source{}, ByKind: []KindRow{}, ByCampaign: []CampaignRefs{}, ByMonth: []MonthRow{},
		NewSources: NewSources{ByCampaign: []SourceWin{}}, Due: []Due{}}
	if !o.Since.IsZero() {
		r.Since = &o.Since
	}
	if !o.Until.IsZero() {
		r.Until = &o.Until
	}
	r.stages(d, o)
	r.campaigns(d, o)
	r.referrals(d, o)
	r.due(d.Touches)
	return r
}

func (r *Report) stages(d *store.ReportData, o Options) {
	for _, st := range o.Pipeline.All() {
		r.Stages[string(st)] = d.Stages[st]
		r.StageOrder = append(r.StageOrder, string(st))
	}
	for st, n := range d.Stages {
		if _, ok := r.Stages[string(st)]; !ok {
			r.Stages[string(st)] = n
			r.StageOrder = append(r.StageOrder, string(st))
		}
	}
}

func (r *Report) due(touches []store.TouchItem) {
	for _, d := range TouchList(touches) {
		if d.Due {
			r.Due = append(r.Due, d)
		}
	}
}

// inPeriod reports whether an instant is in the period.
func inPeriod(t time.Time, o Options) bool {
	return (o.Since.IsZero() || !t.Before(o.Since)) && (o.Until.IsZero() || t.Before(o.Until))
}

// dayOf is the calendar day of an instant in the user's zone, as
// YYYY-MM-DD; referral days (store.Day) compare with it as text.
func dayOf(t time.Time, loc *time.Location) string { return t.In(loc).Format("2006-01-02") }

// refDay is a referral's day as text.
func refDay(r store.Referral) string { return r.On.Format("2006-01-02") }

// dayInPeriod reports whether a referral's day is in the period: on or
// after the day Since falls on, and before the day Until falls on.
func dayInPeriod(day string, o Options) bool {
	return (o.Since.IsZero() || day >= dayOf(o.Since, o.Location)) &&
		(o.Until.IsZero() || day < dayOf(o.Until, o.Location))
}

// median of xs (not empty), rounded to one decimal.
func median(xs []float64) *float64 {
	if len(xs) == 0 {
		return nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	m = math.Round(m*10) / 10
	return &m
}

// ratio is n/of rounded to four decimals, 0 when of is 0.
func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(of)*10000) / 10000
}
