package daemon

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Lock is the single-instance lock of one store: a file next to the
// database, locked with flock(2) while a daemon runs and holding its pid
// and start time. The kernel releases it when the process dies, so a crash
// never leaves a stale lock.
type Lock struct {
	f    *os.File
	path string
}

// ErrRunning is returned when another daemon holds the lock.
var ErrRunning = errors.New("rapport is already running")

// LockPath is the lock file of the database at dbPath.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// Acquire takes the lock or says who has it.
func Acquire(path string, now time.Time) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		info := Holder(path)
		return nil, fmt.Errorf("%w on this store (%s): stop it first, or use another --config", ErrRunning, info)
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d %s\n", os.Getpid(), now.UTC().Format(time.RFC3339))
	f.Sync()
	return &Lock{f: f, path: path}, nil
}

// Release gives the lock up.
func (l *Lock) Release() error {
	l.f.Truncate(0)
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return l.f.Close()
}

// Running reports whether a daemon holds the lock at path, its pid and
// since when.
func Running(path string) (pid int, since time.Time, running bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, time.Time{}, false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return 0, time.Time{}, false
	}
	pid, since = readHolder(path)
	return pid, since, true
}

// Holder describes who holds the lock, for messages.
func Holder(path string) string {
	pid, since := readHolder(path)
	if pid == 0 {
		return "pid unknown"
	}
	return fmt.Sprintf("pid %d, since %s", pid, since.Local().Format("2006-01-02 15:04"))
}

func readHolder(path string) (int, time.Time) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, time.Time{}
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, time.Time{}
	}
	pid, _ := strconv.Atoi(f[0])
	since, _ := time.Parse(time.RFC3339, f[1])
	return pid, since
}
