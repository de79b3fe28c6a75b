package store

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
)

// ErrBusy is wrapped by every error that comes from another process
// holding the database longer than the busy timeout: a long import, or a
// copy of rapport stuck on a network drive. Waiting and trying again
// helps; nothing was changed.
var ErrBusy = errors.New("the database is busy: another rapport process is writing to it; nothing was changed, try again in a minute")

// SQLite's primary result codes that mean "locked by someone else".
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// busyError keeps SQLite's own words and answers errors.Is(err, ErrBusy).
type busyError struct{ err error }

func (e *busyError) Error() string        { return ErrBusy.Error() + " (" + e.err.Error() + ")" }
func (e *busyError) Unwrap() []error      { return []error{ErrBusy, e.err} }
func (e *busyError) Is(target error) bool { return target == ErrBusy }

// wrapErr says what the store was doing when err happened, and turns
// SQLite's "busy" into ErrBusy. A nil err stays nil.
func wrapErr(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(format+": %w", append(args, asBusy(err))...)
}

// asBusy turns SQLite's "busy" and "locked" into ErrBusy, once.
func asBusy(err error) error {
	var se *sqlite.Error
	var be *busyError
	if errors.As(err, &se) && !errors.As(err, &be) && (se.Code()&0xff == sqliteBusy || se.Code()&0xff == sqliteLocked) {
		return &busyError{err: err}
	}
	return err
}
