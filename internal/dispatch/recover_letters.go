package dispatch

import (
	"context"
	"fmt"
	"os"

	"rapport/internal/batch"
	"rapport/internal/contact"
	"rapport/internal/store"
)

// recoverLetters settles the print batches a crash (or a full disk, or a
// store that was busy at the wrong moment) left half done: claimed, but
// not recorded as written. Their letters' PDF tells what happened, since
// it is put in place last and whole (batch.Run.Write): when it is there,
// the batch was written and its letters are recorded as printed (now:
// the clock of the tests and the file system's need not agree); when it is not, nothing of the batch can have been printed,
// so its stray files are removed and its letters go back to "planned",
// to go in the next batch. Nothing is ever printed twice, and no letter is
// lost. The caller holds the sender lock and is not printing: every
// unfinished batch is then finished with.
func (d *Dispatcher) recoverLetters(ctx context.Context) error {
	all, err := d.o.Store.LetterBatches(ctx)
	if err != nil {
		return err
	}
	for _, b := range all {
		if b.Written() {
			continue
		}
		if err := d.settleBatch(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

func (d *Dispatcher) settleBatch(ctx context.Context, b *store.LetterBatch) error {
	var fi os.FileInfo
	var err error
	if len(b.Files) > 0 {
		fi, err = os.Stat(b.Files[0])
	}
	if len(b.Files) == 0 || err != nil {
		for _, f := range b.Files {
			os.Remove(f)
			for _, t := range batch.Temporaries(f) {
				os.Remove(t)
			}
		}
		d.o.Log.Warn("print_batch_abandoned", "batch", b.ID, "campaign", b.Campaign)
		return d.o.Store.AbandonBatch(ctx, b.ID, fmt.Sprintf("rapport stopped before print batch %d was written; "+
			"the letter goes in the next batch", b.ID))
	}
	rows, err := d.o.Store.BatchLetters(ctx, b.ID)
	if err != nil {
		return err
	}
	var done []store.Outcome
	for _, sd := range rows {
		if sd.State == contact.SendSending {
			done = append(done, store.Outcome{SendID: sd.ID, Send: sd, State: contact.SendPrinted, At: d.o.Now(),
				Response: fmt.Sprintf("%s (print batch %d)", fi.Name(), b.ID)})
		}
	}
	d.o.Log.Info("print_batch_recovered", "batch", b.ID, "campaign", b.Campaign, "letters", len(done), "file", b.Files[0])
	return d.o.Store.LettersPrinted(ctx, b.ID, done, d.o.Now())
}
