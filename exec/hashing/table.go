package hashing

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// NoGroup is the group id of a row that has no group: a lookup that found
// nothing, or a row with a NULL in a key column where NULL is not a key.
const NoGroup = ^uint32(0)

// chunkRows bounds the rows a Table processes at once, so the capacity it
// reserves ahead of a chunk (every row might be a new key) stays small
// whatever the batch size.
const chunkRows = 4096

// hashRows hashes the keys of the general path; tests replace it to force
// collisions.
var hashRows = HashArrays

// Row kinds, computed per batch before probing.
const (
	rowKey     uint8 = iota // the row's key is in the int64 key vector
	rowNoGroup              // a NULL where NULL is not a key: no group
	rowGeneral              // the key does not pack into 64 bits
	rowNull                 // single integer column holding NULL (a key)
)

// Table maps tuples of key values to dense group ids 0, 1, 2, ...: each
// new key gets the next id (within a batch, not necessarily in row order).
// It compares the actual key values, never the hash
// alone, and keeps the keys column-wise so that Keys can rebuild them.
//
// A key column either treats NULL as a value equal to itself (GROUP BY,
// IS NOT DISTINCT FROM) or as never matching: a row with a NULL in such a
// column gets NoGroup and is not stored (equi-join keys).
//
// Keys take one of three paths. A single integer-valued column (int8..int64,
// uint8..uint64, date32, timestamp) is its own int64 key. Otherwise a key
// whose values fit, with NULL flags and string lengths, in 64 bits (small
// integers, dates, short strings: TPC-H's flags and codes) is packed into
// one, and the packed form is the key: equal packed keys are equal keys.
// Keys that do not pack go through a general table that stores their full
// hash, probes by it and compares candidates column by column. Whether a key
// packs depends on its values only, so one key never takes two paths.
//
// A Table is not safe for concurrent use (Lookup too reuses scratch space);
// see Prober for concurrent lookups.
type Table struct {
	types     []arrow.DataType
	nullIsKey []bool
	stores    []keyStore
	groups    int

	intKeys   bool    // a single integer-valued column
	pack      *packer // nil when keys never pack
	ints      intTable
	nullGroup uint32 // group id plus one of the NULL key on the intKeys path
	general   hashTable

	*tableScratch
}

// tableScratch is space a Table reuses across batches. Probers have their
// own, which is what lets them look keys up concurrently.
type tableScratch struct {
	keys       []int64
	kinds      []uint8
	rest       []int32
	hashes     []uint64
	pos        []uint64
	pending    []int32
	cand       []int32
	newRows    []int32
	eq         []bool
	skipByNull []bool
}

// Prober returns a view of t for lookups only, with scratch space of its
// own: several Probers may Lookup at once (the tasks of a broadcast join
// share one table), as long as nothing Inserts into t meanwhile.
func (t *Table) Prober() *Table {
	p := *t
	p.tableScratch = &tableScratch{}
	return &p
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
	t := &Table{types: types, nullIsKey: nullIsKey, tableScratch: &tableScratch{}}
	for _, dt := range types {
		s, err := newKeyStore(dt)
		if err != nil {
			return nil, err
		}
		t.stores = append(t.stores, s)
	}
	t.intKeys = len(types) == 1 && isIntegerKey(types[0])
	if !t.intKeys {
		t.pack = newPacker(types)
	}
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
	n := t.ints.size() + t.general.size() + 8*(cap(t.keys)+cap(t.hashes)+cap(t.pos)) + cap(t.kinds) +
		4*(cap(t.rest)+cap(t.pending)+cap(t.cand)+cap(t.newRows)) + cap(t.eq) + cap(t.skipByNull)
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

// Reserve makes room for n more keys at once, so that a table whose size
// is known ahead (a join's build side) is not rehashed as it grows.
func (t *Table) Reserve(n int) {
	if t.intKeys || t.pack != nil {
		t.ints.reserve(n)
	}
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
	t.keys = growInt64s(t.keys, n)
	t.kinds = growUint8s(t.kinds, n)
	switch {
	case t.intKeys:
		intKeys(cols[0], t.nullIsKey[0], t.keys, t.kinds)
	case t.pack != nil:
		t.pack.pack(cols, t.nullIsKey, t.keys, t.kinds)
	default:
		for i := range t.kinds {
			t.kinds[i] = rowGeneral
		}
	}
	t.rest = t.runInts(cols, groups, insert, t.rest[:0])
	if len(t.rest) > 0 {
		t.runGeneral(cols, groups, insert, t.rest)
	}
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

// newGroup allocates the next group id.
func (t *Table) newGroup() uint32 {
	g := uint32(t.groups)
	t.groups++
	return g
}

// runInts maps the rows whose key is an int64 (own or packed) through the
// integer table and returns the rows left for the general path.
func (t *Table) runInts(cols []arrow.Array, groups []uint32, insert bool, rest []int32) []int32 {
	n := len(groups)
	keys, kinds := t.keys, t.kinds
	newRows := t.newRows[:0]
	for lo := 0; lo < n; lo += chunkRows {
		hi := min(n, lo+chunkRows)
		if insert {
			t.ints.reserve(hi - lo)
		}
		slots, mask, shift := t.ints.slots, t.ints.mask, t.ints.shift
		for r := lo; r < hi; r++ {
			switch kinds[r] {
			case rowNoGroup:
				groups[r] = NoGroup
				continue
			case rowGeneral:
				rest = append(rest, int32(r))
				continue
			case rowNull:
				switch {
				case t.nullGroup != 0:
					groups[r] = t.nullGroup - 1
				case insert:
					groups[r] = t.newGroup()
					t.nullGroup = groups[r] + 1
					newRows = append(newRows, int32(r))
				default:
					groups[r] = NoGroup
				}
				continue
			}
			if len(slots) == 0 { // a lookup in a table never inserted into
				groups[r] = NoGroup
				continue
			}
			k := keys[r]
			s := (HashInt64(k) * fib) >> shift
			for {
				e := &slots[s]
				if e.gid == 0 {
					if insert {
						g := t.newGroup()
						e.key, e.gid = k, g+1
						t.ints.n++
						groups[r] = g
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
	for c, st := range t.stores {
		st.appendRows(cols[c], newRows)
	}
	t.newRows = newRows
	return rest
}

// intKeys fills keys (and kinds) from one integer-valued column.
func intKeys(col arrow.Array, nullIsKey bool, keys []int64, kinds []uint8) {
	switch col.DataType().ID() {
	case arrow.INT8:
		widen(arrow.GetValues[int8](col.Data(), 1), keys)
	case arrow.INT16:
		widen(arrow.GetValues[int16](col.Data(), 1), keys)
	case arrow.INT32, arrow.DATE32:
		widen(arrow.GetValues[int32](col.Data(), 1), keys)
	case arrow.UINT8:
		widen(arrow.GetValues[uint8](col.Data(), 1), keys)
	case arrow.UINT16:
		widen(arrow.GetValues[uint16](col.Data(), 1), keys)
	case arrow.UINT32:
		widen(arrow.GetValues[uint32](col.Data(), 1), keys)
	case arrow.UINT64:
		widen(arrow.GetValues[uint64](col.Data(), 1), keys)
	default:
		copy(keys, arrow.GetValues[int64](col.Data(), 1))
	}
	clear(kinds)
	if col.NullN() == 0 {
		return
	}
	null := rowNull
	if !nullIsKey {
		null = rowNoGroup
	}
	bm, off := nullBitmap(col)
	for i := range kinds {
		if rowIsNull(bm, off, int32(i)) {
			kinds[i] = null
		}
	}
}

func widen[T integer](vals []T, keys []int64) {
	for i := range keys {
		keys[i] = int64(vals[i])
	}
}

func growInt64s(s []int64, n int) []int64 {
	if cap(s) < n {
		return make([]int64, n)
	}
	return s[:n]
}

func growUint8s(s []uint8, n int) []uint8 {
	if cap(s) < n {
		return make([]uint8, n)
	}
	return s[:n]
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
