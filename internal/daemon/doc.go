// Package daemon is `rapport run`: it holds the single-instance lock, runs
// the campaign scheduler, the inbox watcher, the spreadsheet sources and
// the dashboard (given as Options.Serve) under one errgroup, reloads on
// SIGHUP (refusing a broken reload and keeping the old setup), and stops
// cleanly: the message in flight is finished, nothing is cut in half.
//
// Nothing imports daemon but the CLI.
package daemon
