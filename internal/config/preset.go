package config

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Preset is a mail provider's settings, for `rapport init --email`.
type Preset struct {
	Name  string // google, microsoft, icloud, fastmail
	Title string // for people
	SMTP  Endpoint
	IMAP  Endpoint
	// OAuth is the [oauth] provider when the preset signs in with
	// auth = "oauth2"; "" means an app password.
	OAuth string
	// AppPassword says where to get an app password, when OAuth is "".
	AppPassword string
}

// Endpoint is a server's host, port and security.
type Endpoint struct {
	Host     string
	Port     int
	Security string
}

// PresetNames are what `rapport init --provider` accepts, besides "other".
var PresetNames = []string{"google", "microsoft", "icloud", "fastmail"}

var presets = map[string]Preset{
	"google": {Name: "google", Title: "Gmail / Google Workspace", OAuth: "google",
		SMTP: Endpoint{"smtp.gmail.com", 465, "tls"}, IMAP: Endpoint{"imap.gmail.com", 993, "tls"}},
	"microsoft": {Name: "microsoft", Title: "Microsoft 365", OAuth: "microsoft",
		SMTP: Endpoint{"smtp.office365.com", 587, "starttls"}, IMAP: Endpoint{"outlook.office365.com", 993, "tls"}},
	"outlook": {Name: "microsoft", Title: "Outlook.com", OAuth: "microsoft",
		SMTP: Endpoint{"smtp-mail.outlook.com", 587, "starttls"}, IMAP: Endpoint{"outlook.office365.com", 993, "tls"}},
	"icloud": {Name: "icloud", Title: "iCloud Mail", AppPassword: "an app-specific password from appleid.apple.com → Sign-In and Security",
		SMTP: Endpoint{"smtp.mail.me.com", 587, "starttls"}, IMAP: Endpoint{"imap.mail.me.com", 993, "tls"}},
	"fastmail": {Name: "fastmail", Title: "Fastmail", AppPassword: "an app password from Fastmail: Settings → Privacy & Security → App passwords",
		SMTP: Endpoint{"smtp.fastmail.com", 465, "tls"}, IMAP: Endpoint{"imap.fastmail.com", 993, "tls"}},
}

// PresetByName returns the preset `--provider NAME` means.
func PresetByName(name string) (Preset, bool) {
	if !slices.Contains(PresetNames, name) {
		return Preset{}, false
	}
	return presets[name], true
}

var domainPresets = map[string]string{
	"gmail.com": "google", "googlemail.com": "google",
	"outlook.com": "outlook", "hotmail.com": "outlook", "live.com": "outlook", "msn.com": "outlook",
	"hotmail.co.uk": "outlook", "live.co.uk": "outlook", "outlook.de": "outlook", "hotmail.de": "outlook",
	"hotmail.fr": "outlook", "live.fr": "outlook", "outlook.fr": "outlook", "live.ca": "outlook", "hotmail.ca": "outlook",
	"icloud.com": "icloud", "me.com": "icloud", "mac.com": "icloud",
	"fastmail.com": "fastmail", "fastmail.fm": "fastmail",
}

// PresetForDomain knows the big providers' own domains.
func PresetForDomain(domain string) (Preset, bool) {
	name, ok := domainPresets[strings.ToLower(strings.TrimSuffix(domain, "."))]
	return presets[name], ok
}

// mxSuffixes tell, from a custom domain's MX hosts, who hosts its mail.
var mxSuffixes = []struct{ suffix, preset string }{
	{"olc.protection.outlook.com", "outlook"}, // Outlook.com's own domains
	{"mail.protection.outlook.com", "microsoft"},
	{"google.com", "google"}, {"googlemail.com", "google"},
	{"mail.icloud.com", "icloud"},
	{"messagingengine.com", "fastmail"},
}

// PresetForMX recognises Google Workspace, Microsoft 365, iCloud+ and
// Fastmail from a domain's MX host names.
func PresetForMX(hosts []string) (Preset, bool) {
	for _, h := range hosts {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		for _, m := range mxSuffixes {
			if h == m.suffix || strings.HasSuffix(h, "."+m.suffix) {
				return presets[m.preset], true
			}
		}
	}
	return Preset{}, false
}

var (
	sectionRe = regexp.MustCompile(`^\s*(#\s*)?\[([a-z_]+)\]\s*$`)
	keyRe     = regexp.MustCompile(`^(\s*#?\s*)([a-z_]+)(\s*=\s*)("[^"]*"|[^\s#]+)(.*)$`)
)

// ApplyPreset writes email and the preset's servers into the text of
// config.example.toml, keeping every comment: a preset that signs in with
// OAuth gets auth = "oauth2" instead of the password lines and an [oauth]
// section. An empty preset sets only the email. It fails when the example
// no longer has the lines it edits.
func ApplyPreset(example []byte, email string, p Preset) ([]byte, error) {
	e := &presetEditor{email: email, p: p, done: map[string]bool{}}
	lines := strings.Split(string(example), "\n")
	for i, line := range lines {
		lines[i] = e.line(line)
	}
	want := []string{"identity.email"}
	if p.SMTP.Host != "" {
		want = append(want, "smtp.host", "smtp.port", "smtp.security", "smtp.password_env", "imap.host", "imap.port", "imap.security", "imap.password_env")
	}
	if p.OAuth != "" {
		want = append(want, "oauth", "oauth.provider", "oauth.client_id")
	}
	var missing []string
	for _, k := range want {
		if !e.done[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the sample config lacks %s", strings.Join(missing, ", "))
	}
	return []byte(strings.Join(lines, "\n")), nil
}

type presetEditor struct {
	email   string
	p       Preset
	section string // "oauth#" for the commented [oauth] block
	done    map[string]bool
}

func (e *presetEditor) line(line string) string {
	if m := sectionRe.FindStringSubmatch(line); m != nil {
		e.section = m[2]
		if m[1] != "" {
			e.section += "#"
			if e.section == "oauth#" && e.p.OAuth != "" {
				e.done["oauth"] = true
				return "[oauth]"
			}
		}
		return line
	}
	m := keyRe.FindStringSubmatch(line)
	if m == nil {
		return line
	}
	commented := strings.Contains(m[1], "#")
	key := e.section + "." + m[2]
	if e.section == "oauth#" {
		key = "oauth." + m[2]
	}
	v, ok := e.value(key, commented)
	if !ok {
		return line
	}
	e.done[key] = true
	if strings.HasPrefix(v, "\x00") { // a whole new line
		return v[1:]
	}
	prefix := m[1]
	if commented { // uncomment: "# provider" becomes "provider"
		prefix = strings.TrimLeft(strings.TrimLeft(strings.TrimLeft(prefix, " \t"), "#"), " ")
	}
	comment := strings.TrimLeft(m[5], " ")
	if comment == "" {
		return prefix + m[2] + m[3] + v
	}
	// Keep the comment in its column.
	spaces := len(m[1]) - len(prefix) + len(m[4]) + len(m[5]) - len(comment) - len(v)
	return prefix + m[2] + m[3] + v + strings.Repeat(" ", max(1, spaces)) + comment
}

// value is the new value of key, or a whole new line after "\x00".
func (e *presetEditor) value(key string, commented bool) (string, bool) {
	p := e.p
	if key == "identity.email" && !commented {
		return strconv.Quote(e.email), true
	}
	if p.SMTP.Host == "" || (commented && !strings.HasPrefix(key, "oauth.")) {
		return "", false
	}
	for _, s := range []struct {
		name string
		ep   Endpoint
	}{{"smtp", p.SMTP}, {"imap", p.IMAP}} {
		switch key {
		case s.name + ".host":
			return strconv.Quote(s.ep.Host), true
		case s.name + ".port":
			return strconv.Itoa(s.ep.Port), true
		case s.name + ".security":
			return strconv.Quote(s.ep.Security), true
		case s.name + ".password_env":
			if p.OAuth != "" {
				return "\x00" + `auth = "oauth2"               # signed in with ` + "`rapport login " + p.OAuth + "`" + `: no password here`, true
			}
			return "\x00" + `password_env = "RAPPORT_` + strings.ToUpper(s.name) + `_PASSWORD"   # ` + p.AppPassword, true
		}
	}
	if p.OAuth == "" {
		return "", false
	}
	switch key {
	case "oauth.provider":
		return strconv.Quote(p.OAuth), true
	case "oauth.client_id":
		return `""`, true
	case "oauth.client_secret":
		return `""`, p.OAuth == "google"
	case "oauth.tenant":
		return `"common"`, p.OAuth == "microsoft"
	}
	return "", false
}
