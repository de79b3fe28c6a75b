package contact

import (
	"maps"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldSpecial are letters that do not decompose into a base letter and an
// accent, written the way people type them without the accent.
var foldSpecial = map[rune]string{
	'ß': "ss", 'ø': "o", 'đ': "d", 'ł': "l", 'æ': "ae", 'œ': "oe", 'þ': "th", 'ı': "i", 'ð': "d",
}

// FoldAccents writes s the way contact search compares it: lower case, accents
// removed ("Zoë" → "zoe", "Łukasz" → "lukasz"), and every run of what is not
// a letter or a digit turned into one space, so "EMDR-trained" is the words
// "emdr trained".
func FoldAccents(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range norm.NFD.String(s) {
		r = unicode.ToLower(r)
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case foldSpecial[r] != "":
			b.WriteString(foldSpecial[r])
			space = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			space = false
		case !space:
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// searchParts are the parts of a contact that search looks in, with the
// name a result shows for each.
func searchParts(c *Contact) [][2]string {
	parts := [][2]string{
		{"name", strings.TrimSpace(c.Title + " " + c.FullName())},
		{"organization", c.Organization},
		{"kind", c.Kind},
		{"email", c.Email},
		{"city", strings.TrimSpace(c.Address.City + " " + c.Address.Region)},
		{"tags", strings.Join(c.Tags, ", ")},
	}
	for _, k := range slices.Sorted(maps.Keys(c.Fields)) {
		// The key is searched too: a column "EMDR" holding "yes" means
		// the person does EMDR.
		parts = append(parts, [2]string{k, k + " " + c.Fields[k]})
	}
	return append(parts, [2]string{"notes", c.Notes})
}

// SearchText is what the store keeps for finding c: every searched part,
// folded, with a space before each word and at the end, so that a word is
// found with " word" and always at the start of a word.
func SearchText(c *Contact) string {
	var b strings.Builder
	b.WriteByte(' ')
	for _, p := range searchParts(c) {
		if f := FoldAccents(p[1]); f != "" {
			b.WriteString(f)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// SearchTerms folds what the user typed into the terms a contact must all
// contain, each as " word" (the start of a word). "EMDR spanish" gives
// [" emdr", " spanish"]; "ob-gyn" gives [" ob gyn"]: the pieces of one typed
// word stay together.
func SearchTerms(words []string) []string {
	var out []string
	for _, w := range words {
		for part := range strings.FieldsSeq(w) {
			if f := FoldAccents(part); f != "" && !slices.Contains(out, " "+f) {
				out = append(out, " "+f)
			}
		}
	}
	return out
}

// Matched names the parts of c where terms were found and what they say,
// for showing why a contact came up: ["tags: emdr", "languages: Spanish"].
func Matched(c *Contact, terms []string) []string {
	var out []string
	for _, p := range searchParts(c) {
		text := " " + FoldAccents(p[1]) + " "
		if !slices.ContainsFunc(terms, func(t string) bool { return strings.Contains(text, t) }) {
			continue
		}
		if p[0] == "name" || p[0] == "organization" || p[0] == "email" {
			continue // shown in the result's own columns
		}
		v := p[1]
		if c.Fields[p[0]] != "" {
			v = c.Fields[p[0]]
		}
		out = append(out, p[0]+": "+v)
	}
	return out
}
