// Package rapport holds the samples that `rapport init` writes and `rapport
// demo` runs on: the example config, campaigns and templates, embedded so
// the binary carries them. Users' own files are read from their folder at
// run time.
package rapport

import "embed"

// Samples is config.example.toml, campaigns/*.toml and templates/**.
//
//go:embed config.example.toml campaigns/*.toml templates
var Samples embed.FS

// Demo is what `rapport demo` imports: a small spreadsheet of referral
// sources, with two rows a user would have to fix.
//
//go:embed demo/contacts.csv
var Demo embed.FS
