package cli

import (
	"fmt"
	"time"

	"rapport/internal/dispatch"
)

// sendProgress shows a tick as it goes, on a terminal only: each note on a
// line of its own ("3 of 9  sent  lee@elmpeds.example"), and while rapport
// waits between notes, a line saying for how long and why.
type sendProgress struct {
	a       *app
	on      bool
	waiting bool // the last line is a wait line, to be replaced
}

func (a *app) sendProgress() *sendProgress {
	return &sendProgress{a: a, on: a.isTTY() && !a.quiet && !a.json}
}

func (p *sendProgress) update(pr dispatch.Progress) {
	if !p.on {
		return
	}
	p.clearWait()
	if r := pr.Result; r != nil {
		state := string(r.State)
		fmt.Fprintf(p.a.stderr, "%d of %d  %-8s %s\n", pr.Done, pr.Total, state, label(r.Contact))
		return
	}
	wait := pr.Until.Sub(p.a.env.Now()).Round(time.Second)
	fmt.Fprintf(p.a.stderr, "%d of %d, next in %s (%s)", pr.Done, pr.Total, wait, pr.Why)
	p.waiting = true
}

func (p *sendProgress) clearWait() {
	if p.waiting {
		fmt.Fprint(p.a.stderr, "\r\x1b[K")
		p.waiting = false
	}
}

func (p *sendProgress) finish() {
	if p.on {
		p.clearWait()
	}
}
