package dbgen

// Park–Miller "minimal standard" generator, as dbgen uses it: every column
// has its own stream of seeds x' = 16807·x mod (2³¹−1).
const (
	rngMultiplier = 16807
	rngModulus    = 1<<31 - 1
)

// stream is one column's random stream. perRow is how many draws a row
// spends, used or not: endRow skips whatever the row left unused, so that
// row N always starts perRow·N draws after row 0.
type stream struct {
	seed   int64
	perRow int64
	used   int64
}

// newStream starts a stream at seed, skipped ahead to row firstRow.
func newStream(seed, perRow, firstRow int64) stream {
	s := stream{seed: seed, perRow: perRow}
	s.skip(perRow * firstRow)
	return s
}

// mulMod is a·b mod 2³¹−1 for a, b < 2³¹, folding the high bits instead of
// dividing (2³¹ ≡ 1 modulo a Mersenne prime).
func mulMod(a, b int64) int64 {
	x := a * b
	r := (x & rngModulus) + (x >> 31)
	if r >= rngModulus {
		r -= rngModulus
	}
	return r
}

// next draws the next seed.
func (s *stream) next() int64 {
	s.seed = mulMod(s.seed, rngMultiplier)
	s.used++
	return s.seed
}

// intIn draws an integer uniformly in [lo, hi] the way dbgen does: the
// seed as a fraction of the modulus, scaled to the range and truncated.
// The exact floating-point expression matters for matching dbgen.
func (s *stream) intIn(lo, hi int64) int64 {
	s.next()
	return lo + int64(float64(s.seed)/float64(rngModulus)*float64(hi-lo+1))
}

// endRow moves the stream to the start of the next row.
func (s *stream) endRow() {
	if s.used < s.perRow {
		s.skip(s.perRow - s.used)
	}
	s.used = 0
}

// smallPowers[k] is 16807^k mod 2³¹−1: the skips of endRow are short.
var smallPowers = func() [64]int64 {
	var p [64]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = mulMod(p[i-1], rngMultiplier)
	}
	return p
}()

// skip advances the stream by n draws without drawing them: x·16807ⁿ,
// with the power computed by repeated squaring.
func (s *stream) skip(n int64) {
	if n < int64(len(smallPowers)) {
		s.seed = mulMod(s.seed, smallPowers[n])
		return
	}
	m := int64(rngMultiplier)
	for n > 0 {
		if n&1 != 0 {
			s.seed = mulMod(s.seed, m)
		}
		m = mulMod(m, m)
		n >>= 1
	}
}
