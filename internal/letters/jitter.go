package letters

import (
	"hash/fnv"
	"math/rand/v2"
)

// jitter is the small, deterministic unevenness of a hand: seeded by the
// contact, so a stack of notes does not look machine-made while the same
// note prints the same twice. A nil *jitter, or one made for Plain, is
// the printer's exactness.
type jitter struct {
	r     *rand.Rand
	drift float64 // the baseline's slow wander, in points
}

func newJitter(seed string, plain bool) *jitter {
	if plain {
		return nil
	}
	h := fnv.New64a()
	h.Write([]byte(seed))
	s := h.Sum64()
	return &jitter{r: rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15))}
}

// between is a uniform value in [lo, hi).
func (j *jitter) between(lo, hi float64) float64 {
	return lo + j.r.Float64()*(hi-lo)
}

// gap scales a space: people leave uneven room between words.
func (j *jitter) gap() float64 {
	if j == nil {
		return 1
	}
	return j.between(0.88, 1.28)
}

// lineStart is how far in a line begins: mostly a hair, sometimes a
// little more, as when a pen comes back to the margin.
func (j *jitter) lineStart(size float64) float64 {
	if j == nil {
		return 0
	}
	if j.r.IntN(7) == 0 {
		return j.between(0.18, 0.4) * size
	}
	return j.between(0, 0.1) * size
}

// lineDrift is the baseline of a new line: a slow random walk, bounded so
// that lines never touch.
func (j *jitter) lineDrift(size float64) float64 {
	if j == nil {
		return 0
	}
	limit := 0.06 * size
	j.drift += j.between(-0.03, 0.03) * size
	j.drift = min(max(j.drift, -limit), limit)
	return j.drift
}

// wordDrift lifts or drops one word a little.
func (j *jitter) wordDrift(size float64) float64 {
	if j == nil {
		return 0
	}
	return j.between(-0.018, 0.018) * size
}
