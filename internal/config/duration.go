package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Duration is a length of time written the way people write it: Go's
// "45s", "1h30m", and also days and weeks: "7d", "2w".
type Duration struct{ time.Duration }

// UnmarshalText parses a Duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalText writes a Duration back.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// ParseDuration accepts Go durations plus "Nd" and "Nw".
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("%q is not a duration (examples: 45s, 10m, 2h, 7d, 2w)", s)
			}
			return time.Duration(v * float64(unit)), nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%q is not a duration (examples: 45s, 10m, 2h, 7d, 2w)", s)
	}
	return v, nil
}
