package store

import (
	"context"
	"time"
)

// Changes reports, within about every, that another connection committed
// to the database: another rapport process (`campaigns pause`, `outbox
// resolve`, an import) or another part of this one. Each value means "one
// or more commits since the last value"; nothing is sent while nothing
// changes. It reads SQLite's data_version on a connection of its own, a
// cheap read that never takes a lock. The channel is closed when ctx ends.
func (s *Store) Changes(ctx context.Context, every time.Duration) <-chan struct{} {
	out := make(chan struct{}, 1)
	go func() {
		defer close(out)
		conn, err := s.db.Conn(ctx)
		if err != nil {
			return
		}
		defer conn.Close()
		var last int64 = -1
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			var v int64
			if err := conn.QueryRowContext(ctx, "PRAGMA data_version").Scan(&v); err == nil {
				if last >= 0 && v != last {
					select {
					case out <- struct{}{}:
					default:
					}
				}
				last = v
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return out
}
