package hashing

import "math/bits"

// The slot arrays are open-addressed with linear probing. A key's home slot
// is the top bits of hash*fib (2^64 divided by the golden ratio), which
// depend on every bit of the hash: a shuffle partition holds only rows whose
// hashes agree in some bits, and those bits must not decide the slot.
// Doubling the array splits each slot in two neighbours, so a rehash walks
// the new array nearly in order.
const fib = 0x9e3779b97f4a7c15

// A slot array doubles when it is more than maxLoadNum/maxLoadDen full.
const (
	maxLoadNum = 3
	maxLoadDen = 4
	minSlots   = 64
)

// intSlot is an entry of an intTable.
type intSlot struct {
	key int64
	gid uint32 // group id plus one; 0 = empty
}

// intTable maps int64 keys (integers, or packed keys) to group ids.
type intTable struct {
	slots []intSlot
	mask  uint64
	shift uint
	n     int
}

// newCapacity returns the slot count for n+extra entries, or 0 when cur
// slots suffice.
func newCapacity(cur, n, extra int) int {
	need := n + extra
	if cur > 0 && need*maxLoadDen <= cur*maxLoadNum {
		return 0
	}
	c := max(cur, minSlots)
	for need*maxLoadDen > c*maxLoadNum {
		c *= 2
	}
	if c == cur {
		return 0
	}
	return c
}

func shiftFor(capacity int) uint { return uint(64 - bits.TrailingZeros(uint(capacity))) }

// reserve grows the table so that extra more entries fit.
func (t *intTable) reserve(extra int) {
	c := newCapacity(len(t.slots), t.n, extra)
	if c == 0 {
		return
	}
	old := t.slots
	t.slots = make([]intSlot, c)
	t.mask, t.shift = uint64(c-1), shiftFor(c)
	for _, e := range old {
		if e.gid == 0 {
			continue
		}
		s := (HashInt64(e.key) * fib) >> t.shift
		for t.slots[s].gid != 0 {
			s = (s + 1) & t.mask
		}
		t.slots[s] = e
	}
}

func (t *intTable) size() int { return 16 * cap(t.slots) }

// slot is an entry of a hashTable: a group id plus one (0 = empty) and the
// full hash of its key, which filters out almost every mismatch before keys
// are compared.
type slot struct {
	hash uint64
	gid  uint32
}

// hashTable maps key hashes to candidate group ids for keys that do not
// fit in 64 bits.
type hashTable struct {
	slots []slot
	mask  uint64
	shift uint
	n     int
}

func (t *hashTable) reserve(extra int) {
	c := newCapacity(len(t.slots), t.n, extra)
	if c == 0 {
		return
	}
	old := t.slots
	t.slots = make([]slot, c)
	t.mask, t.shift = uint64(c-1), shiftFor(c)
	for _, e := range old {
		if e.gid == 0 {
			continue
		}
		s := (e.hash * fib) >> t.shift
		for t.slots[s].gid != 0 {
			s = (s + 1) & t.mask
		}
		t.slots[s] = e
	}
}

func (t *hashTable) size() int { return 16 * cap(t.slots) }
