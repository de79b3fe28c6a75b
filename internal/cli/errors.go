package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	core "rapport/internal/app"
	"rapport/internal/config"
	"rapport/internal/tomlfile"
)

// Exit codes of the contract.
const (
	exitOK         = 0
	exitFailure    = 1 // one line "rapport: <what>: <why>" on stderr
	exitUsage      = 2
	exitValidation = 3 // validation failed; nothing was changed or sent
)

// usageError is a mistake in how a command was called.
type usageError = core.UsageError

func usagef(format string, args ...any) error { return core.Usagef(format, args...) }

// validationError means rapport checked something, found it wanting, and
// changed and sent nothing.
type validationError = core.ValidationError

func invalid(err error) error { return core.Invalid(err) }

func invalidf(format string, args ...any) error { return core.Invalidf(format, args...) }

// exitCode writes err for a human and returns the exit code for it.
func exitCode(err error, cmd string, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	var ue *usageError
	var ve *validationError
	var ce *config.Error
	var tp *tomlfile.Problem
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "rapport %s: %s\nRun `rapport %s --help` for usage.\n", cmd, ue.Msg, cmd)
		return exitUsage
	case errors.As(err, &ce), errors.As(err, &tp):
		fmt.Fprintf(stderr, "rapport: %s: the config has problems:\n%s\n", cmd, indent(err.Error()))
		return exitValidation
	case errors.As(err, &ve):
		fmt.Fprintf(stderr, "rapport: %s: %s\n", cmd, ve.Err)
		return exitValidation
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "rapport: %s: interrupted\n", cmd)
		return exitFailure
	}
	fmt.Fprintf(stderr, "rapport: %s: %s\n", cmd, oneLine(err.Error()))
	return exitFailure
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// oneLine keeps failure messages to the one line the contract promises.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}
