package schedule

import (
	"fmt"
	"strconv"
	"strings"
)

// Describe says the schedule in words for the common shapes ("weekdays at
// 09:00", "every Monday at 08:30", "every 15 minutes"), and otherwise
// quotes the expression as written.
func (c *Cron) Describe() string {
	f := strings.Fields(c.spec)
	if len(f) != 5 || f[2] != "*" || f[3] != "*" {
		return fmt.Sprintf("on the schedule %q", c.spec)
	}
	min, hour, dow := f[0], f[1], strings.ToUpper(f[4])
	if hour == "*" && dow == "*" {
		switch {
		case min == "*":
			return "every minute"
		case strings.HasPrefix(min, "*/"):
			return "every " + strings.TrimPrefix(min, "*/") + " minutes"
		case isNum(min, 59):
			return "every hour at :" + pad(min)
		}
		return fmt.Sprintf("on the schedule %q", c.spec)
	}
	if !isNum(min, 59) || !isNum(hour, 23) {
		return fmt.Sprintf("on the schedule %q", c.spec)
	}
	at := pad(hour) + ":" + pad(min)
	days, ok := dayWords[dow]
	if !ok {
		if name, single := cronDays[dow]; single {
			days, ok = "every "+name, true
		}
	}
	if !ok {
		return fmt.Sprintf("on the schedule %q", c.spec)
	}
	return days + " at " + at
}

var dayWords = map[string]string{
	"*": "every day", "MON-FRI": "weekdays", "1-5": "weekdays", "SAT,SUN": "weekends", "SAT-SUN": "weekends",
}

var cronDays = map[string]string{
	"MON": "Monday", "TUE": "Tuesday", "WED": "Wednesday", "THU": "Thursday", "FRI": "Friday", "SAT": "Saturday", "SUN": "Sunday",
	"1": "Monday", "2": "Tuesday", "3": "Wednesday", "4": "Thursday", "5": "Friday", "6": "Saturday", "0": "Sunday", "7": "Sunday",
}

func isNum(s string, max int) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 0 && n <= max
}

func pad(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}
