package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"rapport/internal/campaign"
	"rapport/internal/contact"
	"rapport/internal/dispatch"
	"rapport/internal/mailer"
	"rapport/internal/store"
)

func cmdCampaignsList() *command {
	return &command{
		name:    "campaigns list",
		summary: "campaigns with their state and how many notes each step has sent",
		example: "rapport campaigns list",
		run:     runCampaignsList,
	}
}

type campaignJSON struct {
	Name     string     `json:"name"`
	State    string     `json:"state"`
	Schedule string     `json:"schedule"`
	LastTick string     `json:"last_tick,omitempty"`
	NextTick string     `json:"next_tick,omitempty"`
	Steps    []stepJSON `json:"steps"`
	Problem  string     `json:"problem,omitempty"`
}

type stepJSON struct {
	ID     string         `json:"id"`
	Counts map[string]int `json:"counts"`
}

func runCampaignsList(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 0, 0, ""); err != nil {
		return err
	}
	list, errs := a.loadCampaigns()
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	var out []campaignJSON
	for _, c := range list {
		cj, err := describeCampaign(ctx, st, c, a.env.Now())
		if err != nil {
			return err
		}
		out = append(out, cj)
	}
	for _, e := range errs {
		out = append(out, campaignJSON{Name: "(invalid)", State: "invalid", Problem: e.Error(), Steps: []stepJSON{}})
	}
	if a.json {
		return a.printJSON(nonNil(out))
	}
	var rows [][]string
	for _, c := range out {
		var steps []string
		for _, s := range c.Steps {
			if n := s.Counts["printed"]; n > 0 { // a letter step
				steps = append(steps, fmt.Sprintf("%s: %d printed", s.ID, n))
				continue
			}
			steps = append(steps, fmt.Sprintf("%s: %d sent", s.ID, s.Counts["sent"]))
		}
		rows = append(rows, []string{c.Name, c.State, c.NextTick, strings.Join(steps, ", ")})
	}
	a.table([]string{"CAMPAIGN", "STATE", "NEXT TICK", "STEPS"}, rows)
	for _, e := range errs {
		a.note("%v", e)
	}
	return nil
}

func describeCampaign(ctx context.Context, st *store.Store, c *campaign.Campaign, now time.Time) (campaignJSON, error) {
	cs, err := st.Campaign(ctx, c.Name)
	if err != nil {
		return campaignJSON{}, err
	}
	sends, err := st.Sends(ctx, store.SendFilter{Campaign: c.Name})
	if err != nil {
		return campaignJSON{}, err
	}
	cj := campaignJSON{Name: c.Name, State: cs.State, Schedule: c.Schedule.String()}
	if !cs.LastTick.IsZero() {
		cj.LastTick = cs.LastTick.In(c.Location).Format("2006-01-02 15:04")
	}
	if cs.State == store.CampaignActive {
		cj.NextTick = c.Schedule.Next(now).In(c.Location).Format("2006-01-02 15:04")
	}
	for _, s := range c.Steps {
		counts := map[string]int{}
		for _, sd := range sends {
			if sd.Step == s.ID {
				counts[string(sd.State)]++
			}
		}
		cj.Steps = append(cj.Steps, stepJSON{ID: s.ID, Counts: counts})
	}
	return cj, nil
}

func cmdCampaignsPlan() *command {
	var at string
	return &command{
		name:    "campaigns plan",
		args:    "NAME [--at TIME]",
		summary: "who is due for which step now, and for everyone else why not",
		example: "rapport campaigns plan intro-physicians\nrapport campaigns plan intro-physicians --at '2026-12-01 09:30'",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&at, "at", "", "plan as of this local time: 2026-12-01 09:30, 2026-12-01T09:30, or 2026-12-01 (09:00)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the campaign name"); err != nil {
				return err
			}
			return runPlan(ctx, a, args[0], at)
		},
	}
}

type planJSON struct {
	Contact string `json:"contact"`
	Step    string `json:"step"`
	Due     bool   `json:"due"`
	Reason  string `json:"reason"`
	Code    string `json:"code"`
	At      string `json:"at,omitempty"`
}

func runPlan(ctx context.Context, a *app, name, at string) error {
	c, err := a.campaign(name)
	if err != nil {
		return err
	}
	t := a.env.Now()
	if at != "" {
		if t, err = parseLocalTime(at, c.Location, 9); err != nil {
			return usagef("--at: %v (a date alone means 09:00)", err)
		}
	}
	d, done, err := a.dispatcher(ctx, nil)
	if err != nil {
		return err
	}
	defer done()
	items, err := d.Plan(ctx, c, t)
	if err != nil {
		return err
	}
	out := make([]planJSON, 0, len(items))
	due := 0
	people := map[int64]bool{}
	for _, it := range items {
		people[it.Contact.ID] = true
		pj := planJSON{Contact: label(it.Contact), Due: it.Due, Reason: it.Reason, Code: string(it.Code)}
		if it.Step != nil {
			pj.Step = it.Step.ID
		}
		if !it.At.IsZero() {
			pj.At = it.At.In(c.Location).Format("2006-01-02 15:04")
		}
		if it.Due {
			due++
		}
		out = append(out, pj)
	}
	if a.json {
		return a.printJSON(out)
	}
	var rows [][]string
	for _, p := range out {
		mark := ""
		if p.Due {
			mark = "due"
		}
		rows = append(rows, []string{p.Contact, p.Step, mark, p.Reason})
	}
	a.table([]string{"CONTACT", "STEP", "DUE", "WHY"}, rows)
	a.say("%s due of %s, as of %s", plural(due, "note"), plural(len(people), "contact"), t.In(c.Location).Format("Mon 2006-01-02 15:04 MST"))
	return nil
}

func label(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return c.Label()
}

func cmdCampaignsPreview() *command {
	var who, step string
	var html, raw bool
	return &command{
		name:    "campaigns preview",
		args:    "NAME [--contact EMAIL] [--step ID] [--html | --raw]",
		summary: "the note as the recipient will see it: who it is from, the subject, the text",
		help: `Shows the note a step would send to a contact now: the headers as a mail
program shows them, the text part, and what else it carries (the HTML part,
attachments). --html prints the HTML part; --raw prints the exact message
that would go to the server (MIME, encoded).`,
		example: "rapport campaigns preview intro-physicians --contact lee@elmpediatrics.example\n" +
			"rapport campaigns preview intro-physicians --html > note.html",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&who, "contact", "", "the contact (default: the first of the audience)")
			fs.StringVar(&step, "step", "", "the step (default: the first)")
			fs.BoolVar(&html, "html", false, "print the HTML part")
			fs.BoolVar(&raw, "raw", false, "print the exact message, MIME and all")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the campaign name"); err != nil {
				return err
			}
			if html && raw {
				return usagef("--html and --raw: choose one")
			}
			mode := previewText
			switch {
			case html:
				mode = previewHTML
			case raw:
				mode = previewRaw
			}
			return runPreview(ctx, a, args[0], who, step, mode)
		},
	}
}

// pick finds the campaign, step and contact a preview or test is about.
func (a *app) pick(ctx context.Context, name, who, stepID string) (*campaign.Campaign, *campaign.Step, *contact.Contact, error) {
	c, err := a.campaign(name)
	if err != nil {
		return nil, nil, nil, err
	}
	s := c.Steps[0]
	if stepID != "" {
		if s = c.Step(stepID); s == nil {
			return nil, nil, nil, usagef("campaign %s has no step %q", name, stepID)
		}
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if who != "" {
		ct, err := st.FindContact(ctx, who)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("contact %s: %w", who, err)
		}
		return c, s, ct, nil
	}
	list, err := st.Contacts(ctx, store.Filter{Kinds: c.Audience.Kinds, Tags: c.Audience.Tags, Email: true})
	if err != nil {
		return nil, nil, nil, err
	}
	for _, ct := range list {
		if c.Audience.Matches(ct) {
			return c, s, ct, nil
		}
	}
	return nil, nil, nil, invalidf("campaign %s has nobody in its audience yet: import contacts, or pass --contact", name)
}

// composed is one rendered note for preview or test.
type composed struct {
	camp *campaign.Campaign
	step *campaign.Step
	who  *contact.Contact
	msg  *gomail.Msg
}

// compose renders the note a step would send to a contact; to, when set,
// replaces the recipient.
func (a *app) compose(ctx context.Context, name, who, stepID, to string) (*composed, error) {
	c, s, ct, err := a.pick(ctx, name, who, stepID)
	if err != nil {
		return nil, err
	}
	d, done, err := a.dispatcher(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer done()
	msg, err := d.Compose(ctx, c, s, ct, to)
	if err != nil {
		return nil, invalid(err)
	}
	return &composed{camp: c, step: s, who: ct, msg: msg}, nil
}

func runPreview(ctx context.Context, a *app, name, who, stepID string, mode previewMode) error {
	n, err := a.compose(ctx, name, who, stepID, "")
	if err != nil {
		return err
	}
	c, s, ct := n.camp, n.step, n.who
	raw, err := mailer.Render(n.msg)
	if err != nil {
		return err
	}
	if mode == previewRaw {
		if a.json {
			return a.printJSON(map[string]any{"campaign": c.Name, "step": s.ID, "contact": ct.Email, "message": string(raw)})
		}
		_, err = a.stdout.Write(raw)
		return err
	}
	v, err := readNote(raw)
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string]any{"campaign": c.Name, "step": s.ID, "contact": ct.Email, "from": v.from, "to": v.to,
			"reply_to": v.replyTo, "subject": v.subject, "text": v.text, "html": v.html, "attachments": nonNil(v.attachments)})
	}
	if mode == previewHTML {
		_, err = io.WriteString(a.stdout, v.html)
		return err
	}
	v.print(a.stdout, a.loc())
	return nil
}

func cmdCampaignsTest() *command {
	var to, who, step string
	return &command{
		name:    "campaigns test",
		args:    "NAME --to ADDR [--contact EMAIL] [--step ID]",
		summary: "send one rendered sample to yourself; never counted as a contact send",
		example: "rapport campaigns test intro-physicians --to me@example.com --contact lee@elmpediatrics.example",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&to, "to", "", "where the sample goes (required)")
			fs.StringVar(&who, "contact", "", "the contact whose note it is (default: the first of the audience)")
			fs.StringVar(&step, "step", "", "the step (default: the first)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the campaign name"); err != nil {
				return err
			}
			if to == "" {
				return usagef("--to ADDR is required: the sample goes to you, never to the contact")
			}
			return runTest(ctx, a, args[0], who, step, to)
		},
	}
}

func runTest(ctx context.Context, a *app, name, who, stepID, to string) error {
	addr, err := contact.NormalizeEmail(to)
	if err != nil {
		return usagef("--to: %v", err)
	}
	n, err := a.compose(ctx, name, who, stepID, addr)
	if err != nil {
		return err
	}
	c, s, ct, msg := n.camp, n.step, n.who, n.msg
	mc, err := a.mailer(ctx)
	if err != nil {
		return err
	}
	defer mc.Close()
	res := mc.Send(ctx, msg)
	if res.Outcome != mailer.Sent {
		return fmt.Errorf("the sample to %s was not sent: %s %s %v", addr, res.Outcome, res.Enhanced, res.Err)
	}
	a.say("sent a sample of %s/%s (as %s would get it) to %s", c.Name, s.ID, ct.Email, addr)
	return nil
}

func cmdCampaignsStart() *command {
	return &command{
		name:    "campaigns start",
		args:    "NAME",
		summary: "arm a campaign (checks it first and refuses on any error) and show what it would send first",
		example: "rapport campaigns start intro-physicians",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the campaign name"); err != nil {
				return err
			}
			return runStart(ctx, a, args[0])
		},
	}
}

func runStart(ctx context.Context, a *app, name string) error {
	c, err := a.campaign(name)
	if err != nil {
		return err
	}
	d, done, err := a.dispatcher(ctx, nil)
	if err != nil {
		return err
	}
	defer done()
	if err := c.CheckEvents(a.env.Now()); err != nil {
		return invalid(fmt.Errorf("campaign %s is not started (nothing was sent):\n%w", name, err))
	}
	problems, n, err := d.CheckCampaign(ctx, c)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		printProblems(a, problems)
		return invalidf("campaign %s is not started: %s to fix first (nothing was sent)", name, plural(len(problems), "problem"))
	}
	if err := a.st.SetCampaignState(ctx, c.Name, store.CampaignActive); err != nil {
		return err
	}
	items, err := d.Plan(ctx, c, a.env.Now())
	if err != nil {
		return err
	}
	a.say("campaign %s is started: %s in its audience; it runs %s (next %s).", c.Name, plural(n, "contact"),
		c.Schedule.Describe(), a.day(c.Schedule.Next(a.env.Now())))
	shown, more := 0, 0
	for _, it := range items {
		if it.Step == nil || !(it.Due || it.Code == campaign.CodeWindow || it.Code == campaign.CodeCap) {
			continue
		}
		if shown == 10 {
			more++
			continue
		}
		a.say("  first: %-32s %s", label(it.Contact), it.Step.ID)
		shown++
	}
	if more > 0 {
		a.say("  … and %d more", more)
	}
	if a.json {
		return a.printJSON(map[string]any{"campaign": c.Name, "state": store.CampaignActive, "audience": n})
	}
	return nil
}

func printProblems(a *app, problems []dispatch.Problem) {
	for _, p := range problems {
		who := "template"
		if p.Contact != nil {
			who = label(p.Contact)
		}
		fmt.Fprintf(a.stderr, "  %s/%s for %s: %v\n", p.Campaign, p.Step, who, p.Err)
	}
}

func cmdCampaignsPause() *command {
	return &command{
		name:    "campaigns pause",
		args:    "NAME",
		summary: "pause a campaign at once; `campaigns start` resumes it where it stopped",
		example: "rapport campaigns pause intro-physicians",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the campaign name"); err != nil {
				return err
			}
			c, err := a.campaign(args[0])
			if err != nil {
				return err
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			if err := st.SetCampaignState(ctx, c.Name, store.CampaignPaused); err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"campaign": c.Name, "state": store.CampaignPaused})
			}
			a.say("campaign %s is paused; nothing more goes out for it until `rapport campaigns start %s`.", c.Name, c.Name)
			return nil
		},
	}
}
