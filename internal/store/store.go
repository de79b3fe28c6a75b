package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"rapport/internal/contact" // the pure-Go SQLite driver, registered as "sqlite"
)

// ErrNotFound is returned when a contact, send or other row does not exist.
var ErrNotFound = errors.New("not found")

//go:embed migrations/*.sql
var migrations embed.FS

// Store is rapport's database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	// clock is Options.Now: every timestamp the store writes comes from it.
	clock func() time.Time
	// Pipeline decides which automatic stage moves are allowed.
	Pipeline contact.Pipeline
	stmts    stmts
	// suppression is the key of the suppression list's hashes, read once.
	suppression suppressionKey
}

// Options tune Open. A nil *Options means the defaults.
type Options struct {
	Now      func() time.Time  // defaults to time.Now
	Pipeline *contact.Pipeline // defaults to contact.DefaultPipeline()
	// BusyTimeout is how long a write waits for another process's write
	// before it fails with ErrBusy; zero means 10 seconds.
	BusyTimeout time.Duration
}

// Open opens (creating if needed) the database at path and applies any
// migrations it has not seen yet.
func Open(ctx context.Context, path string, opts *Options) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	busy := 10 * time.Second
	if opts != nil && opts.BusyTimeout > 0 {
		busy = opts.BusyTimeout
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(" + strconv.FormatInt(busy.Milliseconds(), 10) + ")&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// Reads run side by side (a plan, a report): keep their connections,
	// with their page caches and parsed schema, instead of database/sql's
	// default of two idle ones and a fresh connection for every third.
	db.SetMaxIdleConns(8)
	s := &Store{db: db, path: path, clock: time.Now, Pipeline: contact.DefaultPipeline()}
	if opts != nil && opts.Now != nil {
		s.clock = opts.Now
	}
	if opts != nil && opts.Pipeline != nil {
		s.Pipeline = *opts.Pipeline
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	s.closeStmts()
	return s.db.Close()
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// migrate applies, in order and each in its own transaction, the embedded
// migrations numbered above the database's user_version.
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	var have int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(names) {
		return fmt.Errorf("the database is from a newer rapport (schema %d, this one knows %d): upgrade rapport", have, len(names))
	}
	for i, name := range names[have:] {
		if err := s.apply(ctx, name, have+i+1); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, name string, version int) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *txn) error {
		// Migrations hold several statements and run once: not prepared.
		if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
		_, err := tx.tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version))
		return err
	})
}

// tx runs fn in one immediate transaction, committing when it returns nil.
func (s *Store) tx(ctx context.Context, fn func(*txn) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return asBusy(err)
	}
	if err := fn(&txn{s: s, tx: tx}); err != nil {
		tx.Rollback()
		return asBusy(err)
	}
	return wrapErr(tx.Commit(), "commit")
}

// timeLayout is fixed-width so that timestamps sort as text.
const timeLayout = "2006-01-02T15:04:05.000Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// Now is the store's clock (Options.Now).
func (s *Store) Now() time.Time { return s.clock() }

func (s *Store) now() string { return fmtTime(s.clock()) }

// placeholders returns "?,?,?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// queryAll runs a query, on the database or in a transaction, and scans
// every row with scan.
func queryAll[T any](ctx context.Context, db querier, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
