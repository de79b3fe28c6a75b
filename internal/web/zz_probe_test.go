package web

import (
	"context"
	"testing"
	"time"

	"rapport/internal/store"
)

func TestZZProbe(t *testing.T) {
	p := newPractice(t, nil)
	p.add(10000)
	p.history(5)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		t0 := time.Now()
		p.st.Board(ctx, store.BoardFilter{PerStage: 50})
		t1 := time.Now()
		p.st.Tags(ctx)
		t2 := time.Now()
		p.st.Board(ctx, store.BoardFilter{PerStage: 50, Search: "rivera12"})
		t3 := time.Now()
		p.st.Board(ctx, store.BoardFilter{PerStage: 50, Filter: store.Filter{Tags: []string{"church"}, Kinds: []string{"pastor"}}})
		t4 := time.Now()
		t.Logf("board %v tags %v search %v tagkind %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3))
	}
}
