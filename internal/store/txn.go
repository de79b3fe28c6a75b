package store

import (
	"context"
	"database/sql"
	"sync"
)

// txn is a transaction whose statements are prepared once per store and
// bound to the transaction once: the journal runs the same dozen
// statements for every note, and an import the same INSERT for 100,000
// rows; parsing them again each time was a quarter of a send's cost and a
// third of an import's. SQLite closes the bound statements with the
// transaction.
type txn struct {
	s     *Store
	tx    *sql.Tx
	bound map[string]*sql.Stmt
	// suppressed is the suppression list, read once per transaction: it
	// holds the write lock, so the list cannot change under it (an import
	// of 100,000 rows reads it once, not once a row).
	suppressed map[string]bool
}

// stmts caches prepared statements by their text, for the whole store.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func (s *Store) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sql.Stmt{}
	}
	s.stmts.m[query] = st
	return st, nil
}

func (t *txn) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := t.bound[query]; ok {
		return st, nil
	}
	st, err := t.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	if t.bound == nil {
		t.bound = map[string]*sql.Stmt{}
	}
	b := t.tx.StmtContext(ctx, st)
	t.bound[query] = b
	return b, nil
}

func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return t.tx.QueryRowContext(ctx, query, args...) // reports the error when scanned
	}
	return st.QueryRowContext(ctx, args...)
}

func (s *Store) closeStmts() {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	for _, st := range s.stmts.m {
		st.Close()
	}
	s.stmts.m = nil
}

// preparedDB is the database outside a transaction, with each statement
// prepared once per store: for the reads that run once per message or
// per note (a contact by address, a note by Message-ID). Only fixed query
// texts go through it; a query built with a varying number of
// placeholders would fill the cache.
type preparedDB struct{ s *Store }

func (p preparedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.s.prepared(ctx, query)
	if err != nil {
		return p.s.db.QueryRowContext(ctx, query, args...) // reports the error when scanned
	}
	return st.QueryRowContext(ctx, args...)
}

func (p preparedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p preparedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := p.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}
