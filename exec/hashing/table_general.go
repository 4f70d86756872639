package hashing

import "github.com/apache/arrow-go/v18/arrow"

// runGeneral is Insert/Lookup for the given rows of keys that do not pack
// into 64 bits. Per chunk of rows it walks the probe sequence of each
// pending row until an empty slot (a new group, or NoGroup for a lookup) or
// a slot with an equal hash (a candidate). New groups' keys are stored,
// then candidates are compared column by column in typed loops; rows whose
// candidate differs go on probing from the next slot.
func (t *Table) runGeneral(cols []arrow.Array, groups []uint32, insert bool, rows []int32) {
	n := len(groups)
	t.hashes = growUint64s(t.hashes, n)
	hashRows(cols, t.hashes)
	skips := t.markNullSkips(cols, n)
	t.pos = growUint64s(t.pos, n)
	tab := &t.general
	for lo := 0; lo < len(rows); lo += chunkRows {
		chunk := rows[lo:min(len(rows), lo+chunkRows)]
		if insert {
			tab.reserve(len(chunk))
		}
		pending := t.pending[:0]
		for _, r := range chunk {
			if skips && t.skipByNull[r] {
				groups[r] = NoGroup
				continue
			}
			if len(tab.slots) == 0 { // a lookup in an empty table
				groups[r] = NoGroup
				continue
			}
			t.pos[r] = (t.hashes[r] * fib) >> tab.shift
			pending = append(pending, r)
		}
		for len(pending) > 0 {
			cand, newRows := t.cand[:0], t.newRows[:0]
			for _, r := range pending {
				h := t.hashes[r]
				s := t.pos[r]
				for {
					e := tab.slots[s]
					if e.gid == 0 {
						if insert {
							g := t.newGroup()
							tab.slots[s] = slot{hash: h, gid: g + 1}
							tab.n++
							groups[r] = g
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
					s = (s + 1) & tab.mask
				}
				t.pos[r] = s
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
					t.pos[r] = (t.pos[r] + 1) & tab.mask
					pending = append(pending, r)
				}
			}
		}
		t.pending = pending
	}
}

// markNullSkips sets t.skipByNull[i] for rows with a NULL in a column where
// NULL is not a key, and reports whether any row is skipped.
func (t *Table) markNullSkips(cols []arrow.Array, n int) bool {
	any := false
	for c, col := range cols {
		if t.nullIsKey[c] || col.NullN() == 0 {
			continue
		}
		if !any {
			t.skipByNull = growBools(t.skipByNull, n)
			clear(t.skipByNull)
			any = true
		}
		bm, off := nullBitmap(col)
		for i := 0; i < n; i++ {
			if rowIsNull(bm, off, int32(i)) {
				t.skipByNull[i] = true
			}
		}
	}
	return any
}
