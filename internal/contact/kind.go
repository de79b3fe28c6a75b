package contact

import (
	"slices"
	"strings"
)

// DefaultKinds are the kinds of referral source rapport knows out of the box.
var DefaultKinds = []string{"physician", "pastor", "school-counselor", "therapist", "agency", "other"}

// kindSynonyms maps the words people put in a "Type" column to a default
// kind. It is consulted only when the word is not itself a configured kind.
var kindSynonyms = map[string]string{
	"doctor": "physician", "md": "physician", "do": "physician", "pediatrician": "physician",
	"pediatrics": "physician", "family-medicine": "physician", "family-doctor": "physician",
	"gp": "physician", "ob-gyn": "physician", "obgyn": "physician", "ob/gyn": "physician",
	"psychiatrist": "physician", "physician's-office": "physician", "medical": "physician",
	"clinic": "physician", "nurse-practitioner": "physician", "np": "physician",
	"minister": "pastor", "priest": "pastor", "rabbi": "pastor", "imam": "pastor",
	"clergy": "pastor", "church": "pastor", "chaplain": "pastor", "faith": "pastor",
	"school": "school-counselor", "school-counsellor": "school-counselor", "counselor-school": "school-counselor",
	"psychologist": "therapist", "counselor": "therapist", "counsellor": "therapist",
	"lmft": "therapist", "lcsw": "therapist", "lpc": "therapist", "mft": "therapist",
	"psychotherapist": "therapist", "social-worker": "therapist", "colleague": "therapist",
	"social-agency": "agency", "social-services": "agency", "nonprofit": "agency", "non-profit": "agency",
}

// NormalizeKind maps a typed kind onto one of kinds: exact (after
// normalization), then a known synonym, then a plural. ok is false when
// nothing fits; the caller decides what to do with the contact then.
func NormalizeKind(s string, kinds []string) (kind string, ok bool) {
	k := NormalizeTag(s)
	if k == "" {
		return "", true
	}
	if slices.Contains(kinds, k) {
		return k, true
	}
	if syn, found := kindSynonyms[k]; found && slices.Contains(kinds, syn) {
		return syn, true
	}
	if t := strings.TrimSuffix(k, "s"); t != k {
		return NormalizeKind(t, kinds)
	}
	return "", false
}
