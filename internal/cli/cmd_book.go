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

// addFlags are the fields `contacts add` takes by name, in the order they
// are applied; --set and --tag come after.
var addFlags = []struct{ flag, field, usage string }{
	{"email", "email", "their email address (or leave it out and give a full postal address)"},
	{"title", "title", "Dr., Pastor, Rev., Ms. ..."},
	{"first-name", "first_name", "first name"},
	{"last-name", "last_name", "last name"},
	{"organization", "organization", "practice, church, school or agency"},
	{"kind", "kind", "physician, pastor, school-counselor, therapist, agency, other (as configured)"},
	{"phone", "phone", "phone number"},
	{"street", "street", "street address, for letters"},
	{"city", "city", "city"},
	{"region", "region", "state or province"},
	{"postal-code", "postal_code", "ZIP or postal code"},
	{"country", "country", "country, if not yours"},
	{"notes", "notes", "a note about them (one line)"},
}

func cmdContactsAdd() *command {
	vals := make([]string, len(addFlags))
	var tags, sets listFlag
	var stage string
	return &command{
		name:    "contacts add",
		args:    "--email E [--first-name F] [--last-name L] [--title T] [--organization O] [--kind K] [--tag T]... [--set F=V]...",
		summary: "add someone by hand: the colleague you met at lunch",
		help: `Adds one contact, checked like a spreadsheet row: the address is tidied and
must be valid, the kind must be one of yours, and no field may hold a line
break. Any other field goes in with --set (custom ones too: --set
languages=Spanish --set specialty="EMDR, adolescents"). Someone already in
your contacts is not added twice: change them with ` + "`rapport contacts edit`" + `.
--stage puts them straight where they are (meeting, once you have met).`,
		example: "rapport contacts add --email dana@riverbend-therapy.example --first-name Dana --last-name Ruiz \\\n" +
			"    --organization \"Riverbend Therapy\" --kind therapist --tag emdr --set languages=Spanish --stage meeting",
		setup: func(fs *flag.FlagSet) {
			for i, f := range addFlags {
				fs.StringVar(&vals[i], f.flag, "", f.usage)
			}
			fs.Var(&tags, "tag", "a tag (repeatable)")
			fs.Var(&sets, "set", "field=value, for any other field (repeatable)")
			fs.StringVar(&stage, "stage", "", "their stage (default new)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runContactsAdd(ctx, a, vals, tags, sets, stage)
		},
	}
}

func runContactsAdd(ctx context.Context, a *app, vals, tags, sets []string, stage string) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	c := &contact.Contact{}
	var problems []string
	for i, f := range addFlags {
		if _, err := c.Set(f.field, vals[i], cfg.Kinds()); err != nil {
			problems = append(problems, "--"+f.flag+": "+err.Error())
		}
	}
	problems = append(problems, applySets(c, sets, cfg.Kinds())...)
	c.AddTags(tags)
	if stage != "" {
		if c.Stage, err = cfg.Pipeline.Parse(stage); err != nil {
			problems = append(problems, "--stage: "+err.Error())
		}
	}
	if err := c.Reachable(); err != nil && len(problems) == 0 {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return invalidf("nothing was added:\n  %s", strings.Join(problems, "\n  "))
	}
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	var exists *store.ExistsError
	if err := st.AddContact(ctx, c); errors.As(err, &exists) {
		return invalidf("%v; nothing was added (change them with `rapport contacts edit %s --set field=value`)", exists, keyRef(exists.Existing))
	} else if err != nil {
		return err
	}
	return printAdded(a, c)
}

// applySets applies --set field=value in order and returns what was wrong.
func applySets(c *contact.Contact, sets []string, kinds *contact.Kinds) (problems []string) {
	for _, s := range sets {
		field, value, err := contact.ParseAssignment(s)
		if err == nil {
			_, err = c.Set(field, value, kinds)
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("--set %q: %v", s, err))
		}
	}
	return problems
}

func keyRef(c *contact.Contact) string {
	if c.Email != "" {
		return c.Email
	}
	return fmt.Sprint(c.ID)
}

func printAdded(a *app, c *contact.Contact) error {
	if a.json {
		return a.printJSON(toJSON(c))
	}
	a.say("Added to your contacts:")
	printContact(a, c)
	if c.Stage == contact.StageDoNotContact {
		a.say("\nYou had asked rapport to forget this address (`contacts forget`), so they are kept as\n" +
			"do-not-contact: nothing will be sent to them. If they asked to hear from you again,\n" +
			"move them with `rapport contacts stage " + keyRef(c) + " new`.")
	}
	return nil
}

func cmdContactsEdit() *command {
	var sets listFlag
	return &command{
		name:    "contacts edit",
		args:    "EMAIL|ID --set field=value...",
		summary: "change any field of a contact (recorded in its history)",
		help: `Changes fields by name: email, title, first_name, last_name, organization,
kind, phone, street, city, region, postal_code, country, notes, timezone,
tags (the whole list), or any custom field (fields.languages, or just
languages). An empty value clears the field. Each change is shown as
"field: old → new" and kept in the contact's history. The stage is changed
with ` + "`rapport contacts stage`" + `.`,
		example: "rapport contacts edit lee@elmpediatrics.example --set phone=555-010-1234 --set \"front_desk=Janet\"",
		setup:   func(fs *flag.FlagSet) { fs.Var(&sets, "set", "field=value (repeatable)") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the contact's email or ID"); err != nil {
				return err
			}
			if len(sets) == 0 {
				return usagef("say what to change with --set field=value")
			}
			return runContactsEdit(ctx, a, args[0], sets)
		},
	}
}

func runContactsEdit(ctx context.Context, a *app, ref string, sets []string) error {
	cfg, err := a.config()
	if err != nil {
		return err
	}
	return a.editContact(ctx, ref, func(c *contact.Contact) ([]string, error) {
		var changes, problems []string
		for _, s := range sets {
			field, value, err := contact.ParseAssignment(s)
			ch := ""
			if err == nil {
				ch, err = c.Set(field, value, cfg.Kinds())
			}
			if err != nil {
				problems = append(problems, fmt.Sprintf("--set %q: %v", s, err))
			} else if ch != "" {
				changes = append(changes, ch)
			}
		}
		if err := c.Reachable(); err != nil && len(problems) == 0 {
			problems = append(problems, err.Error())
		}
		if len(problems) > 0 {
			return nil, invalidf("nothing was changed:\n  %s", strings.Join(problems, "\n  "))
		}
		return changes, nil
	})
}

// editContact reads a contact, lets change alter it, and saves the changes
// in its history; changes that found everything as it was save nothing.
func (a *app) editContact(ctx context.Context, ref string, change func(*contact.Contact) ([]string, error)) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	c, err := st.FindContact(ctx, ref)
	if err != nil {
		return contactErr(ref, err)
	}
	changes, err := change(c)
	if err != nil {
		return err
	}
	var exists *store.ExistsError
	if err := st.EditContact(ctx, c, changes); errors.As(err, &exists) {
		return invalidf("%v; nothing was changed", exists)
	} else if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(map[string]any{"id": c.ID, "email": c.Email, "changes": nonNil(changes)})
	}
	if len(changes) == 0 {
		a.say("%s: nothing to change, it was already so", c.Label())
		return nil
	}
	a.say("%s:", c.Label())
	for _, ch := range changes {
		a.say("  %s", ch)
	}
	return nil
}
