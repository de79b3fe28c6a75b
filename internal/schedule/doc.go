// Package schedule is rapport's calendar arithmetic: send windows ("Mon-Fri
// 09:00-17:00"), holidays, business days, and cron schedules that fire once
// on daylight-saving change days. It is pure: every function takes the time
// it reasons about. It imports only the standard library and robfig/cron.
package schedule
