package contact

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
)

// DefaultKinds are the kinds of referral source rapport knows out of the box.
var DefaultKinds = []string{"physician", "pastor", "school-counselor", "therapist", "agency", "other"}

// defaultAliases maps the words people put in a "Type" column to a default
// kind. A word is compared folded (see Fold), so "OB/GYN", "ob-gyn" and
// "OBGYN" are one word. An alias counts only when its kind is configured.
var defaultAliases = foldAliases(map[string][]string{
	"physician": {"doctor", "doc", "physicians", "physician's office", "physicians office", "doctor's office",
		"medical", "medical office", "medical practice", "clinic", "MD", "DO", "M.D.", "D.O.",
		"NP", "nurse practitioner", "PA", "PA-C", "physician assistant", "physician's assistant",
		"family doc", "family doctor", "family physician", "family medicine", "family practice",
		"GP", "general practitioner", "general practice", "primary care", "primary care physician", "PCP",
		"internal medicine", "internist", "pediatrician", "pediatrics", "pediatric office", "peds",
		"paediatrician", "paediatrics", "OB/GYN", "OB", "GYN", "obstetrician", "obstetrics",
		"gynecologist", "gynecology", "women's health", "psychiatrist", "psychiatry"},
	"pastor": {"minister", "priest", "rabbi", "imam", "clergy", "church", "chaplain", "faith",
		"faith leader", "faith community", "reverend", "rev", "deacon", "parish", "congregation",
		"synagogue", "mosque", "temple", "youth pastor", "youth minister", "spiritual director"},
	"school-counselor": {"school", "school counsellor", "counselor (school)", "guidance counselor",
		"guidance counsellor", "guidance", "school psychologist", "school social worker",
		"school-based counselor", "college counselor"},
	"therapist": {"psychologist", "counselor", "counsellor", "LMFT", "MFT", "LCSW", "LICSW", "LPC",
		"LPCC", "LMHC", "LCPC", "LMSW", "psychotherapist", "marriage and family therapist",
		"family therapist", "social worker", "clinical social worker", "colleague", "clinician",
		"mental health", "mental health counselor"},
	"agency": {"social agency", "social services", "nonprofit", "non-profit", "community agency",
		"community organization", "social service agency"},
})

func foldAliases(in map[string][]string) map[string]string {
	out := map[string]string{}
	for kind, words := range in {
		for _, w := range words {
			out[Fold(w)] = kind
		}
	}
	return out
}

// Fold reduces a word or a header to its lower-case letters and digits:
// how kinds and their aliases are compared, and spreadsheet headers with
// their synonyms ("E-mail Address", "email address" and "EmailAddress" are
// one header).
func Fold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Kinds matches what a spreadsheet or a command line says about a kind to
// one of the configured kinds: the kind itself, the user's own aliases
// ([contacts.kind_aliases]), then rapport's defaults. It is safe for
// concurrent use once built.
type Kinds struct {
	list  []string
	folds map[string]string // folded kind → kind
	user  map[string]string // folded alias → kind
}

// NewKinds builds a matcher for kinds (normalized like tags; nil means
// DefaultKinds) and the user's aliases (word → kind). An alias to a kind
// that is not in kinds is an error naming the alias.
func NewKinds(kinds []string, aliases map[string]string) (*Kinds, error) {
	if kinds == nil {
		kinds = DefaultKinds
	}
	k := &Kinds{list: kinds, folds: map[string]string{}, user: map[string]string{}}
	for _, kind := range kinds {
		k.folds[Fold(kind)] = kind
	}
	var bad []string
	for _, word := range slices.Sorted(maps.Keys(aliases)) {
		target, ok := k.folds[Fold(aliases[word])]
		if !ok || Fold(word) == "" {
			bad = append(bad, fmt.Sprintf("%q = %q", word, aliases[word]))
			continue
		}
		k.user[Fold(word)] = target
	}
	if len(bad) > 0 {
		return k, fmt.Errorf("%s: not one of the kinds (%s)", strings.Join(bad, ", "), strings.Join(kinds, ", "))
	}
	return k, nil
}

// List is the configured kinds.
func (k *Kinds) List() []string { return k.list }

// Match maps a typed kind onto one of the kinds. ok is false when nothing
// fits; the caller decides what to do with the contact then. An empty word
// matches as "".
func (k *Kinds) Match(s string) (kind string, ok bool) {
	w := Fold(s)
	if w == "" {
		return "", true
	}
	if kind, ok := k.match(w); ok {
		return kind, true
	}
	if t, plural := strings.CutSuffix(w, "s"); plural && t != "" {
		return k.match(t)
	}
	return "", false
}

func (k *Kinds) match(w string) (string, bool) {
	if kind, ok := k.folds[w]; ok {
		return kind, true
	}
	if kind, ok := k.user[w]; ok {
		return kind, true
	}
	if kind, ok := defaultAliases[w]; ok && slices.Contains(k.list, kind) {
		return kind, true
	}
	return "", false
}

// NormalizeKind maps a typed kind onto one of kinds with rapport's default
// aliases (see Kinds for the user's own).
func NormalizeKind(s string, kinds []string) (kind string, ok bool) {
	k, _ := NewKinds(kinds, nil)
	return k.Match(s)
}
