package schedule

import (
	"testing"
	"time"
)

func TestScheduleInWords(t *testing.T) {
	for spec, want := range map[string]string{
		"0 9 * * MON-FRI": "weekdays at 09:00",
		"30 8 * * MON":    "every Monday at 08:30",
		"0 10 * * *":      "every day at 10:00",
		"* * * * *":       "every minute",
		"*/15 * * * *":    "every 15 minutes",
		"0 9 1 * *":       `on the schedule "0 9 1 * *"`,
	} {
		c, err := ParseCron(spec, time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Describe(); got != want {
			t.Errorf("%q: %q, want %q", spec, got, want)
		}
	}
}
