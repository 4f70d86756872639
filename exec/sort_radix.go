package exec

import (
	"bytes"
	"slices"
)

// sortEntry is one row being sorted: eight bytes of its normalized key
// (which eight depends on the level of the sort) and its row index.
type sortEntry struct {
	key uint64
	idx uint32
}

// smallSort is the size under which comparison sorting beats radix passes.
const smallSort = 96

// sortKeys returns the permutation of rows 0..keys.n-1 that orders them by
// their normalized keys, equal keys in row order (the sort is stable).
//
// It is a most-significant-word radix sort: rows are radix sorted (LSD, 8
// passes of one byte, skipping bytes that are equal in every row) on the
// first 8 bytes of their keys; each run of rows whose 8 bytes tie is then
// sorted on the next 8 bytes, and so on. Small runs are sorted by
// comparison. A single BIGINT key is thus one radix sort, and strings whose
// first 8 bytes differ are never compared.
func sortKeys(keys *normKeys) []uint32 {
	n := keys.n
	es := make([]sortEntry, n)
	for i := range es {
		es[i] = sortEntry{key: keys.word(i, 0), idx: uint32(i)}
	}
	s := keySorter{keys: keys, words: (keys.maxLen() + 7) / 8}
	if n >= smallSort {
		s.tmp = make([]sortEntry, n)
	}
	s.sort(es, 0, 0)
	perm := make([]uint32, n)
	for i, e := range es {
		perm[i] = e.idx
	}
	return perm
}

type keySorter struct {
	keys  *normKeys
	words int // number of 8-byte words in the longest key
	tmp   []sortEntry
}

// sort orders es (whose keys hold word level) by their keys from word level
// on; es[i] corresponds to s.tmp[base+i] as scratch space.
func (s *keySorter) sort(es []sortEntry, base, level int) {
	if len(es) < 2 {
		return
	}
	if len(es) < smallSort {
		from := 8 * (level + 1)
		slices.SortFunc(es, func(a, b sortEntry) int {
			if a.key != b.key {
				if a.key < b.key {
					return -1
				}
				return 1
			}
			if from < 8*s.words {
				if c := bytes.Compare(tail(s.keys.key(int(a.idx)), from), tail(s.keys.key(int(b.idx)), from)); c != 0 {
					return c
				}
			}
			return int(a.idx) - int(b.idx)
		})
		return
	}
	radixSort(es, s.tmp[base:base+len(es)])
	if level+1 >= s.words {
		return
	}
	for i := 0; i < len(es); {
		j := i + 1
		for j < len(es) && es[j].key == es[i].key {
			j++
		}
		if j-i > 1 && s.hasMore(es[i:j], level+1) {
			run := es[i:j]
			for k := range run {
				run[k].key = s.keys.word(int(run[k].idx), level+1)
			}
			s.sort(run, base+i, level+1)
		}
		i = j
	}
}

// hasMore reports whether any key in es extends into word w.
func (s *keySorter) hasMore(es []sortEntry, w int) bool {
	if s.keys.width > 0 {
		return s.keys.width > 8*w
	}
	for _, e := range es {
		if len(s.keys.key(int(e.idx))) > 8*w {
			return true
		}
	}
	return false
}

func tail(b []byte, from int) []byte {
	if from >= len(b) {
		return nil
	}
	return b[from:]
}

// radixSort stably sorts es by key with one counting pass per byte,
// skipping the bytes on which all entries agree; tmp is scratch of the same
// length.
func radixSort(es, tmp []sortEntry) {
	var counts [8][256]int
	for _, e := range es {
		k := e.key
		counts[0][byte(k)]++
		counts[1][byte(k>>8)]++
		counts[2][byte(k>>16)]++
		counts[3][byte(k>>24)]++
		counts[4][byte(k>>32)]++
		counts[5][byte(k>>40)]++
		counts[6][byte(k>>48)]++
		counts[7][byte(k>>56)]++
	}
	src, dst := es, tmp
	n := len(es)
	for b := 0; b < 8; b++ {
		shift := uint(8 * b)
		c := &counts[b]
		if c[byte(src[0].key>>shift)] == n {
			continue
		}
		sum := 0
		for i := range c {
			k := c[i]
			c[i] = sum
			sum += k
		}
		for _, e := range src {
			d := byte(e.key >> shift)
			dst[c[d]] = e
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &es[0] {
		copy(es, src)
	}
}
