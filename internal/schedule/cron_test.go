package schedule

import (
	"testing"
	"time"
)

// runs lists every activation in [from, to).
func runs(c *Cron, from, to time.Time) []time.Time {
	var out []time.Time
	for n := c.Next(from.Add(-time.Nanosecond)); !n.IsZero() && n.Before(to); n = c.Next(n) {
		out = append(out, n)
	}
	return out
}

func TestCronRunsOnceOnDSTChangeDays(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, ny) }
	for _, tc := range []struct {
		name, spec string
		day        time.Time
		want       string // local time of the single run
	}{
		{"02:30 on spring-forward day runs at 03:30", "30 2 * * *", day(2026, 3, 8), "03:30 EDT"},
		{"01:30 on fall-back day runs once", "30 1 * * *", day(2026, 11, 1), "01:30 EDT"},
		{"09:00 on spring-forward day", "0 9 * * *", day(2026, 3, 8), "09:00 EDT"},
		{"09:00 on fall-back day", "0 9 * * *", day(2026, 11, 1), "09:00 EST"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := ParseCron(tc.spec, ny)
			if err != nil {
				t.Fatal(err)
			}
			got := runs(c, tc.day, tc.day.AddDate(0, 0, 1))
			if len(got) != 1 || got[0].Format("15:04 MST") != tc.want {
				t.Fatalf("runs = %v, want one at %s", got, tc.want)
			}
		})
	}
}

func TestCronEveryWeekdayForAMonthAcrossDST(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	c, _ := ParseCron("0 9 * * MON-FRI", ny)
	got := runs(c, time.Date(2026, 10, 15, 0, 0, 0, 0, ny), time.Date(2026, 11, 15, 0, 0, 0, 0, ny))
	if len(got) != 22 {
		t.Errorf("%d runs in a month of weekdays, want 22", len(got))
	}
	for _, r := range got {
		if r.Hour() != 9 || r.Weekday() == time.Saturday || r.Weekday() == time.Sunday {
			t.Errorf("run at %s", r)
		}
	}
}

func TestCronPrevAndErrors(t *testing.T) {
	c, _ := ParseCron("0 9 * * MON-FRI", time.UTC)
	mon := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC) // Monday before 9
	if got := c.Prev(mon); !got.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("Prev = %s, want Friday 9:00", got)
	}
	yearly, _ := ParseCron("0 10 1 7 *", time.UTC)
	if got := yearly.Prev(mon); !got.Equal(time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("yearly Prev = %s", got)
	}
	for _, bad := range []string{"0 9 * *", "CRON_TZ=UTC 0 9 * * *", "@every 1h", "61 9 * * *"} {
		if _, err := ParseCron(bad, time.UTC); err == nil {
			t.Errorf("ParseCron(%q) accepted", bad)
		}
	}
}
