package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"rapport/internal/contact"
)

// LetterBatch is a print batch: the letters of one campaign step written
// together to one PDF, with its envelopes or labels.
type LetterBatch struct {
	ID        int64
	Campaign  string
	Step      string
	CreatedAt time.Time
	Files     []string  // the letters' PDF first, then the envelopes' or labels'
	Count     int       // letters in it, once written
	WrittenAt time.Time // zero while it is being written
	MailedAt  time.Time // zero until the user marks it posted
	Owner     string    // the sender-lock token of the process that wrote it
}

// Written reports whether the batch's PDFs are complete.
func (b *LetterBatch) Written() bool { return !b.WrittenAt.IsZero() }

// NewBatch is a print batch about to be claimed.
type NewBatch struct {
	Campaign, Step string
	Owner          string
	// Files names the batch's PDFs once its number is known, the letters'
	// first. An error (a file of that name is already there) refuses the
	// whole claim.
	Files func(id int64) ([]string, error)
}

const batchColumns = `id, campaign, step, created_at, files, count, written_at, mailed_at, owner`

func scanBatch(row scanner) (*LetterBatch, error) {
	var b LetterBatch
	var created, files, written, mailed string
	if err := row.Scan(&b.ID, &b.Campaign, &b.Step, &created, &files, &b.Count, &written, &mailed, &b.Owner); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(files), &b.Files); err != nil {
		return nil, fmt.Errorf("print batch %d: its files: %w", b.ID, err)
	}
	b.CreatedAt, b.WrittenAt, b.MailedAt = parseTime(created), parseTime(written), parseTime(mailed)
	return &b, nil
}

// ClaimLetters claims letters for a new print batch in one transaction:
// each letter's journal row is rechecked and committed as "sending" (as
// Claim does), and the batch is created for those claimed, with the names
// of its files and the claiming owner, before any PDF is written. After a
// crash the batch tells what to do: its letters' PDF either exists,
// complete (LettersPrinted), or not at all (AbandonBatch). The batch is
// nil when every claim was refused; then nothing is kept.
func (s *Store) ClaimLetters(ctx context.Context, nb NewBatch, claims []ClaimRequest) (*LetterBatch, []Claimed, error) {
	out := make([]Claimed, len(claims))
	var b *LetterBatch
	err := s.tx(ctx, func(tx *txn) error {
		var ids []int64
		for i, c := range claims {
			c.Pending.Channel, c.Pending.Owner = "letter", nb.Owner
			sd, refused, err := s.claimChecked(ctx, tx, c.Key, c.Pending, c.Check)
			if err != nil {
				return err
			}
			out[i] = Claimed{Send: sd, Refused: refused}
			if sd != nil {
				ids = append(ids, sd.ID)
			}
		}
		if len(ids) == 0 {
			return nil
		}
		var err error
		b, err = s.insertBatch(ctx, tx, nb)
		if err != nil {
			return err
		}
		for i, c := range out {
			if c.Send != nil {
				if _, err := tx.ExecContext(ctx, `UPDATE sends SET batch_id=? WHERE id=?`, b.ID, c.Send.ID); err != nil {
					return err
				}
				out[i].Send.Batch = b.ID
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, wrapErr(err, "claim letters of %s/%s", nb.Campaign, nb.Step)
	}
	return b, out, nil
}

func (s *Store) insertBatch(ctx context.Context, tx *txn, nb NewBatch) (*LetterBatch, error) {
	now := s.Now()
	b := &LetterBatch{Campaign: nb.Campaign, Step: nb.Step, CreatedAt: now, Owner: nb.Owner}
	err := tx.QueryRowContext(ctx, `INSERT INTO letter_batches (campaign, step, created_at, owner) VALUES (?,?,?,?) RETURNING id`,
		nb.Campaign, nb.Step, fmtTime(now), nb.Owner).Scan(&b.ID)
	if err != nil {
		return nil, err
	}
	if b.Files, err = nb.Files(b.ID); err != nil {
		return nil, err
	}
	files, _ := json.Marshal(b.Files)
	_, err = tx.ExecContext(ctx, `UPDATE letter_batches SET files=? WHERE id=?`, string(files), b.ID)
	return b, err
}

// LettersPrinted records a batch as written, in one transaction: each
// outcome (printed, or released for a letter that could not be laid out
// after all) and the batch complete at at, with its count of letters.
func (s *Store) LettersPrinted(ctx context.Context, id int64, done []Outcome, at time.Time) error {
	n := 0
	for _, o := range done {
		if o.State == contact.SendPrinted {
			n++
		}
	}
	err := s.tx(ctx, func(tx *txn) error {
		for _, o := range done {
			if err := s.record(ctx, tx, o); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE letter_batches SET count=?, written_at=? WHERE id=?`, n, fmtTime(at), id)
		return err
	})
	return wrapErr(err, "record print batch %d", id)
}

// AbandonBatch releases a batch whose letters' PDF was never written (a
// crash, a full disk): each of its letters goes back to "planned", to go
// in a later batch, and the batch is forgotten.
func (s *Store) AbandonBatch(ctx context.Context, id int64, why string) error {
	err := s.tx(ctx, func(tx *txn) error {
		rows, err := s.batchSends(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, sd := range rows {
			if sd.State != contact.SendSending {
				continue
			}
			if err := s.record(ctx, tx, Outcome{SendID: sd.ID, Send: sd, State: contact.SendPlanned, Why: why}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sends SET batch_id=NULL WHERE batch_id=?`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM letter_batches WHERE id=?`, id)
		return err
	})
	return wrapErr(err, "abandon print batch %d", id)
}

const batchSendsQuery = "SELECT " + sendColumns + " FROM sends WHERE batch_id = ? ORDER BY id"

// BatchLetters returns the journal rows of a batch's letters.
func (s *Store) BatchLetters(ctx context.Context, id int64) ([]*contact.Send, error) {
	return queryAll(ctx, s.db, scanSend, batchSendsQuery, id)
}

func (s *Store) batchSends(ctx context.Context, tx *txn, id int64) ([]*contact.Send, error) {
	return queryAll(ctx, tx, scanSend, batchSendsQuery, id)
}

// LetterBatch returns one print batch.
func (s *Store) LetterBatch(ctx context.Context, id int64) (*LetterBatch, error) {
	b, err := scanBatch(s.db.QueryRowContext(ctx, "SELECT "+batchColumns+" FROM letter_batches WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("print batch %d: %w", id, ErrNotFound)
	}
	return b, err
}

// LetterBatches lists every print batch, oldest first, including those
// being written.
func (s *Store) LetterBatches(ctx context.Context) ([]*LetterBatch, error) {
	return queryAll(ctx, s.db, scanBatch, "SELECT "+batchColumns+" FROM letter_batches ORDER BY id")
}

// ErrNotWritten is returned when marking mailed a batch still being
// written.
var ErrNotWritten = errors.New("its PDF is still being written")

// MarkMailed records that the user posted a batch on at: the next step of
// its campaign counts from then, and each of its contacts' history says
// so. Marking it again with another date corrects the date.
func (s *Store) MarkMailed(ctx context.Context, id int64, at time.Time) (*LetterBatch, error) {
	var b *LetterBatch
	err := s.tx(ctx, func(tx *txn) error {
		var err error
		b, err = scanBatch(tx.QueryRowContext(ctx, "SELECT "+batchColumns+" FROM letter_batches WHERE id = ?", id))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("print batch %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if !b.Written() {
			return fmt.Errorf("print batch %d: %w", id, ErrNotWritten)
		}
		if b.MailedAt.Equal(at) {
			return nil
		}
		detail := fmt.Sprintf("letter %s/%s mailed (print batch %d)", b.Campaign, b.Step, b.ID)
		if !b.MailedAt.IsZero() {
			detail = fmt.Sprintf("letter %s/%s mailed (print batch %d; the date corrected)", b.Campaign, b.Step, b.ID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE letter_batches SET mailed_at=? WHERE id=?`, fmtTime(at), id); err != nil {
			return err
		}
		b.MailedAt = at
		rows, err := s.batchSends(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, sd := range rows {
			if sd.State != contact.SendPrinted {
				continue
			}
			if err := s.insertEvent(ctx, tx, contact.Event{ContactID: sd.ContactID, Type: contact.EventMailed, Auto: true,
				At: at, Detail: detail}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrapErr(err, "mark print batch %d mailed", id)
	}
	return b, nil
}
