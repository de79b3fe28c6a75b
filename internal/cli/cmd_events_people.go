package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"rapport/internal/contact"
	"rapport/internal/store"
)

func cmdEventsAttended() *command {
	var not bool
	return &command{
		name:    "events attended",
		args:    "NAME EMAIL... [--not]",
		summary: "correct who came: everyone who accepted counts as attended unless you say otherwise",
		help: `Attendance counts everyone who accepted. After the event, mark who did not
make it (--not), or someone who came without answering. The thank-you step
(only = "attended") follows what you recorded.`,
		example: "rapport events attended meet-and-greet lee@clinic.example --not\nrapport events attended meet-and-greet kim@church.example",
		setup:   func(fs *flag.FlagSet) { fs.BoolVar(&not, "not", false, "they did not attend") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 2, -1, "the event and at least one email"); err != nil {
				return err
			}
			return runEventsAttended(ctx, a, args[0], args[1:], !not)
		},
	}
}

func cmdEventsAnswer() *command {
	return &command{
		name:    "events answer",
		args:    "NAME EMAIL yes|no|maybe",
		summary: "record an answer you got another way (a phone call, a word in the hallway)",
		help: `Records someone's answer to an invitation by hand; it stands over what came
by mail before. "yes" gives them a place (or the waitlist, when the event is
full: raise capacity in the campaign file to make room) and moves them to
[events] accepted_stage, like an accept from their calendar.`,
		example: "rapport events answer meet-and-greet kim@church.example yes",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 3, 3, "the event, the email and yes, no or maybe"); err != nil {
				return err
			}
			ans, ok := map[string]contact.Answer{"yes": contact.Accepted, "accepted": contact.Accepted, "no": contact.Declined,
				"declined": contact.Declined, "maybe": contact.Tentative, "tentative": contact.Tentative}[strings.ToLower(args[2])]
			if !ok {
				return usagef("%q is not yes, no or maybe", args[2])
			}
			return runEventsAnswer(ctx, a, args[0], args[1], ans)
		},
	}
}

// guest finds an event's stored record and an invited contact.
func (a *app) guest(ctx context.Context, name, who string) (*store.CalEvent, *contact.Contact, error) {
	rep, err := a.eventReport(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	if rep.Stored == nil {
		return nil, nil, invalidf("no invitation to %s has gone out yet", rep.Step.Event.Title)
	}
	c, err := a.st.FindContact(ctx, who)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, invalidf("%s is not one of your contacts", who)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("contact %s: %w", who, err)
	}
	return rep.Stored, c, nil
}

func runEventsAttended(ctx context.Context, a *app, name string, who []string, came bool) error {
	var done []string
	var problems []error
	for _, w := range who {
		e, c, err := a.guest(ctx, name, w)
		if err == nil {
			err = a.st.SetAttended(ctx, e.ID, c.ID, &came)
		}
		if errors.Is(err, store.ErrNotFound) {
			err = fmt.Errorf("%s was not invited to %s", w, name)
		}
		var ve *validationError
		if errors.As(err, &ve) {
			err = ve.Err
		}
		if err != nil {
			problems = append(problems, err)
			continue
		}
		done = append(done, c.Email)
	}
	if a.json {
		if err := a.printJSON(map[string]any{"event": name, "attended": came, "contacts": nonNil(done)}); err != nil {
			return err
		}
	} else if len(done) > 0 {
		a.say("%s: %s", map[bool]string{true: "attended", false: "did not attend"}[came], strings.Join(done, ", "))
	}
	if len(problems) > 0 {
		return invalid(errors.Join(problems...))
	}
	return nil
}

func runEventsAnswer(ctx context.Context, a *app, name, who string, ans contact.Answer) error {
	e, c, err := a.guest(ctx, name, who)
	if err != nil {
		return err
	}
	detail := fmt.Sprintf("answered %s to the invitation to %s (noted by hand)", ans.Words(), e.Title)
	rec, err := a.st.SetAnswer(ctx, store.AnswerIn{EventID: e.ID, ContactID: c.ID, Answer: ans, AcceptedStage: a.cfg.Events.Accepted}, detail)
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string]any{"event": name, "contact": c.Email, "answer": answerKey(rec.Answer), "was": answerKey(rec.Was)})
	}
	if rec.Answer == contact.Waitlist {
		a.say("%s is on the waitlist: %s is full. Raise capacity in the campaign file to make room.", c.Label(), e.Title)
		return nil
	}
	a.say("%s: %s (was %s)", c.Label(), rec.Answer.Words(), rec.Was.Words())
	return nil
}
