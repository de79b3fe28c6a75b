package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrBackupExists is returned by Backup when the file is already there and
// overwriting was not asked for.
var ErrBackupExists = errors.New("the file already exists")

// Backup writes a consistent copy of the database to path, safe while the
// daemon runs: SQLite's VACUUM INTO reads one snapshot (WAL lets writers go
// on meanwhile) into a compact new file. The copy is written beside path
// under a temporary name, readable only by the user, checked, synced
// and then renamed over path, so path is never a half-written database. An
// existing path is refused unless overwrite is set.
func (s *Store) Backup(ctx context.Context, path string, overwrite bool) (err error) {
	if _, err := os.Stat(path); err == nil && !overwrite {
		return fmt.Errorf("backup %s: %w", path, ErrBackupExists)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	tmp, err := reserveTemp(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if _, err = s.db.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return wrapErr(err, "backup %s", path)
	}
	if err = checkCopy(ctx, tmp); err != nil {
		return fmt.Errorf("backup %s: the copy does not read back: %w", path, err)
	}
	if err = syncFile(tmp); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	if d, derr := os.Open(filepath.Dir(path)); derr == nil {
		d.Sync() // the rename itself survives a power cut
		d.Close()
	}
	return nil
}

// reserveTemp creates an empty file in dir, readable only by the user,
// for VACUUM INTO, which accepts an empty file: the copy is never readable
// by others, not even for a moment.
func reserveTemp(dir string) (string, error) {
	f, err := os.CreateTemp(dir, ".rapport-backup-*.db")
	if err != nil {
		return "", err
	}
	return f.Name(), f.Close()
}

// checkCopy opens the copy on its own and runs SQLite's quick check.
func checkCopy(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return errors.New(res)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
