package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"rapport/internal/contact"
	"rapport/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func firstQuarter(t *testing.T) *Report {
	t.Helper()
	p := newPractice(t)
	p.quarter()
	chicago, _ := time.LoadLocation("America/Chicago")
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, chicago)
	data, err := p.st.ReportData(p.ctx, store.ReportQuery{Since: since, Rules: rules, Now: p.clk.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return Build(data, Options{
		Since: since, Until: time.Date(2026, 4, 1, 0, 0, 0, 0, chicago),
		Now: p.clk.Now(), Location: chicago, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds,
		Campaigns: []CampaignSteps{{"intro-physicians", []string{"intro", "follow-up"}}, {"intro-therapists", []string{"intro"}}},
	})
}

func fp(v float64) *float64 { return &v }

func TestReportOfAQuarter(t *testing.T) {
	r := firstQuarter(t)
	t.Run("pipeline by stage, now", func(t *testing.T) {
		want := map[string]int{"new": 1, "contacted": 0, "replied": 0, "meeting": 3, "partner": 3, "bounced": 2,
			"opted-out": 1, "do-not-contact": 0}
		if !reflect.DeepEqual(r.Stages, want) {
			t.Errorf("stages = %v", r.Stages)
		}
	})
	t.Run("per campaign and step: the quarter's notes and what came of them", func(t *testing.T) {
		want := []Campaign{
			{"intro-physicians", []Step{
				// doc1 answered in 24 h; the pastor's answer came from his address
				// without threading (72 h); doc2 was out of office.
				{ID: "intro", Sent: 4, Replied: 2, AutoReplied: 1, ReplyRate: 0.5, MedianHoursToReply: fp(48)},
				{ID: "follow-up", Sent: 2, Bounced: 1, OptedOut: 1},
			}},
			// The note to pastor2 went out in December: not this quarter's.
			{"intro-therapists", []Step{
				{ID: "intro", Sent: 1, Replied: 1, Bounced: 1, Failed: 1, ReplyRate: 1, MedianHoursToReply: fp(6)},
			}},
		}
		if !reflect.DeepEqual(r.Campaigns, want) {
			got, _ := json.Marshal(r.Campaigns)
			t.Errorf("campaigns = %s", got)
		}
	})
	t.Run("referrals by source: pastors sent four", func(t *testing.T) {
		if r.ReferralTotal != 7 || len(r.Referrals) != 4 {
			t.Fatalf("total %d, sources %+v", r.ReferralTotal, r.Referrals)
		}
		kim := r.Referrals[0]
		if kim.Source != "Daniel Kim" || kim.Count != 4 || kim.First != "2026-02-10" || kim.Last != "2026-03-05" ||
			kim.FirstReachedBy != "intro-physicians" || kim.Kind != "pastor" {
			t.Errorf("first source = %+v", kim)
		}
		// Priya referred before any note: no campaign reached her first.
		if r.Referrals[2].Source != "Priya Raman" || r.Referrals[2].FirstReachedBy != "" {
			t.Errorf("third source = %+v", r.Referrals[2])
		}
	})
	t.Run("referrals by kind: the school counselors none", func(t *testing.T) {
		want := []KindRow{{"pastor", 5, 2, 2}, {"physician", 1, 1, 4}, {"therapist", 1, 1, 3},
			{"school-counselor", 0, 0, 1}, {"agency", 0, 0, 0}, {"other", 0, 0, 0}}
		if !reflect.DeepEqual(r.ByKind, want) {
			t.Errorf("by kind = %+v", r.ByKind)
		}
	})
	t.Run("referrals by the campaign that first reached the source", func(t *testing.T) {
		want := []CampaignRefs{{"intro-physicians", 5, 2}, {"intro-therapists", 2, 2}}
		if !reflect.DeepEqual(r.ByCampaign, want) {
			t.Errorf("by campaign = %+v", r.ByCampaign)
		}
	})
	t.Run("referrals per month of the period", func(t *testing.T) {
		want := []MonthRow{{"2026-01", 1}, {"2026-02", 3}, {"2026-03", 3}}
		if !reflect.DeepEqual(r.ByMonth, want) {
			t.Errorf("by month = %+v", r.ByMonth)
		}
	})
	t.Run("new referral sources and the campaigns that won them", func(t *testing.T) {
		want := NewSources{Total: 3, ByCampaign: []SourceWin{{"intro-physicians", 2, 0.6667}, {"intro-therapists", 1, 0.3333}}}
		if !reflect.DeepEqual(r.NewSources, want) {
			t.Errorf("new sources = %+v", r.NewSources)
		}
		// 21 (Dec 20 → Jan 10), 36 (Jan 5 → Feb 10), 74 (Jan 5 → Mar 20).
		if m := r.MedianDaysToFirstReferral; m == nil || *m != 36 {
			t.Errorf("median days to first referral = %v", m)
		}
	})
	t.Run("due for a touch: never in touch first, then the oldest", func(t *testing.T) {
		if len(r.Due) != 2 || r.Due[0].Name != "Dana Ruiz" || r.Due[0].LastInteraction != nil ||
			r.Due[0].Rule != "tag close-colleague" || r.Due[1].Name != "Hannah Becker" ||
			r.Due[1].LastWhat != "you: dropped off cookies" || r.Due[1].Every != "12 months" {
			t.Errorf("due = %+v", r.Due)
		}
	})
}

func TestReportJSONAndText(t *testing.T) {
	r := firstQuarter(t)
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	var shape map[string]any
	json.Unmarshal(js, &shape)
	for _, key := range []string{"stages", "campaigns", "referrals", "referrals_by_kind", "referrals_by_campaign",
		"referrals_by_month", "new_sources", "median_days_first_note_to_first_referral", "due_for_touch", "since", "until"} {
		if _, ok := shape[key]; !ok {
			t.Errorf("JSON has no %q", key)
		}
	}
	if shape["since"] != "2026-01-01T00:00:00-06:00" {
		t.Errorf("since = %v, want RFC 3339", shape["since"])
	}
	golden(t, "report.json", append(js, '\n'))
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", text.Bytes())
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", name, got)
	}
}

func TestReportWorkbook(t *testing.T) {
	r := firstQuarter(t)
	wb, err := r.Workbook()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"Pipeline", "Campaigns", "Referrals by source", "Referrals by kind", "Referrals by campaign",
		"Referrals by month", "New sources", "Due for a touch"}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %v", got)
	}
	cells := map[string]map[string]string{
		"Pipeline":              {"A3": "STAGE", "A7": "meeting", "B7": "3"},
		"Campaigns":             {"A4": "intro-physicians", "C4": "4", "D4": "2", "E4": "50%", "F4": "48.0 hours", "H4": "1", "B5": "follow-up", "G5": "1", "I5": "1", "J6": "1"},
		"Referrals by source":   {"A4": "Daniel Kim", "D4": "4", "G4": "intro-physicians", "G6": "(no campaign)"},
		"Referrals by kind":     {"A4": "pastor", "B4": "5", "A7": "school-counselor", "B7": "0", "D7": "1"},
		"Referrals by campaign": {"A4": "intro-physicians", "B4": "5", "C5": "2"},
		"Referrals by month":    {"A5": "2026-02", "B5": "3"},
		"New sources":           {"A4": "intro-physicians", "B4": "2", "C4": "67%", "A2": "median time from the first note to the first referral: 36 days"},
		"Due for a touch":       {"A4": "Dana Ruiz", "F4": "none on record", "A5": "Hannah Becker", "F5": "2025-03-01"},
	}
	for sheet, want := range cells {
		for cell, v := range want {
			if got, _ := f.GetCellValue(sheet, cell); got != v {
				t.Errorf("%s!%s = %q, want %q", sheet, cell, got, v)
			}
		}
	}
	if v, _ := f.GetCellValue("Campaigns", "A1"); v != "Campaigns — from 2026-01-01 to 2026-03-31" {
		t.Errorf("title = %q", v)
	}
}

func TestWorkbookKeepsFormulasAsText(t *testing.T) {
	r := &Report{loc: time.UTC, Stages: map[string]int{}, Referrals: []Source{{Source: "=HYPERLINK(\"http://x\")", Count: 1}}}
	wb, err := r.Workbook()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	wb.WriteTo(&buf)
	f, _ := excelize.OpenReader(&buf)
	defer f.Close()
	if formula, _ := f.GetCellFormula("Referrals by source", "A4"); formula != "" {
		t.Errorf("a contact's name became a formula: %q", formula)
	}
	if v, _ := f.GetCellValue("Referrals by source", "A4"); v != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("A4 = %q", v)
	}
}
