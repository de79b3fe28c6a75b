package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"rapport/internal/sheet"
	"rapport/internal/store"
)

// SheetSource keeps one [[sources]] spreadsheet imported: when the file
// changes it is imported again, with the same row report as `rapport
// import`, and contacts that disappeared from it are flagged, never
// deleted. A file that is still being written or is open in Excel is left
// for the next check; a file that cannot be read whole changes nothing.
type SheetSource struct {
	Path    string // absolute
	Options sheet.ImportOptions
	Store   *store.Store
	Log     *slog.Logger
	Now     func() time.Time
	// Settle is how long the file must stay unchanged before it is read
	// (default 5 seconds): a save in progress is not imported half-way.
	Settle time.Duration

	lastStat os.FileInfo
}

// Check imports the file if its content changed since the last import.
func (s *SheetSource) Check(ctx context.Context) error {
	fi, err := os.Stat(s.Path)
	if err != nil {
		return fmt.Errorf("source %s: %w", s.Path, err)
	}
	if lock := excelLock(s.Path); lock != "" {
		s.Log.Info("source_busy", "path", s.Path, "reason", "open in Excel ("+lock+"); will retry")
		return nil
	}
	settled := s.settled(fi)
	s.lastStat = fi
	if !settled {
		return nil
	}
	sum, err := fileHash(s.Path)
	if err != nil {
		return fmt.Errorf("source %s: %w", s.Path, err)
	}
	key := "source." + s.Path + ".sha256"
	if prev, _, _, _ := s.Store.Setting(ctx, key); prev == sum {
		return nil
	}
	if err := s.importNow(ctx); err != nil {
		return err
	}
	return s.Store.SetSetting(ctx, key, sum)
}

// settled reports whether the file has not changed for Settle.
func (s *SheetSource) settled(fi os.FileInfo) bool {
	settle := s.Settle
	if settle == 0 {
		settle = 5 * time.Second
	}
	if s.Now().Sub(fi.ModTime()) >= settle {
		return true
	}
	prev := s.lastStat
	return prev != nil && prev.Size() == fi.Size() && prev.ModTime().Equal(fi.ModTime())
}

func (s *SheetSource) importNow(ctx context.Context) error {
	o := s.Options
	o.Source, o.FlagMissing = s.Path, true
	rep, err := sheet.Import(ctx, s.Store, s.Path, o)
	if err != nil {
		s.Log.Warn("source_import_failed", "path", s.Path, "error", err.Error(), "retry", "at the next check")
		return nil
	}
	s.Log.Info("source_imported", "path", s.Path, "read", rep.Read, "created", rep.Created, "updated", rep.Updated,
		"unchanged", rep.Unchanged, "skipped", rep.Skipped, "missing", len(rep.Missing))
	for _, m := range rep.Missing {
		s.Log.Info("source_contact_missing", "path", s.Path, "contact_id", m.ID, "email", m.Email, "row", m.Row)
	}
	for _, e := range rep.Errors {
		s.Log.Warn("source_row_skipped", "path", s.Path, "row", e.Row, "column", e.Column, "error", e.Message)
	}
	return nil
}

// excelLock finds the owner file Excel and LibreOffice keep next to a
// spreadsheet they have open.
func excelLock(path string) string {
	dir, base := filepath.Split(path)
	for _, name := range []string{"~$" + base, ".~lock." + base + "#"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return name
		}
	}
	return ""
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
