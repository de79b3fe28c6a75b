package cli

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"

	"rapport/internal/contact"
	"rapport/internal/sheet"
	"rapport/internal/store"
)

// contactFilter holds the filter flags shared by list and export.
type contactFilter struct {
	stages, tags, kinds listFlag
	campaign            string
}

func (f *contactFilter) setup(fs *flag.FlagSet) {
	fs.Var(&f.stages, "stage", "only contacts in this stage (repeatable)")
	fs.Var(&f.tags, "tag", "only contacts with this tag (repeatable: any of them)")
	fs.Var(&f.kinds, "kind", "only contacts of this kind (repeatable)")
	fs.StringVar(&f.campaign, "campaign", "", "only contacts in this campaign: its audience and everyone it has written to")
}

func (f *contactFilter) filter(a *app) (store.Filter, error) {
	cfg, err := a.config()
	if err != nil {
		return store.Filter{}, err
	}
	out := store.Filter{Tags: f.tags}
	for _, s := range f.stages {
		st, err := cfg.Pipeline.Parse(s)
		if err != nil {
			return out, usagef("--stage: %v", err)
		}
		out.Stages = append(out.Stages, st)
	}
	for _, k := range f.kinds {
		kind, ok := cfg.Kinds().Match(k)
		if !ok {
			return out, usagef("--kind: unknown kind %q (kinds: %s)", k, strings.Join(cfg.Contacts.Kinds, ", "))
		}
		out.Kinds = append(out.Kinds, kind)
	}
	return out, nil
}

func (f *contactFilter) contacts(ctx context.Context, a *app) ([]*contact.Contact, error) {
	return f.fetch(ctx, a, func(st *store.Store, filter store.Filter) ([]*contact.Contact, error) {
		return st.Contacts(ctx, filter)
	})
}

// fetch resolves the filter (a campaign to its members) and lists the
// contacts with get.
func (f *contactFilter) fetch(ctx context.Context, a *app, get func(*store.Store, store.Filter) ([]*contact.Contact, error)) ([]*contact.Contact, error) {
	filter, err := f.filter(a)
	if err != nil {
		return nil, err
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	if f.campaign != "" {
		if filter.IDs, err = a.campaignMembers(ctx, f.campaign); err != nil || len(filter.IDs) == 0 {
			return nil, err
		}
	}
	return get(st, filter)
}

// campaignMembers lists the IDs of a campaign's audience and of everyone
// it has already written to this round.
func (a *app) campaignMembers(ctx context.Context, name string) ([]int64, error) {
	if _, err := a.config(); err != nil {
		return nil, err
	}
	return a.core().CampaignMembers(ctx, name)
}

func cmdContactsList() *command {
	var f contactFilter
	return &command{
		name:    "contacts list",
		args:    "[--stage S] [--tag T] [--kind K] [--campaign C]",
		summary: "list contacts",
		example: "rapport contacts list --stage new --tag pediatrics\nrapport contacts list --json > contacts.json",
		setup:   f.setup,
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			list, err := f.contacts(ctx, a)
			if err != nil {
				return err
			}
			if a.json {
				out := make([]contactJSON, 0, len(list))
				for _, c := range list {
					out = append(out, toJSON(c))
				}
				return a.printJSON(out)
			}
			printContacts(a, list)
			return nil
		},
	}
}

func printContacts(a *app, list []*contact.Contact) {
	rows := make([][]string, 0, len(list))
	var missing []string
	for _, c := range list {
		email := c.Email
		if email == "" {
			email = "(postal only)"
		}
		stage := string(c.Stage)
		if c.Missing {
			stage += " (missing from its sheet)"
			missing = append(missing, c.Source.File)
		}
		rows = append(rows, []string{fmt.Sprint(c.ID), email, c.Label(), c.Organization, c.Kind,
			stage, strings.Join(c.Tags, ",")})
	}
	a.table([]string{"ID", "EMAIL", "NAME", "ORGANIZATION", "KIND", "STAGE", "TAGS"}, rows)
	a.say("%s", plural(len(list), "contact"))
	if len(missing) > 0 {
		slices.Sort(missing)
		files := strings.Join(slices.Compact(missing), ", ")
		if len(missing) == 1 {
			a.say("1 contact is missing from the spreadsheet it came from (%s): its row was removed. It is kept, with its history, and no note goes to it until the row is back.", files)
		} else {
			a.say("%d contacts are missing from the spreadsheets they came from (%s): their rows were removed. They are kept, with their history, and no note goes to them until their rows are back.", len(missing), files)
		}
	}
}

// contactJSON is the contract's JSON shape of a contact.
type contactJSON struct {
	ID           int64              `json:"id"`
	Email        string             `json:"email"`
	FirstName    string             `json:"first_name"`
	LastName     string             `json:"last_name"`
	Title        string             `json:"title"`
	Organization string             `json:"organization"`
	Kind         string             `json:"kind"`
	Tags         []string           `json:"tags"`
	Stage        string             `json:"stage"`
	Fields       map[string]string  `json:"fields"`
	Phone        string             `json:"phone"`
	Address      addressJSON        `json:"address"`
	Notes        string             `json:"notes,omitempty"`
	Missing      bool               `json:"missing_from_source"` // its row is gone from its [[sources]] sheet
	History      []eventJSON        `json:"history,omitempty"`
	Events       []contactEventJSON `json:"events,omitempty"`
}

type addressJSON struct {
	Street     string `json:"street"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"`
}

type eventJSON struct {
	At     string `json:"at"`
	Type   string `json:"type"`
	Detail string `json:"detail"`
}

func toJSON(c *contact.Contact) contactJSON {
	fields := c.Fields
	if fields == nil {
		fields = map[string]string{}
	}
	return contactJSON{ID: c.ID, Email: c.Email, FirstName: c.FirstName, LastName: c.LastName, Title: c.Title,
		Organization: c.Organization, Kind: c.Kind, Tags: nonNil(c.Tags), Stage: string(c.Stage), Fields: fields,
		Phone: c.Phone, Notes: c.Notes, Missing: c.Missing,
		Address: addressJSON{c.Address.Street, c.Address.City, c.Address.Region, c.Address.PostalCode, c.Address.Country}}
}

func cmdContactsShow() *command {
	return &command{
		name:    "contacts show",
		args:    "EMAIL|ID",
		summary: "a contact's fields, stage and whole history",
		example: "rapport contacts show lee@elmpediatrics.example",
		run:     runContactsShow,
	}
}

func runContactsShow(ctx context.Context, a *app, args []string) error {
	if err := wantArgs(args, 1, 1, "the contact's email or ID"); err != nil {
		return err
	}
	c, hist, err := a.findWithHistory(ctx, args[0])
	if err != nil {
		return err
	}
	if a.json {
		out := toJSON(c)
		out.History = []eventJSON{}
		for _, e := range hist {
			out.History = append(out.History, eventJSON{At: e.At.UTC().Format("2006-01-02T15:04:05Z"), Type: string(e.Type), Detail: describeEvent(e)})
		}
		if out.Events, err = a.contactEvents(ctx, c.ID); err != nil {
			return err
		}
		return a.printJSON(out)
	}
	printContact(a, c)
	if err := printContactEvents(ctx, a, c.ID); err != nil {
		return err
	}
	a.say("\nHistory:")
	for _, e := range hist {
		a.say("  %s  %-10s %s", a.when(e.At), e.Type, describeEvent(e))
	}
	return nil
}

func (a *app) findWithHistory(ctx context.Context, ref string) (*contact.Contact, []contact.Event, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, nil, err
	}
	c, err := st.FindContact(ctx, ref)
	if err != nil {
		return nil, nil, fmt.Errorf("contact %s: %w", ref, err)
	}
	hist, err := st.History(ctx, c.ID)
	return c, hist, err
}

func printContact(a *app, c *contact.Contact) {
	line := func(k, v string) {
		if v != "" { // a Notes cell may hold several lines: they line up
			a.say("%-14s %s", k+":", strings.ReplaceAll(v, "\n", "\n"+strings.Repeat(" ", 15)))
		}
	}
	line("Contact", fmt.Sprintf("#%d %s", c.ID, c.Label()))
	line("Email", c.Email)
	line("Organization", c.Organization)
	line("Kind", c.Kind)
	line("Stage", string(c.Stage))
	line("Phone", c.Phone)
	line("Address", strings.Join(c.Address.Lines(), ", "))
	line("Tags", strings.Join(c.Tags, ", "))
	for _, k := range slices.Sorted(maps.Keys(c.Fields)) {
		line(k, c.Fields[k])
	}
	line("Notes", c.Notes)
	line("Time zone", c.TimeZone)
	unit := sheet.UnitOf(c.Source.File)
	if c.Source.File != "" {
		line("Source", fmt.Sprintf("%s %s %d", c.Source.File, unit, c.Source.Row))
	}
	if c.Missing {
		line("Warning", "this contact's "+unit+" is no longer in its file")
	}
}

func describeEvent(e contact.Event) string {
	d := e.Detail
	if e.Type == contact.EventLogged {
		d = "by you: " + d
	}
	if e.To != "" && e.Type != contact.EventCreated {
		move := fmt.Sprintf("%s → %s", e.From, e.To)
		if e.Auto {
			move += " (automatic)"
		}
		if d == "" {
			d = move
		} else {
			d = move + ": " + d
		}
	}
	if e.MessageID != "" {
		d += " <" + e.MessageID + ">"
	}
	return d
}

func cmdContactsStage() *command {
	var note string
	return &command{
		name:    "contacts stage",
		args:    "EMAIL|ID STAGE [--note TEXT]",
		summary: "move a contact to a stage by hand (recorded in its history)",
		example: "rapport contacts stage lee@elmpediatrics.example meeting --note \"coffee on Tuesday\"",
		setup:   func(fs *flag.FlagSet) { fs.StringVar(&note, "note", "", "why, for the history") },
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 2, 2, "the contact and the stage"); err != nil {
				return err
			}
			if _, err := a.config(); err != nil {
				return err
			}
			to, err := a.core().ParseStage(args[1])
			if err != nil {
				return err
			}
			if err := contact.CheckText(note); err != nil {
				return usagef("--note %v", err)
			}
			return a.moveStage(ctx, args[0], to, note)
		},
	}
}

func (a *app) moveStage(ctx context.Context, ref string, to contact.Stage, note string) error {
	if _, err := a.store(ctx); err != nil {
		return err
	}
	m, err := a.core().MoveStage(ctx, ref, to, note)
	if err != nil {
		return err
	}
	c, from, moved := m.Contact, m.From, m.Moved
	if a.json {
		return a.printJSON(map[string]any{"id": c.ID, "email": c.Email, "stage_from": from, "stage_to": to, "moved": moved})
	}
	if !moved {
		a.say("%s is already in %s", c.Label(), to)
		return nil
	}
	a.say("%s: %s → %s", c.Label(), from, to)
	return nil
}
