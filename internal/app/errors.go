package app

import "fmt"

// UsageError is a request that was asked wrongly (a stage that does not
// exist, a decision that is not one): the CLI exits with 2, the dashboard
// answers 400.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef makes a UsageError.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// ValidationError means rapport checked something, found it wanting, and
// changed and sent nothing: the CLI exits with 3.
type ValidationError struct{ Err error }

func (e *ValidationError) Error() string { return e.Err.Error() }
func (e *ValidationError) Unwrap() error { return e.Err }

// Invalid wraps err as a ValidationError.
func Invalid(err error) error { return &ValidationError{Err: err} }

// Invalidf makes a ValidationError.
func Invalidf(format string, args ...any) error { return Invalid(fmt.Errorf(format, args...)) }
