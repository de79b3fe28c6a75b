package cli

import (
	"context"
	"flag"
	"strings"
	"time"

	"rapport/internal/contact"
)

func cmdContactsLog() *command {
	var date string
	return &command{
		name:    "contacts log",
		args:    "EMAIL|ID TEXT [--date D]",
		summary: "record something you did: a visit, a call, cookies dropped off",
		help: `Adds a line to the contact's history as your own: what you did, today or on
--date. It counts as being in touch, so a keep-in-touch reminder waits again
([keep_in_touch]). Write about the source, never about a client.`,
		example: "rapport contacts log frontdesk@lakeside-obgyn.example \"dropped off cookies and brochures\"\n" +
			"rapport contacts log pastor.kim@gracechurch.example \"coffee after the service\" --date 2026-03-01",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&date, "date", "", "when: 2026-03-04, 2026-03-04 14:30, yesterday (default now)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 2, -1, "the contact and what happened"); err != nil {
				return err
			}
			// Words typed without quotes are one text.
			return runContactsLog(ctx, a, args[0], strings.Join(args[1:], " "), date)
		},
	}
}

func runContactsLog(ctx context.Context, a *app, ref, text, date string) error {
	if _, err := a.store(ctx); err != nil {
		return err
	}
	at, err := a.pastMoment(date)
	if err != nil {
		return usagef("--date: %v", err)
	}
	c, err := a.core().LogInteraction(ctx, ref, at, text)
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string]any{"id": c.ID, "email": c.Email, "at": at.UTC().Format(time.RFC3339),
			"type": contact.EventLogged, "detail": contact.CleanText(text)})
	}
	a.say("logged for %s, %s: %s", c.Label(), a.when(at), contact.CleanText(text))
	return nil
}

func cmdContactsTag(remove bool) *command {
	name, summary, verb := "contacts tag", "add tags to a contact", "added"
	if remove {
		name, summary, verb = "contacts untag", "remove tags from a contact", "removed"
	}
	return &command{
		name:    name,
		args:    "EMAIL|ID TAG...",
		summary: summary,
		example: "rapport " + name + " dana@riverbend-therapy.example emdr close-colleague",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 2, -1, "the contact and at least one tag"); err != nil {
				return err
			}
			for _, t := range args[1:] {
				if err := contact.CheckText(t); err != nil {
					return usagef("tag %q %v", t, err)
				}
			}
			return a.editContact(ctx, args[0], func(c *contact.Contact) ([]string, error) {
				var did []string
				if remove {
					did = c.RemoveTags(args[1:])
				} else {
					did = c.AddTags(args[1:])
				}
				if len(did) == 0 {
					return nil, nil
				}
				return []string{"tags " + verb + ": " + strings.Join(did, ", ") + " (now: " + orNone(strings.Join(c.Tags, ", ")) + ")"}, nil
			})
		},
	}
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func cmdContactsForget() *command {
	var yes bool
	return &command{
		name:    "contacts forget",
		args:    "EMAIL|ID --yes",
		summary: "erase a person: details, history, notes sent, referrals",
		help: `Erases everything rapport knows about a person: their fields, history, the
notes sent to them and the referrals they made. Only a one-way hash of their
address is kept (it cannot be turned back into the address), so that if a
spreadsheet brings them back they come in as do-not-contact and nothing is
ever planned for them. Use it when someone asks to be forgotten. It cannot be
undone; without --yes it only says what would be erased.`,
		example: "rapport contacts forget someone@example.org --yes",
		setup:   func(fs *flag.FlagSet) { fs.BoolVar(&yes, "yes", false, "erase for good") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the contact's email or ID"); err != nil {
				return err
			}
			return runContactsForget(ctx, a, args[0], yes)
		},
	}
}

func runContactsForget(ctx context.Context, a *app, ref string, yes bool) error {
	c, hist, err := a.findWithHistory(ctx, ref)
	if err != nil {
		return contactErr(ref, err)
	}
	if !yes {
		a.note("This would erase %s (%s) and %s for good, keeping only a one-way hash of the address.",
			c.Label(), keyRef(c), plural(len(hist), "line")+" of history")
		return usagef("nothing was erased: run it again with --yes to erase %s", c.Label())
	}
	if _, err := a.st.Forget(ctx, c.ID); err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string]any{"forgotten": true, "id": c.ID})
	}
	a.say("%s is forgotten: details, history, notes sent and referrals erased.", c.Label())
	a.say("Only a one-way hash of the address is kept: importing them again brings them back as do-not-contact.")
	return nil
}
