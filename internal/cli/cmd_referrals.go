package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	core "rapport/internal/app"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// privacyNote is said wherever referrals are recorded: the users are bound
// by privacy law and must be able to trust that rapport holds nothing
// about their clients.
const privacyNote = `rapport records only that a source referred someone: the day, how many, and
your note about the source. It never asks for and never stores anything about
the clients themselves (no names, initials, birthdays or reasons for coming):
client information is protected by privacy law (HIPAA in the US) and does not
belong here. Keep notes about the source: "met at the fall fair", not about
the person referred.`

func cmdReferralsAdd() *command {
	var date, note string
	var count int
	return &command{
		name:    "referrals add",
		args:    "EMAIL|ID [--date D] [--count N] [--note T]",
		summary: "record a referral from a source (never any client information)",
		help: "Records that a contact sent you a client: today, or on --date, one or --count.\n" +
			"The report counts referrals by source, kind, campaign and month.\n\n" + privacyNote,
		example: "rapport referrals add pastor.kim@gracechurch.example\n" +
			"rapport referrals add lee@elmpediatrics.example --date 2026-03-04 --count 2 --note \"after the cookie visit\"",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&date, "date", "", "the day it came: 2026-03-04, today, yesterday (default today)")
			fs.IntVar(&count, "count", 1, "how many clients they referred")
			fs.StringVar(&note, "note", "", "a note about the source (never about the client)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the source's email or ID"); err != nil {
				return err
			}
			if count < 1 {
				return usagef("--count must be 1 or more")
			}
			if err := contact.CheckText(note); err != nil {
				return usagef("--note %v", err)
			}
			return runReferralsAdd(ctx, a, args[0], date, count, note)
		},
	}
}

func runReferralsAdd(ctx context.Context, a *app, ref, date string, count int, note string) error {
	_, err := a.store(ctx)
	if err != nil {
		return err
	}
	on := a.env.Now().In(a.loc())
	if date != "" {
		if on, err = a.pastMoment(date); err != nil {
			return usagef("--date: %v", err)
		}
		on = on.In(a.loc())
	}
	r, c, err := a.core().AddReferral(ctx, ref, on, count, note)
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(referralToJSON(r, c))
	}
	a.say("recorded %s from %s on %s", plural(r.Count, "referral"), c.Label(), r.On.Format("Mon 2006-01-02"))
	a.say("(undo with `rapport referrals remove %d`)", r.ID)
	return nil
}

// contactErr says, for a reference that found nobody, how to find them.
func contactErr(ref string, err error) error { return core.ContactErr(ref, err) }

type referralJSON struct {
	ID        int64  `json:"id"`
	ContactID int64  `json:"contact_id"`
	Email     string `json:"email"`
	Source    string `json:"source"`
	Kind      string `json:"kind"`
	Date      string `json:"date"`
	Count     int    `json:"count"`
	Note      string `json:"note"`
	CreatedAt string `json:"created_at"`
}

func referralToJSON(r store.Referral, c *contact.Contact) referralJSON {
	return referralJSON{ID: r.ID, ContactID: r.ContactID, Email: c.Email, Source: c.Label(), Kind: c.Kind,
		Date: r.On.Format("2006-01-02"), Count: r.Count, Note: r.Note, CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339)}
}

func cmdReferralsList() *command {
	var since, until, who string
	return &command{
		name:    "referrals list",
		args:    "[--contact EMAIL] [--since D] [--until D]",
		summary: "the referrals you recorded, newest first",
		help:    privacyNote,
		example: "rapport referrals list --since this-quarter\nrapport referrals list --contact pastor.kim@gracechurch.example",
		setup: func(fs *flag.FlagSet) {
			fs.StringVar(&who, "contact", "", "only this source's referrals (email or ID)")
			fs.StringVar(&since, "since", "", "from this day: 2026-01-01, this-quarter, \"90 days\"")
			fs.StringVar(&until, "until", "", "up to and including this day")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 0, 0, ""); err != nil {
				return err
			}
			return runReferralsList(ctx, a, who, since, until)
		},
	}
}

func runReferralsList(ctx context.Context, a *app, who, since, until string) error {
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	var f store.ReferralFilter
	if f.Since, f.Until, err = a.period(since, until); err != nil {
		return err
	}
	if !f.Until.IsZero() {
		f.Until = f.Until.Add(-time.Nanosecond) // the filter includes its last day
	}
	if who != "" {
		c, err := st.FindContact(ctx, who)
		if err != nil {
			return contactErr(who, err)
		}
		f.ContactID = c.ID
	}
	list, err := st.Referrals(ctx, f)
	if err != nil {
		return err
	}
	sources, err := a.contactsByID(ctx, list)
	if err != nil {
		return err
	}
	return printReferrals(a, list, sources)
}

func (a *app) contactsByID(ctx context.Context, list []store.Referral) (map[int64]*contact.Contact, error) {
	ids := []int64{}
	for _, r := range list {
		ids = append(ids, r.ContactID)
	}
	out := map[int64]*contact.Contact{}
	if len(ids) == 0 {
		return out, nil
	}
	cs, err := a.st.Contacts(ctx, store.Filter{IDs: ids})
	for _, c := range cs {
		out[c.ID] = c
	}
	return out, err
}

func printReferrals(a *app, list []store.Referral, sources map[int64]*contact.Contact) error {
	if a.json {
		out := make([]referralJSON, 0, len(list))
		for _, r := range list {
			out = append(out, referralToJSON(r, sources[r.ContactID]))
		}
		return a.printJSON(out)
	}
	if len(list) == 0 {
		a.say("No referrals recorded. Record one with `rapport referrals add EMAIL`.")
		return nil
	}
	rows := make([][]string, 0, len(list))
	total := 0
	for _, r := range list {
		c := sources[r.ContactID]
		total += r.Count
		rows = append(rows, []string{strconv.FormatInt(r.ID, 10), r.On.Format("2006-01-02"), c.Label(), c.Kind,
			strconv.Itoa(r.Count), r.Note})
	}
	if !a.quiet && !a.json {
		a.table([]string{"ID", "DATE", "SOURCE", "KIND", "COUNT", "NOTE"}, rows)
	}
	a.say("%s from %s", plural(total, "referral"), plural(len(sources), "source"))
	return nil
}

func cmdReferralsRemove() *command {
	return &command{
		name:    "referrals remove",
		args:    "ID",
		summary: "remove a referral recorded by mistake",
		example: "rapport referrals remove 12",
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, 1, "the referral's ID (see `rapport referrals list`)"); err != nil {
				return err
			}
			id, err := strconv.ParseInt(strings.TrimPrefix(args[0], "#"), 10, 64)
			if err != nil {
				return usagef("%q is not a referral ID (a number: see `rapport referrals list`)", args[0])
			}
			st, err := a.store(ctx)
			if err != nil {
				return err
			}
			r, err := st.RemoveReferral(ctx, id)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("referral %d: there is no such referral (see `rapport referrals list`)", id)
			}
			if err != nil {
				return err
			}
			c, err := st.Contact(ctx, r.ContactID)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(map[string]any{"removed": referralToJSON(r, c)})
			}
			a.say("removed referral #%d: %s from %s on %s", r.ID, plural(r.Count, "referral"), c.Label(), r.On.Format("2006-01-02"))
			return nil
		},
	}
}
