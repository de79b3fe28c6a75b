package campaign

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rapport/internal/contact"
	"rapport/internal/schedule"
)

const yearlyTouch = `
schedule = "0 10 1-20 7 MON-FRI"
repeat = "yearly"
[audience]
due_for_touch = true
[[steps]]
id = "hello"
template = "thinking-of-you"
`

func TestDueForTouchAudience(t *testing.T) {
	rules := &contact.TouchRules{Kinds: map[string]contact.Interval{"physician": {Months: 12}}}
	env := Env{Location: time.UTC, Pipeline: contact.DefaultPipeline(), Kinds: contact.DefaultKinds, Touch: rules}
	dir := t.TempDir()
	path := filepath.Join(dir, "yearly.toml")
	writeFile(t, path, yearlyTouch)

	t.Run("the plan writes only to those due, in meeting and partner by default", func(t *testing.T) {
		c, err := Load(path, env)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Audience.Stages) != 2 || c.Audience.Stages[0] != contact.StageMeeting {
			t.Fatalf("stages = %v", c.Audience.Stages)
		}
		due := &contact.Contact{ID: 1, Email: "due@clinic.test", Kind: "physician", Stage: contact.StagePartner}
		fresh := &contact.Contact{ID: 2, Email: "fresh@clinic.test", Kind: "physician", Stage: contact.StagePartner}
		w, _ := schedule.ParseWindow("Mon-Fri 09:00-17:00")
		now := time.Date(2026, 7, 1, 14, 0, 0, 0, time.UTC) // a Wednesday
		items := c.Plan([]Facts{{Contact: due, DueForTouch: true}, {Contact: fresh}}, Options{Now: now, Window: w,
			Pipeline: contact.DefaultPipeline(), Capacity: -1})
		if len(items) != 1 || items[0].Contact.ID != 1 || !items[0].Due {
			t.Fatalf("items = %+v", items)
		}
	})
	t.Run("without [keep_in_touch] the campaign says what to add", func(t *testing.T) {
		env := env
		env.Touch = nil
		_, err := Load(path, env)
		if err == nil || !strings.Contains(err.Error(), "[keep_in_touch]") || !strings.Contains(err.Error(), "due_for_touch") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a stage nobody is kept in touch with is an error", func(t *testing.T) {
		p := filepath.Join(dir, "new.toml")
		writeFile(t, p, strings.Replace(yearlyTouch, "due_for_touch = true", "due_for_touch = true\nstages = [\"new\"]", 1))
		_, err := Load(p, env)
		if err == nil || !strings.Contains(err.Error(), `"new" contacts are never due for a touch`) {
			t.Fatalf("err = %v", err)
		}
	})
}
