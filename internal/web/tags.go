package web

import (
	"context"
	"sync"
	"time"

	"rapport/internal/store"
)

// tagCache keeps the board's list of tags for half a minute: reading
// every contact's tags is the board's dearest query, and a tag filter
// that learns of a new tag half a minute late loses nothing.
type tagCache struct {
	mu   sync.Mutex
	at   time.Time
	list []store.TagCount
}

const tagsFor = 30 * time.Second

func (c *tagCache) get(ctx context.Context, st *store.Store) ([]store.TagCount, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.list != nil && time.Since(c.at) < tagsFor {
		return c.list, nil
	}
	list, err := st.Tags(ctx)
	if err != nil {
		return nil, err
	}
	c.list, c.at = list, time.Now()
	return list, nil
}
