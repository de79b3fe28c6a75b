package sheet

// The import benchmark: a 100,000-row, 10-column XLSX into a fresh store,
// against excelize's bare Rows read of the same file (BenchmarkBareRowsXLSX).
// Target: at most 1.3 times the bare read, peak RSS under 200 MB.
//
//	go test -run '^$' -bench 'BenchmarkImportXLSX|BenchmarkBareRowsXLSX' -benchtime 3x -count 3 ./internal/sheet/
//
// Peak RSS is that of the benchmark process, reported as a metric from
// getrusage (maxrss of the whole process, generation of the file included
// on the first run; run with -benchtime 3x after the file exists).

import (
	"context"
	"path/filepath"
	"syscall"
	"testing"

	"rapport/internal/store"
)

func BenchmarkImportXLSX(b *testing.B) {
	benchImport(b, benchFile(b), benchRows)
}

// benchImport imports path into a fresh store per iteration, checking that
// every one of want rows was created, and reports the peak RSS.
func benchImport(b *testing.B, path string, want int) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		rep, err := Import(ctx, st, path, ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if rep.Created != want {
			b.Fatalf("created %d of %d (skipped %d: %v)", rep.Created, want, rep.Skipped, rep.Errors[:min(3, len(rep.Errors))])
		}
		st.Close()
		b.StartTimer()
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB")
}
