// Package config loads rapport.toml: strictly (an unknown key is an error
// naming its line), with every path resolved against the file's directory,
// and with secrets resolved only when a command needs them, from the
// environment, a command, or — if the file is private — the file itself.
//
// It also knows the mail providers' presets (hosts, ports, security, and
// whether they sign in with OAuth) that `rapport init --email` writes into
// the sample config.
//
// Only the CLI reads the config; it copies values into each package's
// Options. It imports tomlfile, contact, schedule, and imapconn (for its one
// definition of a loopback host) only.
package config
