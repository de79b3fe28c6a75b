package contact

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrInvalidEmail is wrapped by every NormalizeEmail failure.
var ErrInvalidEmail = errors.New("invalid email")

// idnaProfile converts internationalized domains to their ASCII (punycode)
// form for lookup, as mail servers expect them.
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.Transitional(false))

// NormalizeEmail turns what someone typed into a spreadsheet cell into the
// address rapport stores and matches on: spaces trimmed, a "mailto:" or a
// display name ("Dr. Lee <lee@clinic.test>") removed, the domain lower-cased
// and converted to its ASCII form. The local part keeps its case, because a
// few servers care; the store compares addresses case-insensitively.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if err := CheckText(s); err != nil {
		return "", fmt.Errorf("%w: %w", ErrInvalidEmail, err)
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	if strings.ContainsAny(s, "<>\" ") {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return "", fmt.Errorf("%w: %q is not an address", ErrInvalidEmail, s)
		}
		s = a.Address
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", fmt.Errorf("%w: %q has no user@domain", ErrInvalidEmail, s)
	}
	local, domain := s[:at], strings.TrimSuffix(s[at+1:], ".")
	if err := checkLocal(local); err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrInvalidEmail, s, err)
	}
	ascii, err := idnaProfile.ToASCII(strings.ToLower(domain))
	if err != nil || !validDomain(ascii) {
		return "", fmt.Errorf("%w: %q: the domain %q is not valid", ErrInvalidEmail, s, domain)
	}
	out := local + "@" + ascii
	if len(out) > 254 {
		return "", fmt.Errorf("%w: %q is longer than 254 characters", ErrInvalidEmail, s)
	}
	return out, nil
}

func checkLocal(local string) error {
	if len(local) > 64 {
		return errors.New("the part before @ is longer than 64 characters")
	}
	if strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return errors.New("misplaced dot before @")
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("()<>[]\\,;:@\"", r) {
			return fmt.Errorf("%q is not allowed before @", r)
		}
	}
	return nil
}

func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// ErrControl is returned by CheckText for text that must never reach a
// stored field or a mail header.
var ErrControl = errors.New("contains a control character")

// CheckText rejects text holding a line break, a NUL or another control
// character other than tab, and text that is not valid UTF-8. Every stored
// field passes through it: a line break in a name is how a header gets
// injected.
func CheckText(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("is not valid text (broken UTF-8)")
	}
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == '\u2028' || r == '\u2029':
			return fmt.Errorf("%w: a line break", ErrControl)
		case r == 0:
			return fmt.Errorf("%w: NUL", ErrControl)
		case r != '\t' && unicode.IsControl(r):
			return fmt.Errorf("%w: %U", ErrControl, r)
		}
	}
	return nil
}

// CleanText trims surrounding space and collapses runs of inner white space
// (including non-breaking spaces pasted from web pages) to one space.
func CleanText(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f'
	}), " ")
}

// NormalizeTag lower-cases a tag and joins its words with dashes, so that
// "School Counselor" and "school-counselor" are one tag.
func NormalizeTag(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, "_", " "))), "-")
}

// NormalizeTags normalizes, de-duplicates and sorts tags, dropping empty ones.
// A single cell may hold several tags separated by commas or semicolons.
func NormalizeTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		for part := range strings.FieldsFuncSeq(t, func(r rune) bool { return r == ',' || r == ';' }) {
			if n := NormalizeTag(part); n != "" {
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// titles maps how people type an honorific to how a letter writes it.
var titles = map[string]string{
	"dr": "Dr.", "doctor": "Dr.", "md": "Dr.", "m.d": "Dr.", "do": "Dr.",
	"pastor": "Pastor", "ptr": "Pastor",
	"rev": "Rev.", "reverend": "Rev.", "the reverend": "Rev.",
	"fr": "Fr.", "father": "Fr.", "rabbi": "Rabbi", "imam": "Imam",
	"prof": "Prof.", "professor": "Prof.",
	"mr": "Mr.", "ms": "Ms.", "mrs": "Mrs.", "mx": "Mx.", "sr": "Sr.", "sister": "Sr.",
	"bishop": "Bishop", "deacon": "Deacon", "elder": "Elder", "chaplain": "Chaplain",
}

// NormalizeTitle writes a known honorific the usual way ("dr" → "Dr.",
// "reverend" → "Rev."); an unknown one is kept as typed.
func NormalizeTitle(s string) string {
	s = CleanText(s)
	key := strings.TrimSuffix(strings.ToLower(s), ".")
	if t, ok := titles[key]; ok {
		return t
	}
	return s
}

// FieldKey turns a spreadsheet header into the key of a custom field as
// templates see it: "Referral Source" → "referral_source", "Zoë's #" →
// "zoës". Letters and digits of any script are kept.
func FieldKey(header string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(strings.TrimSpace(header)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
		case r == '\'' || r == '’':
		default:
			sep = true
		}
	}
	return b.String()
}

// CleanMultiline checks and tidies free text that may run over several
// lines, like a Notes cell typed with Alt+Enter: line breaks of any kind
// become "\n", each line is tidied like CleanText, and blank lines at the
// ends are dropped, as are runs of more than one blank line inside. Other
// control characters and broken UTF-8 are refused as by CheckText. Such text
// must never reach a header; render keeps subjects on one line.
func CleanMultiline(s string) (string, error) {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u2028", "\n", "\u2029", "\n").Replace(s)
	var lines []string
	blank := 0
	for line := range strings.SplitSeq(s, "\n") {
		if err := CheckText(line); err != nil {
			return "", err
		}
		line = CleanText(line)
		if line == "" {
			blank++
			continue
		}
		if blank > 0 && len(lines) > 0 {
			lines = append(lines, "")
		}
		blank = 0
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), nil
}
