package daemon

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Lock is the sender lock of one store: a file next to the database,
// locked with flock(2) by the one process that sends for that store — the
// daemon for its whole life, or one `rapport send` while it runs — and
// holding its pid, start time, role and a token. The kernel releases it
// when the process dies, so a crash never leaves a stale lock. The token
// goes on every journal row the holder claims: a "sending" row whose
// owner holds the lock is in flight, any other is uncertain.
type Lock struct {
	f      *os.File
	holder Holder
}

// Roles a lock holder plays.
const (
	RoleDaemon = "daemon" // `rapport run`
	RoleSend   = "send"   // one `rapport send`
)

// Holder is who holds a lock.
type Holder struct {
	PID   int
	Since time.Time
	Role  string // RoleDaemon or RoleSend
	Token string // written on the journal rows it claims
}

// String names the holder for messages: "rapport run (pid 4242)". The
// caller adds since when, in the user's zone.
func (h Holder) String() string {
	what := "rapport run"
	if h.Role == RoleSend {
		what = "rapport send"
	}
	if h.PID == 0 {
		return what
	}
	return fmt.Sprintf("%s (pid %d)", what, h.PID)
}

// ErrRunning is returned when another daemon holds the lock.
var ErrRunning = errors.New("rapport is already running")

// ErrBusy is returned by TryAcquire when another process holds the lock.
var ErrBusy = errors.New("another rapport process is sending for this store")

// LockPath is the lock file of the database at dbPath.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// Acquire takes the lock for role, or says who has it (ErrBusy, and
// ErrRunning when that is the daemon).
func Acquire(path, role string, now time.Time) (*Lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		h, _ := Running(path)
		if h.Role == "" { // caught between its flock and its write
			time.Sleep(20 * time.Millisecond)
			h, _ = Running(path)
		}
		if h.Role != RoleSend {
			return nil, fmt.Errorf("%w on this store: %s: %w", ErrRunning, h, ErrBusy)
		}
		return nil, fmt.Errorf("%w: %s", ErrBusy, h)
	}
	h := Holder{PID: os.Getpid(), Since: now.UTC().Truncate(time.Second), Role: role, Token: newToken()}
	f.Truncate(0)
	fmt.Fprintf(f, "%d %s %s %s\n", h.PID, h.Since.Format(time.RFC3339), h.Role, h.Token)
	f.Sync()
	return &Lock{f: f, holder: h}, nil
}

// AcquireWait is Acquire for a `rapport send`: while another send holds
// the lock it waits its turn (calling waiting once, with the holder), and
// it gives up at once when the daemon holds it or ctx ends.
func AcquireWait(ctx context.Context, path, role string, now func() time.Time, waiting func(Holder)) (*Lock, error) {
	told := false
	for {
		l, err := Acquire(path, role, now())
		if err == nil || !errors.Is(err, ErrBusy) || errors.Is(err, ErrRunning) {
			return l, err
		}
		if !told && waiting != nil {
			h, _ := Running(path)
			waiting(h)
			told = true
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func newToken() string {
	b := make([]byte, 8)
	rand.Read(b)
	return strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b)
}

// Token is what the holder writes on the journal rows it claims.
func (l *Lock) Token() string { return l.holder.Token }

// Release gives the lock up.
func (l *Lock) Release() error {
	l.f.Truncate(0)
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return l.f.Close()
}

// Running reports who holds the lock at path, if anyone.
func Running(path string) (Holder, bool) {
	f, err := os.Open(path)
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err == nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return Holder{}, false
	}
	return readHolder(path), true
}

// LiveToken is the token of the process sending for the store at path
// now, or "".
func LiveToken(path string) string {
	h, ok := Running(path)
	if !ok {
		return ""
	}
	return h.Token
}

func readHolder(path string) Holder {
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return Holder{}
	}
	var h Holder
	h.PID, _ = strconv.Atoi(f[0])
	h.Since, _ = time.Parse(time.RFC3339, f[1])
	if len(f) >= 4 {
		h.Role, h.Token = f[2], f[3]
	}
	return h
}
