package config

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"rapport/internal/contact"
	"rapport/internal/imapconn"
	"rapport/internal/schedule"
)

func (c *Config) applyDefaults() {
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&c.Store.Path, "rapport.db")
	def(&c.Sending.Window, "Mon-Fri 09:00-17:00")
	def(&c.Dashboard.Listen, "127.0.0.1:8750")
	def(&c.Paths.Templates, "templates")
	def(&c.Paths.Campaigns, "campaigns")
	def(&c.Paths.Letters, "letters")
	def(&c.SMTP.SentCopy, "auto")
	def(&c.IMAP.Mailbox, "INBOX")
	// A value the user wrote is kept exactly, zero included ("per_hour =
	// 0" means no hourly cap, "min_gap = \"0s\"" no gap); only a key left
	// out takes the default.
	defInt := func(key string, p *int, v int) {
		if !c.file.Defined(key) {
			*p = v
		}
	}
	defDur := func(key string, p *Duration, v time.Duration) {
		if !c.file.Defined(key) {
			p.Duration = v
		}
	}
	defInt("sending.per_hour", &c.Sending.PerHour, 20)
	defInt("sending.per_day", &c.Sending.PerDay, 100)
	defDur("sending.min_gap", &c.Sending.MinGap, 45*time.Second)
	defDur("sending.jitter", &c.Sending.Jitter, 30*time.Second)
	defDur("sending.auto_reply_pause", &c.Sending.AutoReplyPause, 7*24*time.Hour)
	defDur("imap.poll", &c.IMAP.Poll, 5*time.Minute)
	if len(c.Contacts.Kinds) == 0 {
		c.Contacts.Kinds = slices.Clone(contact.DefaultKinds)
	}
	def(&c.IMAP.Username, c.SMTP.Username)
	def(&c.SMTP.Username, c.Identity.Email)
	def(&c.IMAP.Username, c.Identity.Email)
}

// problems collects validation problems, each located in the file.
type problems struct {
	c    *Config
	list []error
}

func (p *problems) add(key, format string, args ...any) {
	p.list = append(p.list, p.c.file.Problemf(key, format, args...))
}

// Error is every problem found in a config file.
type Error struct{ Problems []error }

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap gives errors.Is/As access to each problem.
func (e *Error) Unwrap() []error { return e.Problems }

func (c *Config) validate() error {
	p := &problems{c: c}
	c.validateIdentity(p)
	c.validateServer(p, "smtp", c.SMTP.Server)
	c.validateServer(p, "imap", c.IMAP.Server)
	c.validateOAuth(p)
	c.validateSending(p)
	c.validateStages(p)
	c.validateMisc(p)
	c.validateLetters(p)
	c.validateEvents(p)
	c.validateKeepInTouch(p)
	if err := c.checkFileMode(); err != nil {
		p.list = append(p.list, err)
	}
	if len(p.list) > 0 {
		return &Error{Problems: p.list}
	}
	return nil
}

func (c *Config) validateIdentity(p *problems) {
	id := &c.Identity
	if strings.TrimSpace(id.Name) == "" {
		p.add("identity.name", "your name is needed: it is the sender of every note")
	}
	if id.Email == "" {
		p.add("identity.email", "your email address is needed")
	} else if e, err := contact.NormalizeEmail(id.Email); err != nil {
		p.add("identity.email", "%v", err)
	} else {
		id.Email = e
	}
	if id.ReplyTo != "" {
		if _, err := contact.NormalizeEmail(id.ReplyTo); err != nil {
			p.add("identity.reply_to", "%v", err)
		}
	}
	for key, v := range map[string]string{"identity.name": id.Name, "identity.practice": id.Practice, "identity.phone": id.Phone} {
		if err := contact.CheckText(v); err != nil {
			p.add(key, "%v", err)
		}
	}
	if id.BookingURL != "" {
		if u, err := url.Parse(id.BookingURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.add("identity.booking_url", "%q is not a web address starting with https://", id.BookingURL)
		}
	}
}

func (c *Config) validateServer(p *problems, section string, s Server) {
	if s.Host == "" {
		return // checked by the commands that need the server
	}
	switch s.Security {
	case "", "tls", "starttls":
	case "none":
		if !imapconn.IsLoopback(s.Host) {
			p.add(section+".security", `"none" sends your password and notes unencrypted; it is only allowed to this machine (localhost). Use "tls" or "starttls"`)
		}
	default:
		p.add(section+".security", "%q is not one of tls, starttls, none", s.Security)
	}
	switch s.Auth {
	case "", "plain", "login", AuthXOAuth2, AuthOAuth2:
	default:
		p.add(section+".auth", "%q is not one of plain, login, oauth2, xoauth2", s.Auth)
	}
	if s.Port < 0 || s.Port > 65535 {
		p.add(section+".port", "%d is not a port number", s.Port)
	}
	n := 0
	for _, v := range []string{s.PasswordEnv, s.PasswordCmd, s.Password} {
		if v != "" {
			n++
		}
	}
	if n > 1 {
		p.add(section, "set only one of password_env, password_cmd and password")
	}
	if n > 0 && s.Auth == AuthOAuth2 {
		p.add(section+".auth", `with auth = "oauth2" rapport signs in with `+"`rapport login`"+` and needs no password: remove password_env, password_cmd or password from [%s]`, section)
	}
	if s.CAFile != "" {
		if _, err := os.Stat(c.Resolve(s.CAFile)); err != nil {
			p.add(section+".ca_file", "cannot read %s: %v", s.CAFile, errors.Unwrap(err))
		}
	}
}

func (c *Config) validateSending(p *problems) {
	s := &c.Sending
	c.Location = time.Local
	if s.Timezone != "" {
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil {
			p.add("sending.timezone", "%q is not a time zone (examples: America/Chicago, Europe/Berlin)", s.Timezone)
		} else {
			c.Location = loc
		}
	}
	if _, err := schedule.ParseWindow(s.Window); err != nil {
		p.add("sending.window", "%v", err)
	}
	if _, err := schedule.ParseHolidays(s.Holidays); err != nil {
		p.add("sending.holidays", "%v", err)
	}
	if s.PerHour < 0 || s.PerDay < 0 {
		p.add("sending", "per_hour and per_day must be positive")
	}
	if c.IMAP.Poll.Duration < 30*time.Second {
		p.add("imap.poll", "%s is too often: the poll is a safety net under IDLE; use 30s or more (default 5m)", c.IMAP.Poll.Duration)
	}
	if s.PerDay > 0 && s.PerHour > s.PerDay {
		p.add("sending.per_hour", "per_hour (%d) is more than per_day (%d)", s.PerHour, s.PerDay)
	}
}

func (c *Config) validateStages(p *problems) {
	c.Pipeline = contact.DefaultPipeline()
	if len(c.Stages.Pipeline) == 0 && len(c.Stages.Side) == 0 {
		return
	}
	main, side := c.Stages.Pipeline, c.Stages.Side
	def := contact.DefaultPipeline()
	if len(main) == 0 {
		main = stageNames(def.Main)
	}
	if len(side) == 0 {
		side = stageNames(def.Side)
	}
	pl, err := contact.NewPipeline(main, side)
	if err != nil {
		p.add("stages", "%v", err)
		return
	}
	c.Pipeline = pl
}

func stageNames(st []contact.Stage) []string {
	var out []string
	for _, s := range st {
		out = append(out, string(s))
	}
	return out
}

func (c *Config) validateMisc(p *problems) {
	for i, k := range c.Contacts.Kinds {
		c.Contacts.Kinds[i] = contact.NormalizeTag(k)
	}
	c.validateKindAliases(p)
	switch c.SMTP.SentCopy {
	case "auto", "always", "never":
	default:
		p.add("smtp.sent_copy", "%q is not one of auto, always, never", c.SMTP.SentCopy)
	}
	c.validateDashboard(p)
	for i, s := range c.Sources {
		key := fmt.Sprintf("sources.%d", i)
		if s.Path == "" {
			p.add(key, "a [[sources]] entry needs a path")
		}
		if s.Kind != "" {
			if _, ok := c.Kinds().Match(s.Kind); !ok {
				p.add(key+".kind", "unknown kind %q (kinds: %s)", s.Kind, strings.Join(c.Contacts.Kinds, ", "))
			}
		}
	}
}

// validateKindAliases checks each alias on its own line: its kind must be
// one of the kinds.
func (c *Config) validateKindAliases(p *problems) {
	for _, word := range slices.Sorted(maps.Keys(c.Contacts.KindAliases)) {
		kind := c.Contacts.KindAliases[word]
		if _, err := contact.NewKinds(c.Contacts.Kinds, map[string]string{word: kind}); err != nil {
			p.add("contacts.kind_aliases."+word, "%q is not one of the kinds (%s); write one of them, or add it to kinds",
				kind, strings.Join(c.Contacts.Kinds, ", "))
		}
	}
}

// checkFileMode refuses a config that holds a password and that other
// users of the machine can read.
func (c *Config) checkFileMode() error {
	if c.SMTP.Password == "" && c.IMAP.Password == "" {
		return nil
	}
	fi, err := os.Stat(c.Path)
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("%s holds a password and can be read by other users of this computer (mode %04o): run `chmod 600 %s`, or better, move the password to password_env or password_cmd",
			c.Path, fi.Mode().Perm(), c.Path)
	}
	return nil
}

// validateEvents checks [events]. Left out, accepted_stage is "meeting"
// when the pipeline has that stage (and off when a custom one does not).
func (c *Config) validateEvents(p *problems) {
	v := strings.TrimSpace(c.Events.AcceptedStage)
	if !c.file.Defined("events.accepted_stage") {
		if c.Pipeline.Valid(contact.StageMeeting) {
			c.Events.Accepted = contact.StageMeeting
		}
		return
	}
	if v == "" || strings.EqualFold(v, "off") {
		return
	}
	st, err := c.Pipeline.Parse(v)
	switch {
	case err != nil:
		p.add("events.accepted_stage", "%v (or \"off\": an accept moves nobody)", err)
	case c.Pipeline.Suppressed(st) || !slices.Contains(c.Pipeline.Main, st):
		p.add("events.accepted_stage", "%q is a side stage; give a stage of the pipeline (%s) or \"off\"", v, strings.Join(stageNames(c.Pipeline.Main), ", "))
	default:
		c.Events.Accepted = st
	}
}
