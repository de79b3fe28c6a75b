package inbox

import "testing"

// BenchmarkAnalyzeCorpus measures the classifier on the whole corpus: the
// cost of one message is this divided by the number of files.
func BenchmarkAnalyzeCorpus(b *testing.B) {
	files := corpusFiles(b)
	raws := make([][]byte, len(files))
	for i, f := range files {
		raws[i] = readCorpus(b, f)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range raws {
			if _, err := Analyze(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(raws)), "µs/message")
}

// BenchmarkHostileInputs is the cost of the worst mail a sender can craft
// (see hostileInputs); it was a 5-second limit in a test, which -race broke.
// Reference: well under 1 s per pair without -race.
func BenchmarkHostileInputs(b *testing.B) {
	manyParts, huge := hostileInputs()
	for b.Loop() {
		for _, raw := range [][]byte{manyParts, huge} {
			if _, err := Analyze(raw); err != nil {
				b.Fatal(err)
			}
		}
	}
}
