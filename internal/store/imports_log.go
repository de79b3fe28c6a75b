package store

import (
	"context"
	"encoding/json"
	"time"
)

// ImportLog is one logged import.
type ImportLog struct {
	ID     int64
	At     time.Time
	File   string
	Sheet  string
	Source string
	ImportCounts
	Errors []RowError
}

// Imports returns the most recent imports, newest first; source filters by
// the [[sources]] path when not empty.
func (s *Store) Imports(ctx context.Context, source string, limit int) ([]ImportLog, error) {
	q := `SELECT id, at, file, sheet, source, read, created, updated, unchanged, skipped, errors FROM imports`
	var args []any
	if source != "" {
		q += " WHERE source = ?"
		args = append(args, source)
	}
	q += " ORDER BY id DESC LIMIT ?"
	rows, err := s.db.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ImportLog
	for rows.Next() {
		var l ImportLog
		var at, errs string
		if err := rows.Scan(&l.ID, &at, &l.File, &l.Sheet, &l.Source, &l.Read, &l.Created, &l.Updated,
			&l.Unchanged, &l.Skipped, &errs); err != nil {
			return nil, err
		}
		l.At = parseTime(at)
		_ = json.Unmarshal([]byte(errs), &l.Errors)
		out = append(out, l)
	}
	return out, rows.Err()
}

// LastImport returns the latest import of a source, or ErrNotFound.
func (s *Store) LastImport(ctx context.Context, source string) (ImportLog, error) {
	logs, err := s.Imports(ctx, source, 1)
	if err != nil {
		return ImportLog{}, err
	}
	if len(logs) == 0 {
		return ImportLog{}, ErrNotFound
	}
	return logs[0], nil
}
