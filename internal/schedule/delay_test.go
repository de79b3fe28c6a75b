package schedule

import (
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	h, _ := ParseHolidays([]string{"2026-11-26"})
	fri := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"10d", fri.AddDate(0, 0, 10)},
		{"2w", fri.AddDate(0, 0, 14)},
		{"36h", fri.Add(36 * time.Hour)},
		{"5 business days", time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)}, // Mon..Fri minus Thanksgiving
		{"1 business day", time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)},
		{"3 days", fri.AddDate(0, 0, 3)},
	} {
		d, err := ParseDelay(tc.in)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if got := d.After(fri, h); !got.Equal(tc.want) {
			t.Errorf("%s after Friday = %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"ten days", "10 fortnights", "-3d", "d10", "1.5d"} {
		if _, err := ParseDelay(bad); err == nil {
			t.Errorf("ParseDelay(%q) accepted", bad)
		}
	}
}
