package dbgen

// The composite values dbgen draws from one stream each: comments (slices
// of the text pool), alphanumeric addresses, phone numbers, and part names.

// textStream draws comments: a slice of the pool at a random offset, of a
// random length between 0.4 and 1.6 times the column's average.
type textStream struct {
	s      stream
	lo, hi int64
	pool   []byte
}

// newTextStream starts the comment stream of a column whose rows hold
// valuesPerRow comments (more than one for partsupp and lineitem, whose
// streams advance per part and per order), at row first.
func newTextStream(pool []byte, seed, avgLen, valuesPerRow, first int64) textStream {
	return textStream{
		s:    newStream(seed, 2*valuesPerRow, first),
		lo:   int64(float64(avgLen) * 0.4),
		hi:   int64(float64(avgLen) * 1.6),
		pool: pool,
	}
}

// next draws a comment.
func (t *textStream) next() []byte {
	start, end := t.nextSpan()
	return t.pool[start:end]
}

// nextSpan draws a comment as its start and end in the pool.
func (t *textStream) nextSpan() (start, end int32) {
	off := t.s.intIn(0, int64(len(t.pool))-t.hi)
	n := t.s.intIn(t.lo, t.hi)
	return int32(off), int32(off + n)
}

// addTo appends a comment to column c.
func (t *textStream) addTo(c *column) {
	start, end := t.nextSpan()
	c.addPooled(t.pool, start, end)
}

// alphabet is dbgen's 64 address characters, indexed by 6 random bits.
const alphabet = "0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ,"

// addressDraws is what an address spends of its stream: the length, and one
// draw per 5 characters of at most 40.
const addressDraws = 9

// appendAddress appends a random string of alphabet characters of length
// 0.4 to 1.6 times avgLen: each draw gives 5 characters, 6 bits each.
func appendAddress(dst []byte, s *stream, avgLen int64) []byte {
	n := s.intIn(int64(float64(avgLen)*0.4), int64(float64(avgLen)*1.6))
	var bits int64
	for i := range n {
		if i%5 == 0 {
			// A draw in [0, 2³¹−1]: dbgen's range is 2³¹ wide.
			s.next()
			bits = int64(float64(s.seed) / float64(rngModulus) * float64(1<<31))
		}
		dst = append(dst, alphabet[bits&0x3f])
		bits >>= 6
	}
	return dst
}

// phoneDraws is what a phone number spends of its stream.
const phoneDraws = 3

// appendPhone appends a phone number "CC-LLL-LLL-LLLL", the country code
// being 10 plus the nation key.
func appendPhone(dst []byte, s *stream, nation int64) []byte {
	dst = appendPadded(dst, 10+nation%90, 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, s.intIn(100, 999), 3)
	dst = append(dst, '-')
	dst = appendPadded(dst, s.intIn(100, 999), 3)
	dst = append(dst, '-')
	return appendPadded(dst, s.intIn(1000, 9999), 4)
}

// partNameWords is how many distinct colors make a part name.
const partNameWords = 5

// appendPartName appends five distinct colors: the first five of a random
// permutation of the color list (dbgen shuffles the whole list, one draw
// per position, but only the first five positions matter).
func appendPartName(dst []byte, s *stream, perm []uint8) []byte {
	for i := range perm {
		perm[i] = uint8(i)
	}
	last := int64(len(perm) - 1)
	for i := range int64(partNameWords) {
		j := s.intIn(i, last)
		perm[i], perm[j] = perm[j], perm[i]
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, distColors.values[perm[i]]...)
	}
	return dst
}
