package inbox

import (
	"encoding/json"
	"fmt"
	"time"
)

// Phase is what the watcher is doing.
type Phase string

// The watcher's phases, in the order a healthy watcher goes through them.
const (
	PhaseConnecting   Phase = "connecting"   // dialing and logging in for the first time
	PhaseCatchingUp   Phase = "catching-up"  // connected, reading what arrived since the last pass
	PhaseIdle         Phase = "idle"         // connected, waiting in IMAP IDLE for new mail
	PhaseReconnecting Phase = "reconnecting" // unreachable or dropped: trying again with backoff
	PhaseStopped      Phase = "stopped"      // Run returned
)

// State is what the watcher is doing, for `rapport status`: the daemon's
// wiring keeps its Encode form in the store.
type State struct {
	Phase Phase `json:"phase"`
	// Since is when the phase began; for PhaseReconnecting, when the
	// trouble began, however many attempts failed since.
	Since time.Time `json:"since"`
	// Connected is when the current connection was made (catching up and
	// idle only).
	Connected time.Time `json:"connected,omitzero"`
	// LastError and NextTry: PhaseReconnecting only.
	LastError string    `json:"last_error,omitempty"`
	NextTry   time.Time `json:"next_try,omitzero"`
}

// Encode is the form kept in the store.
func (s State) Encode() string {
	b, _ := json.Marshal(s) // cannot fail: strings and times only
	return string(b)
}

// ParseState reads what Encode wrote. Anything else (an older rapport's
// free text, the daemon's "stopped: ..." note) is an error.
func ParseState(v string) (State, error) {
	var s State
	if err := json.Unmarshal([]byte(v), &s); err != nil || s.Phase == "" {
		return State{}, fmt.Errorf("not a watcher state: %q", v)
	}
	return s, nil
}

func (w *Watcher) state(s State) {
	if w.o.OnState != nil {
		w.o.OnState(s)
	}
}
