// Package cli is rapport's command line: one file per command, each with its
// own flag set, help and example. It reads the config, copies values into
// each package's Options, wires the packages together and maps errors to the
// exit codes of the contract in one place (errors.go). It holds no business
// logic of its own.
package cli
