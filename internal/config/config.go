package config

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"rapport/internal/contact"
	"rapport/internal/tomlfile"
)

// Config is rapport.toml.
type Config struct {
	Identity  Identity  `toml:"identity"`
	SMTP      SMTP      `toml:"smtp"`
	IMAP      IMAP      `toml:"imap"`
	Store     StoreConf `toml:"store"`
	Sending   Sending   `toml:"sending"`
	Dashboard Dashboard `toml:"dashboard"`
	Stages    Stages    `toml:"stages"`
	Contacts  Contacts  `toml:"contacts"`
	Paths     Paths     `toml:"paths"`
	Sources   []Source  `toml:"sources"`
	Inbox     InboxConf `toml:"inbox"`
	Letters   Letters   `toml:"letters"`
	OAuth     OAuth     `toml:"oauth"`
	Events    Events    `toml:"events"`
	// KeepInTouch is [keep_in_touch]; its Rules are filled by Load.
	KeepInTouch KeepInTouch `toml:"keep_in_touch"`

	// Path is the config file; Dir its directory, against which relative
	// paths are resolved.
	Path string `toml:"-"`
	Dir  string `toml:"-"`
	// Pipeline and Location are derived from [stages] and [sending].
	Pipeline contact.Pipeline `toml:"-"`
	Location *time.Location   `toml:"-"`
	file     *tomlfile.File
}

// Identity is who the notes are from.
type Identity struct {
	Name          string `toml:"name"`
	Email         string `toml:"email"`
	ReplyTo       string `toml:"reply_to"`
	Practice      string `toml:"practice"`
	Phone         string `toml:"phone"`
	PostalAddress string `toml:"postal_address"`
	BookingURL    string `toml:"booking_url"`
	Signature     string `toml:"signature"`
}

// Server is what SMTP and IMAP have in common.
type Server struct {
	Host        string   `toml:"host"`
	Port        int      `toml:"port"`
	Security    string   `toml:"security"` // tls | starttls | none (loopback only)
	Username    string   `toml:"username"`
	Auth        string   `toml:"auth"` // "" (plain/login), plain, login, xoauth2, oauth2
	PasswordEnv string   `toml:"password_env"`
	PasswordCmd string   `toml:"password_cmd"`
	Password    string   `toml:"password"`
	CAFile      string   `toml:"ca_file"`
	Timeout     Duration `toml:"timeout"`
}

// SMTP is the outgoing server.
type SMTP struct {
	Server
	// SentCopy: "auto" appends a copy of each note to the IMAP Sent folder
	// unless the provider does it already (Gmail, Microsoft 365); "always";
	// "never".
	SentCopy string `toml:"sent_copy"`
	DSN      *bool  `toml:"dsn"`
}

// IMAP is the mailbox rapport watches.
type IMAP struct {
	Server
	Mailbox         string   `toml:"mailbox"`          // default INBOX
	Sent            string   `toml:"sent"`             // default: the \Sent special-use folder
	Junk            string   `toml:"junk"`             // default: the \Junk special-use folder
	WatchJunk       *bool    `toml:"watch_junk"`       // default true
	ProcessedFolder string   `toml:"processed_folder"` // default "": leave mail where it is
	Poll            Duration `toml:"poll"`             // safety poll under IDLE, default 5m
}

// OAuth is the sign-in with Google or Microsoft that auth = "oauth2" uses
// (`rapport login`).
type OAuth struct {
	Provider     string `toml:"provider"`      // google | microsoft
	ClientID     string `toml:"client_id"`     // of the app the user registered
	ClientSecret string `toml:"client_secret"` // Google's desktop apps have one, not secret; Microsoft: none
	Tenant       string `toml:"tenant"`        // Microsoft: the organization's tenant ID or domain; default "common"
	TokenCmd     string `toml:"token_cmd"`     // keeps the sign-in through a command instead of a file
}

// Auth values of [smtp] and [imap].
const (
	// AuthOAuth2 signs in with [oauth] and `rapport login`; rapport keeps
	// and renews the token (XOAUTH2 on the wire).
	AuthOAuth2 = "oauth2"
	// AuthXOAuth2 is XOAUTH2 with a token the user supplies as the
	// password (password_cmd printing a fresh one).
	AuthXOAuth2 = "xoauth2"
)

// UsesOAuth reports whether [smtp] or [imap] signs in with [oauth].
func (c *Config) UsesOAuth() bool {
	return c.SMTP.Auth == AuthOAuth2 || c.IMAP.Auth == AuthOAuth2
}

// StoreConf is where the database lives.
type StoreConf struct {
	Path string `toml:"path"`
}

// Sending is how fast and when notes go out.
type Sending struct {
	Timezone        string   `toml:"timezone"`
	Window          string   `toml:"window"`
	PerHour         int      `toml:"per_hour"`
	PerDay          int      `toml:"per_day"`
	MinGap          Duration `toml:"min_gap"`
	Jitter          Duration `toml:"jitter"`
	Holidays        []string `toml:"holidays"`
	AutoReplyPause  Duration `toml:"auto_reply_pause"`
	ListUnsubscribe bool     `toml:"list_unsubscribe"`
}

// Dashboard is the local web page.
type Dashboard struct {
	Listen   string `toml:"listen"`
	TokenEnv string `toml:"token_env"`
	// AllowNetwork lets the dashboard listen beyond this computer; it then
	// needs TLSCert and TLSKey, so nobody on the network reads it in
	// passing. Hosts are the names other computers reach it by.
	AllowNetwork bool     `toml:"allow_network"`
	TLSCert      string   `toml:"tls_cert"`
	TLSKey       string   `toml:"tls_key"`
	Hosts        []string `toml:"hosts"`
}

// Stages configures the pipeline.
type Stages struct {
	Pipeline []string `toml:"pipeline"`
	Side     []string `toml:"side"`
}

// Contacts configures contact kinds.
type Contacts struct {
	Kinds []string `toml:"kinds"`
	// KindAliases maps the words of a spreadsheet's kind column to kinds:
	// "Family doc" = "physician". They come before rapport's own aliases.
	KindAliases map[string]string `toml:"kind_aliases"`
}

// Kinds is the matcher for kind words built from [contacts]: the kinds and
// the user's aliases.
func (c *Config) Kinds() *contact.Kinds {
	k, _ := contact.NewKinds(c.Contacts.Kinds, c.Contacts.KindAliases) // validated by Load
	return k
}

// Paths locates the user's templates and campaigns.
type Paths struct {
	Templates string `toml:"templates"`
	Campaigns string `toml:"campaigns"`
	Letters   string `toml:"letters"` // where print batches are written
}

// InboxConf tunes classification effects.
type InboxConf struct {
	MatchDomain *bool `toml:"match_domain"` // a reply from a colleague at the same domain counts; default true
}

// Events tunes what answers to invitations do.
type Events struct {
	// AcceptedStage is where a contact who accepts an invitation moves:
	// "meeting" unless set; "" or "off" for nowhere.
	AcceptedStage string `toml:"accepted_stage"`
	// Accepted is AcceptedStage checked against the pipeline; "" for off.
	Accepted contact.Stage `toml:"-"`
}

// Source is a spreadsheet the daemon re-imports when it changes.
type Source struct {
	Path  string            `toml:"path"`
	Sheet string            `toml:"sheet"`
	Map   map[string]string `toml:"map"`
	Tags  []string          `toml:"tags"`
	Kind  string            `toml:"kind"`
}

// DefaultPath is where rapport looks for its config.
func DefaultPath() string {
	if p := os.Getenv("RAPPORT_CONFIG"); p != "" {
		return p
	}
	return "rapport.toml"
}

// Load reads, checks and completes the config at path. Every problem found
// is returned together, each naming its line.
func Load(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	var c Config
	f, err := tomlfile.Read(abs, &c)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%s does not exist: run `rapport init` to write one, or pass --config", path)
		}
		return nil, err
	}
	c.Path, c.Dir, c.file = abs, filepath.Dir(abs), f
	c.applyDefaults()
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Resolve makes a path from the config absolute, relative to its directory.
func (c *Config) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// Line returns the line of a dotted key in the config file, or 0.
func (c *Config) Line(key string) int {
	if c.file == nil {
		return 0
	}
	return c.file.Line(key)
}
