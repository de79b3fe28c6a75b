package web

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"rapport/internal/contact"
	"rapport/internal/store"
)

type stageCount struct {
	Stage contact.Stage
	Count int
	Side  bool
	Width int // per cent of the largest, for the bar
}

type reportView struct {
	Stages    []stageCount
	Weekly    *chart
	Referrals *chart
	Sources   []sourceTotal
}

type sourceTotal struct {
	Source, Kind string
	Count        int
}

// weeks is how far back the weekly chart looks.
const weeks = 26

// report shows the pipeline by stage, notes and replies per week, and,
// when referrals are kept, referrals per source per quarter.
func (s *Server) report(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := s.app.Store()
	cols, err := st.Board(ctx, store.BoardFilter{PerStage: 1})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := &reportView{Stages: s.stageCounts(cols)}
	start := weekStart(s.app.Now().In(s.loc())).AddDate(0, 0, -7*(weeks-1))
	hs, err := st.Happenings(ctx, start, contact.EventSent, contact.EventReply)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Weekly = weeklyChart(hs, start, s.loc())
	if s.o.Extras.Referrals != nil {
		refs, err := s.o.Extras.Referrals(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Referrals, v.Sources = referralChart(refs, s.app.Now().In(s.loc()))
	}
	s.render(w, r, http.StatusOK, "report", &page{Title: "Report", Nav: "report", Data: v})
}

func (s *Server) stageCounts(cols map[contact.Stage]*store.Column) []stageCount {
	p := s.app.Config().Pipeline
	var out []stageCount
	most := 1
	for _, st := range p.All() {
		n := 0
		if c := cols[st]; c != nil {
			n = c.Count
		}
		most = max(most, n)
		out = append(out, stageCount{Stage: st, Count: n, Side: p.IsSide(st)})
	}
	for i := range out {
		out[i].Width = out[i].Count * 100 / most
	}
	return out
}

// weekStart is the Monday that begins t's week, at midnight.
func weekStart(t time.Time) time.Time {
	d := (int(t.Weekday()) + 6) % 7
	y, m, day := t.AddDate(0, 0, -d).Date()
	return time.Date(y, m, day, 0, 0, 0, 0, t.Location())
}

func weeklyChart(hs []store.Happening, start time.Time, loc *time.Location) *chart {
	cats := make([]string, weeks)
	sent, replies := make([]int, weeks), make([]int, weeks)
	for i := range cats {
		cats[i] = start.AddDate(0, 0, 7*i).Format("Jan 2")
	}
	for _, h := range hs {
		i := int(weekStart(h.At.In(loc)).Sub(start).Hours()+12) / (24 * 7)
		if i < 0 || i >= weeks {
			continue
		}
		if h.Type == contact.EventSent {
			sent[i]++
		} else {
			replies[i]++
		}
	}
	return barChart("weekly", "Notes sent and answers received, by week", cats,
		[]series{{Name: "notes sent", Class: "s1", Values: sent}, {Name: "answers", Class: "s2", Values: replies}}, false)
}

// quarters is how far back the referrals chart looks.
const quarters = 8

// referralChart piles each quarter's referrals by source: the six
// sources that sent the most, and the others together.
func referralChart(refs []Referral, now time.Time) (*chart, []sourceTotal) {
	y, q := now.Year(), (int(now.Month())-1)/3
	cats := make([]string, quarters)
	index := map[string]int{}
	for i := range quarters {
		k := q - (quarters - 1 - i)
		yy := y + floorDiv(k, 4)
		qq := k - 4*floorDiv(k, 4)
		cats[i] = fmt.Sprintf("Q%d %d", qq+1, yy)
		index[cats[i]] = i
	}
	totals := map[string]*sourceTotal{}
	for _, r := range refs {
		t := totals[r.Source]
		if t == nil {
			t = &sourceTotal{Source: r.Source, Kind: r.Kind}
			totals[r.Source] = t
		}
		t.Count += r.Count
	}
	var list []sourceTotal
	for _, t := range totals {
		list = append(list, *t)
	}
	slices.SortFunc(list, func(a, b sourceTotal) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return compareText(a.Source, b.Source)
	})
	const shown = 6
	ss := []series{}
	row := map[string]int{}
	for i, t := range list {
		if i == shown {
			ss = append(ss, series{Name: "others", Class: "s0", Values: make([]int, quarters)})
		}
		if i >= shown {
			row[t.Source] = shown
			continue
		}
		row[t.Source] = i
		ss = append(ss, series{Name: t.Source, Class: fmt.Sprintf("s%d", i+1), Values: make([]int, quarters)})
	}
	for _, r := range refs {
		i, ok := index[fmt.Sprintf("Q%d %d", (int(r.On.Month())-1)/3+1, r.On.Year())]
		if ok {
			ss[row[r.Source]].Values[i] += r.Count
		}
	}
	return barChart("referrals", "Referrals by source, by quarter", cats, ss, true), list
}

func floorDiv(a, b int) int {
	if a < 0 {
		return -((-a + b - 1) / b)
	}
	return a / b
}

func compareText(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
