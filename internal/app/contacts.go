package app

import (
	"context"
	"fmt"

	"rapport/internal/contact"
	"rapport/internal/store"
)

// ParseStage reads the name of a stage of the pipeline.
func (a *App) ParseStage(name string) (contact.Stage, error) {
	cfg, err := a.config()
	if err != nil {
		return "", err
	}
	to, err := cfg.Pipeline.Parse(name)
	if err != nil {
		return "", Usagef("%v", err)
	}
	return to, nil
}

// Moved is what MoveStage did.
type Moved struct {
	Contact  *contact.Contact
	From, To contact.Stage
	Moved    bool // false when the contact was in To already
}

// MoveStage moves a contact (an email address or an ID) to a stage by
// hand, with note as the reason in its history: `rapport contacts stage`
// and the board both record a move here.
func (a *App) MoveStage(ctx context.Context, ref string, to contact.Stage, note string) (Moved, error) {
	if err := contact.CheckText(note); err != nil {
		return Moved{}, Usagef("the note %v", err)
	}
	st, err := a.store(ctx)
	if err != nil {
		return Moved{}, err
	}
	c, err := st.FindContact(ctx, ref)
	if err != nil {
		return Moved{}, fmt.Errorf("contact %s: %w", ref, err)
	}
	from, moved, err := st.MoveStage(ctx, c.ID, store.Move{To: to, Reason: note})
	if err != nil {
		return Moved{}, err
	}
	return Moved{Contact: c, From: from, To: to, Moved: moved}, nil
}
