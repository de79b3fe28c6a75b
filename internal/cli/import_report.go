package cli

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"rapport/internal/contact"
	"rapport/internal/sheet"
)

// printImport tells the user what an import did, or would do: the counts,
// then contact by contact every field changed or kept, the rows whose kind
// was not understood, the contacts gone from a [[sources]] sheet, and the
// rows skipped.
func printImport(a *app, rep *sheet.Report, kinds []string) {
	from := rep.File
	if rep.Sheet != "" {
		from += ", sheet " + rep.Sheet
	}
	if rep.Encoding != "" && rep.Encoding != "UTF-8" {
		from += " (read as " + rep.Encoding + ")"
	}
	verb := "imported"
	if rep.DryRun {
		verb = "would import (dry run: nothing was changed)"
	}
	a.say("%s: %s", verb, from)
	a.say("  %s read: %d new, %d updated, %d unchanged, %d skipped", plural(rep.Read, rep.Unit()), rep.Created, rep.Updated, rep.Unchanged, rep.Skipped)
	printChanges(a, rep)
	printOtherKinds(a, rep, kinds)
	printMissing(a, rep)
	if len(rep.Errors) > 0 {
		if rep.Unit() == "card" {
			a.say("\nSkipped cards (fix them in your address book, export the contacts again and import the new file):")
		} else {
			a.say("\nSkipped rows (fix them in the spreadsheet and import it again):")
		}
		for _, e := range rep.Errors {
			a.say("  %s", describeRow(e, rep.Unit()))
		}
	}
	if len(rep.Warnings) > 0 {
		a.say("\nNotes:")
		for _, e := range rep.Warnings {
			a.say("  %s", describeRow(e, rep.Unit()))
		}
	}
}

// printChanges lists, contact by contact, each field as "field: old →
// new", and the values kept because the contact came from elsewhere.
func printChanges(a *app, rep *sheet.Report) {
	if len(rep.Changes) == 0 {
		return
	}
	if rep.DryRun {
		a.say("\nContacts you already have, and what would change (field: old → new):")
	} else {
		a.say("\nContacts you already have, and what changed (field: old → new):")
	}
	kept, keptFrom := 0, map[string]bool{}
	for _, cc := range rep.Changes {
		a.say("  %s %d: %s", rep.Unit(), cc.Row, nameAndEmail(cc.Contact, cc.Email))
		for _, c := range cc.Changed {
			a.say("    %s", shortChange(c))
		}
		if cc.Back {
			a.say("    back in the sheet: no longer marked missing from it")
		}
		for _, c := range cc.Kept {
			a.say("    %s: kept %s (this file says %s)", c.Field, quoteShort(c.Old), quoteShort(c.New))
		}
		kept += len(cc.Kept)
		if len(cc.Kept) > 0 {
			keptFrom[cc.Source] = true
		}
	}
	if kept > 0 {
		a.say("  %s not taken: %s. To take this file's values, import it again with --overwrite.",
			plural(kept, "value"), keptWhy(keptFrom))
	}
}

func keptWhy(from map[string]bool) string {
	var files []string
	typed := false
	for f := range from {
		if f == "" {
			typed = true
		} else {
			files = append(files, f)
		}
	}
	var why []string
	if len(files) > 0 {
		why = append(why, "those contacts came from "+strings.Join(files, " and "))
	}
	if typed {
		why = append(why, "you added them by hand")
	}
	return strings.Join(why, ", or ")
}

func nameAndEmail(label, email string) string {
	if email == "" || label == email {
		return label
	}
	return fmt.Sprintf("%s <%s>", label, email)
}

// shortChange is Change.String with long values cut for the screen;
// --json has them whole.
func shortChange(c contact.Change) string {
	c.Old, c.New = short(c.Old), short(c.New)
	return c.String()
}

func quoteShort(s string) string { return fmt.Sprintf("%q", short(contact.OneLine(s))) }

func short(s string) string {
	const max = 70
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

// printOtherKinds lists the rows that became kind "other", by word, and
// shows the lines that would sort them next time.
func printOtherKinds(a *app, rep *sheet.Report, kinds []string) {
	others, dry := rep.OtherKinds, rep.DryRun
	if len(others) == 0 {
		return
	}
	var words []string
	rows := map[string][]string{}
	for _, o := range others {
		if rows[o.Word] == nil {
			words = append(words, o.Word)
		}
		rows[o.Word] = append(rows[o.Word], fmt.Sprintf("%s %d %s", rep.Unit(), o.Row, o.Contact))
	}
	verb := "were"
	if dry {
		verb = "would be"
	}
	a.say("\n%s %s imported with kind \"other\": their kind was not understood (the word is kept in the field kind_original):",
		plural(len(others), rep.Unit()), verb)
	for _, w := range words {
		list := rows[w]
		if len(list) > 20 {
			list = append(list[:20:20], fmt.Sprintf("and %d more (--json lists them all)", len(list)-20))
		}
		a.say("  %q: %s", w, strings.Join(list, "; "))
	}
	a.say("  To sort them, add their words under [contacts.kind_aliases] in rapport.toml, each with the kind it means (%s), and import again:",
		strings.Join(kinds, ", "))
	for _, w := range words[:min(len(words), 5)] {
		a.say("    %q = \"KIND\"", w)
	}
}

// printMissing lists the contacts of a [[sources]] sheet whose rows are
// gone from it.
func printMissing(a *app, rep *sheet.Report) {
	if len(rep.Missing) == 0 {
		return
	}
	if rep.DryRun {
		a.say("\nNo longer in %s; they would be kept, with their history, marked \"missing from its sheet\", and sent nothing until their rows are back:", rep.File)
	} else {
		a.say("\nNo longer in %s; kept, with their history, marked \"missing from its sheet\", and sent nothing until their rows are back:", rep.File)
	}
	for _, m := range rep.Missing {
		a.say("  %s (was %s %d)", nameAndEmail(m.Contact, m.Email), rep.Unit(), m.Row)
	}
}
