package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	core "rapport/internal/app"
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

type campaignJSON = core.CampaignSummary

type stepJSON = core.StepSummary

func runCampaignsList(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 0, 0, ""); err != nil {
		return err
	}
	list, errs := a.loadCampaigns()
	if _, err := a.store(ctx); err != nil {
		return err
	}
	var out []campaignJSON
	for _, c := range list {
		cj, err := a.core().DescribeCampaign(ctx, c)
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
	if _, err := a.store(ctx); err != nil {
		return err
	}
	items, err := a.core().Plan(ctx, c, t)
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

// compose renders the note a step would send to a contact; to, when set,
// replaces the recipient.
func (a *app) compose(ctx context.Context, name, who, stepID, to string) (*core.Composed, error) {
	if _, err := a.config(); err != nil {
		return nil, err
	}
	return a.core().Compose(ctx, name, who, stepID, to)
}

func runPreview(ctx context.Context, a *app, name, who, stepID string, mode previewMode) error {
	n, err := a.compose(ctx, name, who, stepID, "")
	if err != nil {
		return err
	}
	c, s, ct := n.Campaign, n.Step, n.Contact
	raw, err := mailer.Render(n.Msg)
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
	v, err := core.ReadNote(raw)
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string]any{"campaign": c.Name, "step": s.ID, "contact": ct.Email, "from": v.From, "to": v.To,
			"reply_to": v.ReplyTo, "subject": v.Subject, "text": v.Text, "html": v.HTML, "attachments": nonNil(v.Attachments)})
	}
	if mode == previewHTML {
		_, err = io.WriteString(a.stdout, v.HTML)
		return err
	}
	printNote(a.stdout, v, a.loc())
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
	c, s, ct, msg := n.Campaign, n.Step, n.Contact, n.Msg
	mc, err := a.core().Mailer(ctx)
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
	if _, err := a.store(ctx); err != nil {
		return err
	}
	started, err := a.core().StartCampaign(ctx, c)
	var ns *core.NotStarted
	if errors.As(err, &ns) {
		printProblems(a, ns.Problems)
	}
	if err != nil {
		return err
	}
	n, items := started.Audience, started.Plan
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
			if _, err := a.store(ctx); err != nil {
				return err
			}
			if err := a.core().PauseCampaign(ctx, c); err != nil {
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
