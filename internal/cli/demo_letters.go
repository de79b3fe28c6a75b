package cli

import (
	"context"
	"os"
	"path/filepath"
	"time"
)

// demoLetters is appended to the demo's rapport.toml by the handwritten
// note's step: cards, with a sheet of labels to match.
const demoLetters = `
[letters]
format = "card"      # a folded note card, two to a Letter sheet
with = "labels"      # and a sheet of address labels to match
`

// handwrittenNote is the demo's step about notes by post: the school
// counselor has no email address, so she gets a card. The campaign
// intro-by-post writes the cards and their labels into a print batch,
// which Anna prints, signs, posts and marks mailed; the email that follows
// ten days later goes only to those with an email address.
func (d *demo) handwrittenNote(ctx context.Context, n int) error {
	d.say("\n%d. A handwritten note by post. Ms. Jensen, the school counselor, has no email address:", n)
	d.say("   she prefers letters. The campaign intro-by-post sends a card to pastors and school")
	d.say("   counselors, then an email ten days after the cards are mailed to those who have not")
	d.say("   answered. Anna prints cards (format = \"card\" in [letters]) with a sheet of labels.")
	f, err := os.OpenFile(filepath.Join(d.dir, "rapport.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(demoLetters)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := d.runAll(ctx, [][]string{{"campaigns", "start", "intro-by-post"}, {"send", "intro-by-post"}, {"letters", "batches"}}); err != nil {
		return err
	}
	pdfs, _ := filepath.Glob(filepath.Join(d.dir, "letters", "*.pdf"))
	d.say("\n   The cards and the labels, ready to print, sign and post:")
	for _, p := range pdfs {
		d.say("     %s", p)
	}
	if d.keep {
		d.say("   Open them: the folder is kept.")
	} else {
		d.say("   (`rapport demo --keep DIR` keeps them, to open.)")
	}
	d.say("\n   Once they are posted, Anna marks the batch mailed. Eleven days later, the email is due")
	d.say("   for Pastor Kim; Ms. Jensen, who has no email address, got her card and nothing more:")
	later := time.Now().AddDate(0, 0, 11).Format("2006-01-02") + " 10:00"
	return d.runAll(ctx, [][]string{{"letters", "mailed", "1"}, {"campaigns", "plan", "intro-by-post", "--at", later},
		{"contacts", "list", "--kind", "school-counselor"}})
}
