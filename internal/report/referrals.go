package report

import (
	"cmp"
	"slices"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// reach is the first note rapport sent a contact.
type reach struct {
	at       time.Time
	campaign string
}

// history is what the referral sections need beyond the period.
type history struct {
	first    map[int64]reach  // first note per contact, ever
	firstRef map[int64]string // first referral day per contact, ever
}

func newHistory(d *store.ReportData) history {
	h := history{first: map[int64]reach{}, firstRef: map[int64]string{}}
	for id, f := range d.FirstNotes {
		h.first[id] = reach{at: f.At, campaign: f.Campaign}
	}
	for _, rf := range d.Referrals {
		if day, ok := h.firstRef[rf.ContactID]; !ok || refDay(rf) < day {
			h.firstRef[rf.ContactID] = refDay(rf)
		}
	}
	return h
}

// credit is the campaign a referral on day from contact id is credited
// to: the one whose note first reached them, if it went out by that day.
func (h history) credit(id int64, day string, loc *time.Location) string {
	if f, ok := h.first[id]; ok && dayOf(f.at, loc) <= day {
		return f.campaign
	}
	return ""
}

func (r *Report) referrals(d *store.ReportData, o Options) {
	h := newHistory(d)
	src := map[int64]*Source{}
	kinds := map[string]*KindRow{}
	camps := map[string]*CampaignRefs{}
	campSources := map[string]map[int64]bool{}
	months := map[string]int{}
	for _, rf := range d.Referrals {
		day := refDay(rf)
		if !dayInPeriod(day, o) {
			continue
		}
		r.ReferralTotal += rf.Count
		months[day[:7]] += rf.Count
		s := src[rf.ContactID]
		if s == nil {
			s = newSource(d.Sources[rf.ContactID], rf.ContactID, h.credit(rf.ContactID, h.firstRef[rf.ContactID], o.Location))
			src[rf.ContactID] = s
		}
		s.Count += rf.Count
		s.First, s.Last = minDay(s.First, day), max(s.Last, day)
		k := kinds[s.Kind]
		if k == nil {
			k = &KindRow{Kind: s.Kind}
			kinds[s.Kind] = k
		}
		k.Count += rf.Count
		camp := h.credit(rf.ContactID, day, o.Location)
		if camps[camp] == nil {
			camps[camp], campSources[camp] = &CampaignRefs{Campaign: camp}, map[int64]bool{}
		}
		camps[camp].Count += rf.Count
		campSources[camp][rf.ContactID] = true
	}
	r.bySource(src)
	r.byKind(kinds, src, d, o)
	for camp, c := range camps {
		c.Sources = len(campSources[camp])
		r.ByCampaign = append(r.ByCampaign, *c)
	}
	slices.SortFunc(r.ByCampaign, func(a, b CampaignRefs) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Campaign, b.Campaign))
	})
	r.byMonth(months, o)
	r.newSources(h, o)
}

func newSource(c *contact.Contact, id int64, firstBy string) *Source {
	if c == nil {
		c = &contact.Contact{}
	}
	return &Source{Source: c.Label(), ContactID: id, Email: c.Email, Organization: c.Organization, Kind: c.Kind,
		FirstReachedBy: firstBy}
}

func minDay(a, b string) string {
	if a == "" || b < a {
		return b
	}
	return a
}

func (r *Report) bySource(src map[int64]*Source) {
	for _, s := range src {
		r.Referrals = append(r.Referrals, *s)
	}
	slices.SortFunc(r.Referrals, func(a, b Source) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Source, b.Source), cmp.Compare(a.ContactID, b.ContactID))
	})
}

// byKind lists every configured kind, those without a referral too: "the
// school counselors sent none" is worth seeing.
func (r *Report) byKind(kinds map[string]*KindRow, src map[int64]*Source, d *store.ReportData, o Options) {
	for _, s := range src {
		kinds[s.Kind].Sources++
	}
	order := slices.Clone(o.Kinds)
	for k := range kinds {
		if !slices.Contains(order, k) {
			order = append(order, k)
		}
	}
	for _, k := range order {
		row := KindRow{Kind: k}
		if kinds[k] != nil {
			row = *kinds[k]
		}
		row.Contacts = d.Kinds[k]
		r.ByKind = append(r.ByKind, row)
	}
	slices.SortStableFunc(r.ByKind, func(a, b KindRow) int { return cmp.Compare(b.Count, a.Count) })
}

// byMonth lists each month of the period, those without referrals too.
func (r *Report) byMonth(months map[string]int, o Options) {
	var first, last string
	for m := range months {
		first, last = minDay(first, m), max(last, m)
	}
	if !o.Since.IsZero() {
		first = o.Since.In(o.Location).Format("2006-01")
	}
	if !o.Until.IsZero() {
		last = o.Until.Add(-time.Nanosecond).In(o.Location).Format("2006-01")
	}
	if first == "" || last == "" {
		return
	}
	t, _ := time.Parse("2006-01", first)
	for m := first; m <= last && len(r.ByMonth) < 1200; m = t.Format("2006-01") {
		r.ByMonth = append(r.ByMonth, MonthRow{Month: m, Count: months[m]})
		t = t.AddDate(0, 1, 0)
	}
}

// newSources counts the contacts whose first referral ever fell in the
// period, and credits each to the campaign that reached them first (on or
// before that day); the median days from that first note to the first
// referral is taken over the credited ones.
func (r *Report) newSources(h history, o Options) {
	wins := map[string]int{}
	var days []float64
	for id, day := range h.firstRef {
		if !dayInPeriod(day, o) {
			continue
		}
		r.NewSources.Total++
		camp := h.credit(id, day, o.Location)
		wins[camp]++
		if camp != "" {
			ref, _ := time.Parse("2006-01-02", day)
			note, _ := time.Parse("2006-01-02", dayOf(h.first[id].at, o.Location))
			days = append(days, ref.Sub(note).Hours()/24)
		}
	}
	for camp, n := range wins {
		r.NewSources.ByCampaign = append(r.NewSources.ByCampaign, SourceWin{Campaign: camp, Sources: n, Share: ratio(n, r.NewSources.Total)})
	}
	slices.SortFunc(r.NewSources.ByCampaign, func(a, b SourceWin) int {
		return cmp.Or(cmp.Compare(b.Sources, a.Sources), cmp.Compare(a.Campaign, b.Campaign))
	})
	r.MedianDaysToFirstReferral = median(days)
}
