package cli

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"rapport/internal/contact"
	"rapport/internal/store"
)

func cmdContactsFind() *command {
	var f contactFilter
	return &command{
		name:    "contacts find",
		args:    "WORDS... [--kind K] [--stage S] [--tag T]",
		summary: "who do I refer this client to? search names, organizations, notes, tags and fields",
		help: `Finds the contacts whose name, organization, kind, city, tags, custom fields
or notes contain every word you type, each at the start of a word, whatever
the case and accents ("zoe" finds Zoë, "adolescent" finds "Adolescents").
The people you know best (partners, then those you met) come first, and the
last column says where the words were found.`,
		example: "rapport contacts find EMDR spanish\nrapport contacts find adolescent --kind therapist",
		setup:   f.setup,
		run: func(ctx context.Context, a *app, args []string) error {
			if err := wantArgs(args, 1, -1, "the words to look for"); err != nil {
				return err
			}
			return runContactsFind(ctx, a, &f, args)
		},
	}
}

func runContactsFind(ctx context.Context, a *app, f *contactFilter, words []string) error {
	terms := contact.SearchTerms(words)
	if len(terms) == 0 {
		return usagef("%q has no letters or digits to look for", strings.Join(words, " "))
	}
	list, err := f.fetch(ctx, a, func(st *store.Store, filter store.Filter) ([]*contact.Contact, error) {
		return st.FindContacts(ctx, terms, filter)
	})
	if err != nil {
		return err
	}
	rank := stageRank(a.cfg.Pipeline)
	slices.SortStableFunc(list, func(x, y *contact.Contact) int {
		return cmp.Or(cmp.Compare(rank[x.Stage], rank[y.Stage]), cmp.Compare(x.Label(), y.Label()))
	})
	if a.json {
		out := make([]contactJSON, 0, len(list))
		for _, c := range list {
			out = append(out, toJSON(c))
		}
		return a.printJSON(out)
	}
	typed := strings.Join(words, " ")
	if len(list) == 0 {
		a.say("Nobody matches %q. Try fewer words, or another spelling.", typed)
		return nil
	}
	rows := make([][]string, 0, len(list))
	for _, c := range list {
		rows = append(rows, []string{c.Label(), c.Organization, c.Kind, string(c.Stage), c.Email,
			clip(strings.Join(contact.Matched(c, terms), "; "), 70)})
	}
	if !a.quiet {
		a.table([]string{"NAME", "ORGANIZATION", "KIND", "STAGE", "EMAIL", "FOUND IN"}, rows)
	}
	a.say("%s %s %q", plural(len(list), "contact"), map[bool]string{true: "matches", false: "match"}[len(list) == 1], typed)
	return nil
}

// stageRank orders stages for "who do I know best": the main path from its
// end (partner first), then the side stages.
func stageRank(p contact.Pipeline) map[contact.Stage]int {
	rank := map[contact.Stage]int{}
	for i, s := range p.Main {
		rank[s] = len(p.Main) - i
	}
	for i, s := range p.Side {
		rank[s] = len(p.Main) + 1 + i
	}
	return rank
}

// clip shortens s to n characters for a table cell.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return fmt.Sprint(string(r[:n-1]), "…")
}
