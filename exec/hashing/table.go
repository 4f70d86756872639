package hashing

import (
	"fmt"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// NoGroup is the group id of a row that has no group: a lookup that found
// nothing, or a row with a NULL in a key column where NULL is not a key.
const NoGroup = ^uint32(0)

// hashRows hashes the keys of the general table; tests replace it to force
// collisions.
var hashRows = HashArrays

// chunkRows bounds the rows a Table processes at once, so the capacity it
// reserves ahead of a chunk (every row might be a new key) stays small
// whatever the batch size.
const chunkRows = 4096

// maxLoadNum/maxLoadDen is the fill ratio at which the slot array doubles.
const (
	maxLoadNum = 3
	maxLoadDen = 4
)

// fib is 2^64 divided by the golden ratio. Slots are chosen by the top bits
// of hash*fib, so they depend on every bit of the hash: a shuffle partition
// holds only rows whose hashes agree in some bits, and those bits must not
// decide the slot.
const fib = 0x9e3779b97f4a7c15

// slot is one entry of the general table: a group id plus one (0 = empty)
// and the full hash of its key, which filters out almost every mismatch
// before keys are compared.
type slot struct {
	hash uint64
	gid  uint32
}

// intSlot is one entry of the single-integer-key table, which compares the
// key itself and needs no separate key comparison.
type intSlot struct {
	key int64
	gid uint32 // group id plus one; 0 = empty
}

// Table maps tuples of key values to dense group ids 0, 1, 2, ... in order
// of first appearance. It compares the actual key values, never the hash
// alone, and keeps the keys column-wise so that Keys can rebuild them.
//
// A key column either treats NULL as a value equal to itself (GROUP BY,
// IS NOT DISTINCT FROM) or as never matching: a row with a NULL in such a
// column gets NoGroup and is not stored (equi-join keys).
//
// A single integer-valued key column (int8..int64, uint8..uint64, date32,
// timestamp) takes a fast path whose slots hold the key itself. A Table is
// not safe for concurrent use (Lookup too reuses scratch space).
type Table struct {
	types      []arrow.DataType
	nullIsKey  []bool
	stores     []keyStore
	groups     int
	intKeys    bool
	islots     []intSlot
	slots      []slot
	nullGroup  uint32 // group id plus one of the NULL key on the fast path
	mask       uint64
	shift      uint
	hashes     []uint64
	pos        []uint64
	pending    []int32
	cand       []int32
	newRows    []int32
	eq         []bool
	skipByNull []bool
	sink       uint32 // keeps the touch loads of runIntKeys alive
}

// NewTable returns an empty table for keys of the given types. nullIsKey
// says, per column, whether NULL is a key value (true) or never matches
// (false); nil means NULL is a key value in every column.
func NewTable(types []arrow.DataType, nullIsKey []bool) (*Table, error) {
	if nullIsKey == nil {
		nullIsKey = make([]bool, len(types))
		for i := range nullIsKey {
			nullIsKey[i] = true
		}
	}
	if len(nullIsKey) != len(types) {
		return nil, fmt.Errorf("hashing: %d key types but %d NULL rules", len(types), len(nullIsKey))
	}
	t := &Table{types: types, nullIsKey: nullIsKey}
	for _, dt := range types {
		s, err := newKeyStore(dt)
		if err != nil {
			return nil, err
		}
		t.stores = append(t.stores, s)
	}
	t.intKeys = len(types) == 1 && isIntegerKey(types[0])
	t.resize(64)
	return t, nil
}

func isIntegerKey(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32,
		arrow.UINT64, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP:
		return true
	}
	return false
}

// Len is the number of groups.
func (t *Table) Len() int { return t.groups }

// Types are the key column types.
func (t *Table) Types() []arrow.DataType { return t.types }

// Size is the approximate number of bytes the table holds in Go memory.
func (t *Table) Size() int {
	n := 16*cap(t.islots) + 16*cap(t.slots) + 8*cap(t.hashes) + 8*cap(t.pos) +
		4*(cap(t.pending)+cap(t.cand)+cap(t.newRows)) + cap(t.eq) + cap(t.skipByNull)
	for _, s := range t.stores {
		n += s.size()
	}
	return n
}

// Keys returns the key columns of groups [from, to), one array per key
// column, allocated from mem. The caller releases them.
func (t *Table) Keys(mem memory.Allocator, from, to int) ([]arrow.Array, error) {
	if from < 0 || to > t.groups || from > to {
		return nil, fmt.Errorf("hashing: groups [%d, %d) out of range [0, %d)", from, to, t.groups)
	}
	out := make([]arrow.Array, 0, len(t.stores))
	for _, s := range t.stores {
		a, err := s.build(mem, from, to)
		if err != nil {
			for _, o := range out {
				o.Release()
			}
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Insert maps each row of the key columns cols to its group, creating
// groups for keys not seen before, and writes the ids to groups (len(groups)
// is the number of rows). Rows with a NULL in a column where NULL is not a
// key get NoGroup.
func (t *Table) Insert(cols []arrow.Array, groups []uint32) error {
	return t.run(cols, groups, true)
}

// Lookup writes to groups the group of each row of cols, or NoGroup when
// its key is not in the table (or has a NULL where NULL is not a key).
func (t *Table) Lookup(cols []arrow.Array, groups []uint32) error {
	return t.run(cols, groups, false)
}

func (t *Table) run(cols []arrow.Array, groups []uint32, insert bool) error {
	if len(cols) != len(t.types) {
		return fmt.Errorf("hashing: %d key columns, table has %d", len(cols), len(t.types))
	}
	n := len(groups)
	for i, c := range cols {
		if c.Len() < n {
			return fmt.Errorf("hashing: key column %d has %d rows, want %d", i, c.Len(), n)
		}
		if !arrow.TypeEqual(c.DataType(), t.types[i]) && !sameStorage(c.DataType(), t.types[i]) {
			return fmt.Errorf("hashing: key column %d is %s, table has %s", i, c.DataType(), t.types[i])
		}
	}
	if len(cols) == 0 {
		// Every row has the empty key.
		if t.groups == 0 && insert && n > 0 {
			t.groups = 1
		}
		fill := uint32(0)
		if t.groups == 0 {
			fill = NoGroup
		}
		for i := range groups {
			groups[i] = fill
		}
		return nil
	}
	if t.intKeys {
		t.runInts(cols[0], groups, insert)
		return nil
	}
	t.runGeneral(cols, groups, insert)
	return nil
}

// sameStorage allows keys whose values are stored alike but whose types
// differ in parameters only (a decimal's precision, a timestamp's zone).
func sameStorage(a, b arrow.DataType) bool {
	if a.ID() != b.ID() {
		return false
	}
	switch a.ID() {
	case arrow.DECIMAL128:
		return a.(*arrow.Decimal128Type).Scale == b.(*arrow.Decimal128Type).Scale
	case arrow.TIMESTAMP:
		return a.(*arrow.TimestampType).Unit == b.(*arrow.TimestampType).Unit
	}
	return false
}

// resize sets the slot array to capacity slots (a power of two) and
// reinserts every group.
func (t *Table) resize(capacity int) {
	t.shift = uint(64 - bits.TrailingZeros(uint(capacity)))
	t.mask = uint64(capacity - 1)
	if t.intKeys {
		old := t.islots
		t.islots = make([]intSlot, capacity)
		for _, e := range old {
			if e.gid == 0 {
				continue
			}
			s := t.slotOf(HashInt64(e.key))
			for t.islots[s].gid != 0 {
				s = (s + 1) & t.mask
			}
			t.islots[s] = e
		}
		return
	}
	old := t.slots
	t.slots = make([]slot, capacity)
	for _, e := range old {
		if e.gid == 0 {
			continue
		}
		s := t.slotOf(e.hash)
		for t.slots[s].gid != 0 {
			s = (s + 1) & t.mask
		}
		t.slots[s] = e
	}
}

// reserve grows the slot array so that extra more groups fit under the
// maximum load.
func (t *Table) reserve(extra int) {
	capacity := int(t.mask + 1)
	need := t.groups + extra
	if need*maxLoadDen <= capacity*maxLoadNum {
		return
	}
	for need*maxLoadDen > capacity*maxLoadNum {
		capacity *= 2
	}
	t.resize(capacity)
}

func (t *Table) slotOf(h uint64) uint64 { return (h * fib) >> t.shift }

// markNullSkips sets t.skipByNull[i] for rows [lo, hi) with a NULL in a
// column where NULL is not a key, and reports whether any row is skipped.
func (t *Table) markNullSkips(cols []arrow.Array, n int) bool {
	any := false
	for c, col := range cols {
		if t.nullIsKey[c] || col.NullN() == 0 {
			continue
		}
		if !any {
			t.skipByNull = growBools(t.skipByNull, n)
			for i := range t.skipByNull {
				t.skipByNull[i] = false
			}
			any = true
		}
		for i := 0; i < n; i++ {
			if col.IsNull(i) {
				t.skipByNull[i] = true
			}
		}
	}
	return any
}

// runGeneral is Insert/Lookup for any keys. Per chunk of rows it walks
// the probe sequence of each pending row until an empty slot (a new group,
// or NoGroup for a lookup) or a slot with an equal hash (a candidate). New
// groups' keys are stored, then candidates are compared column by column in
// typed loops; rows whose candidate differs go on probing from the next slot.
func (t *Table) runGeneral(cols []arrow.Array, groups []uint32, insert bool) {
	n := len(groups)
	t.hashes = growUint64s(t.hashes, n)
	hashRows(cols, t.hashes)
	skips := t.markNullSkips(cols, n)
	t.pos = growUint64s(t.pos, min(n, chunkRows))
	for lo := 0; lo < n; lo += chunkRows {
		hi := min(n, lo+chunkRows)
		if insert {
			t.reserve(hi - lo)
		}
		pending := t.pending[:0]
		for r := lo; r < hi; r++ {
			if skips && t.skipByNull[r] {
				groups[r] = NoGroup
				continue
			}
			t.pos[r-lo] = t.slotOf(t.hashes[r])
			pending = append(pending, int32(r))
		}
		for len(pending) > 0 {
			cand, newRows := t.cand[:0], t.newRows[:0]
			for _, r := range pending {
				h := t.hashes[r]
				s := t.pos[int(r)-lo]
				for {
					e := t.slots[s]
					if e.gid == 0 {
						if insert {
							t.slots[s] = slot{hash: h, gid: uint32(t.groups) + 1}
							groups[r] = uint32(t.groups)
							t.groups++
							newRows = append(newRows, r)
						} else {
							groups[r] = NoGroup
						}
						break
					}
					if e.hash == h {
						groups[r] = e.gid - 1
						cand = append(cand, r)
						break
					}
					s = (s + 1) & t.mask
				}
				t.pos[int(r)-lo] = s
			}
			for c, st := range t.stores {
				st.appendRows(cols[c], newRows)
			}
			t.cand, t.newRows = cand, newRows
			if len(cand) == 0 {
				break
			}
			t.eq = growBools(t.eq, len(cand))
			eq := t.eq
			for i := range eq {
				eq[i] = true
			}
			for c, st := range t.stores {
				st.equal(cols[c], cand, groups, eq)
			}
			// Rows whose candidate was a hash collision probe on.
			pending = pending[:0]
			for k, r := range cand {
				if !eq[k] {
					p := &t.pos[int(r)-lo]
					*p = (*p + 1) & t.mask
					pending = append(pending, r)
				}
			}
		}
		t.pending = pending
	}
}

// runInts is Insert/Lookup for one integer-valued key column.
func (t *Table) runInts(col arrow.Array, groups []uint32, insert bool) {
	switch col.DataType().ID() {
	case arrow.INT8:
		runIntKeys(t, arrow.GetValues[int8](col.Data(), 1), col, groups, insert)
	case arrow.INT16:
		runIntKeys(t, arrow.GetValues[int16](col.Data(), 1), col, groups, insert)
	case arrow.INT32, arrow.DATE32:
		runIntKeys(t, arrow.GetValues[int32](col.Data(), 1), col, groups, insert)
	case arrow.UINT8:
		runIntKeys(t, arrow.GetValues[uint8](col.Data(), 1), col, groups, insert)
	case arrow.UINT16:
		runIntKeys(t, arrow.GetValues[uint16](col.Data(), 1), col, groups, insert)
	case arrow.UINT32:
		runIntKeys(t, arrow.GetValues[uint32](col.Data(), 1), col, groups, insert)
	case arrow.UINT64:
		runIntKeys(t, arrow.GetValues[uint64](col.Data(), 1), col, groups, insert)
	default:
		runIntKeys(t, arrow.GetValues[int64](col.Data(), 1), col, groups, insert)
	}
}

func runIntKeys[T integer](t *Table, vals []T, col arrow.Array, groups []uint32, insert bool) {
	n := len(groups)
	bm, off := nullBitmap(col)
	newRows := t.newRows[:0]
	t.pos = growUint64s(t.pos, min(n, chunkRows))
	for lo := 0; lo < n; lo += chunkRows {
		hi := min(n, lo+chunkRows)
		if insert {
			t.reserve(hi - lo)
		}
		slots, mask, shift := t.islots, t.mask, t.shift
		// Touch every row's home slot first: these loads are independent,
		// so the CPU overlaps their cache misses, and the probe loop below
		// (whose iterations depend on each other through new groups) then
		// mostly hits the cache.
		pos := t.pos[:hi-lo]
		var touched uint32
		for r := lo; r < hi; r++ {
			s := (HashInt64(int64(vals[r])) * fib) >> shift
			pos[r-lo] = s
			touched += slots[s].gid
		}
		t.sink += touched
		for r := lo; r < hi; r++ {
			if rowNull(bm, off, int32(r)) {
				switch {
				case !t.nullIsKey[0]:
					groups[r] = NoGroup
				case t.nullGroup != 0:
					groups[r] = t.nullGroup - 1
				case insert:
					groups[r] = uint32(t.groups)
					t.groups++
					t.nullGroup = uint32(t.groups)
					newRows = append(newRows, int32(r))
				default:
					groups[r] = NoGroup
				}
				continue
			}
			k := int64(vals[r])
			s := pos[r-lo]
			for {
				e := &slots[s]
				if e.gid == 0 {
					if insert {
						e.key = k
						e.gid = uint32(t.groups) + 1
						groups[r] = uint32(t.groups)
						t.groups++
						newRows = append(newRows, int32(r))
					} else {
						groups[r] = NoGroup
					}
					break
				}
				if e.key == k {
					groups[r] = e.gid - 1
					break
				}
				s = (s + 1) & mask
			}
		}
	}
	t.stores[0].appendRows(col, newRows)
	t.newRows = newRows
}

func growUint64s(s []uint64, n int) []uint64 {
	if cap(s) < n {
		return make([]uint64, n)
	}
	return s[:n]
}

func growBools(s []bool, n int) []bool {
	if cap(s) < n {
		return make([]bool, n)
	}
	return s[:n]
}
