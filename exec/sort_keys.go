package exec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/ember-sql/ember/planner"
)

// Sorting compares normalized keys: every row's sort keys are encoded into
// one byte string such that comparing two strings byte-wise (bytes.Compare)
// orders the rows as the keys ask, direction and NULL placement included.
// One comparison then serves any number and mix of key types, and the first
// eight bytes of a key, read as a big-endian uint64, can be radix sorted.
//
// Each key column contributes, in order:
//   - a NULL indicator byte, when the column may hold NULLs: nullFirstMark or
//     nullLastMark for NULL, validMark otherwise. A NULL's value bytes are
//     zero (fixed-width kinds) or absent (strings), so NULLs compare equal.
//   - the value: integers big-endian with the sign bit flipped; doubles by
//     their IEEE bits, flipped so that they order as numbers (-0.0 and 0.0
//     encode alike, every NaN encodes as one NaN above +Inf, as Spark orders
//     them); decimals as a 128-bit integer; booleans as 0 or 1; strings with
//     each 0x00 byte escaped as 00 FF and a 00 00 terminator, which keeps
//     "a" < "a\x00" < "ab" and makes the whole key prefix-free.
//   - for DESC, the value bytes inverted (the indicator byte is not: NULLS
//     FIRST/LAST is independent of the direction).

const (
	nullFirstMark = 0x00
	validMark     = 0x01
	nullLastMark  = 0x02
)

// keyKind is how a key column's values are encoded.
type keyKind uint8

const (
	kindNull keyKind = iota // only NULLs: no value bytes
	kindBool
	kindInt // signed integers and the temporal types stored as them
	kindFloat32
	kindFloat64
	kindDecimal128
	kindString      // utf8 and binary, int32 offsets
	kindLargeString // large_utf8 and large_binary, int64 offsets
)

// keySpec describes the encoding of one key column.
type keySpec struct {
	kind       keyKind
	width      int // value bytes of a fixed-width kind
	desc       bool
	nullsFirst bool
	nullByte   bool // whether the indicator byte is written
}

// newKeySpec checks that dt can be sorted and returns its encoding; the
// indicator byte is on (callers that know there are no NULLs turn it off).
func newKeySpec(dt arrow.DataType, desc, nullsFirst bool) (keySpec, error) {
	s := keySpec{desc: desc, nullsFirst: nullsFirst, nullByte: true}
	switch dt.ID() {
	case arrow.NULL:
		s.kind, s.nullByte = kindNull, false
	case arrow.BOOL:
		s.kind, s.width = kindBool, 1
	case arrow.INT8:
		s.kind, s.width = kindInt, 1
	case arrow.INT16:
		s.kind, s.width = kindInt, 2
	case arrow.INT32, arrow.DATE32, arrow.TIME32:
		s.kind, s.width = kindInt, 4
	case arrow.INT64, arrow.DATE64, arrow.TIME64, arrow.TIMESTAMP, arrow.DURATION:
		s.kind, s.width = kindInt, 8
	case arrow.FLOAT32:
		s.kind, s.width = kindFloat32, 4
	case arrow.FLOAT64:
		s.kind, s.width = kindFloat64, 8
	case arrow.DECIMAL128:
		s.kind, s.width = kindDecimal128, 16
	case arrow.STRING, arrow.BINARY:
		s.kind = kindString
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		s.kind = kindLargeString
	default:
		return s, fmt.Errorf("cannot sort by values of type %s", planner.TypeName(dt))
	}
	return s, nil
}

func (s *keySpec) variable() bool { return s.kind == kindString || s.kind == kindLargeString }

// fixedLen is the encoded length of a fixed-width key column.
func (s *keySpec) fixedLen() int {
	if s.nullByte {
		return 1 + s.width
	}
	return s.width
}

func (s *keySpec) nullMark() byte {
	if s.nullsFirst {
		return nullFirstMark
	}
	return nullLastMark
}

// keyEncoder encodes rows of key columns into normalized keys.
type keyEncoder struct {
	specs []keySpec
}

// fixedWidth returns the encoded length of every row, or 0 when keys have
// variable length (strings).
func (e *keyEncoder) fixedWidth() int {
	w := 0
	for i := range e.specs {
		if e.specs[i].variable() {
			return 0
		}
		w += e.specs[i].fixedLen()
	}
	if w == 0 {
		// Only NULL-typed keys: every row is equal. Keep one byte so that
		// fixed and variable layouts stay distinguishable.
		return 1
	}
	return w
}

// normKeys holds the normalized keys of rows 0..n-1.
type normKeys struct {
	data  []byte
	width int   // > 0: fixed layout, row i at data[i*width:(i+1)*width]
	offs  []int // width == 0: row i at data[offs[i]:offs[i+1]]
	n     int
}

func (k *normKeys) key(i int) []byte {
	if k.width > 0 {
		return k.data[i*k.width : (i+1)*k.width]
	}
	return k.data[k.offs[i]:k.offs[i+1]]
}

// word returns bytes [8w, 8w+8) of row i's key as a big-endian integer,
// zero-padded past the key's end.
func (k *normKeys) word(i, w int) uint64 {
	key := k.key(i)
	from := 8 * w
	if from+8 <= len(key) {
		return binary.BigEndian.Uint64(key[from:])
	}
	var buf [8]byte
	if from < len(key) {
		copy(buf[:], key[from:])
	}
	return binary.BigEndian.Uint64(buf[:])
}

// maxLen is the length of the longest key.
func (k *normKeys) maxLen() int {
	if k.width > 0 {
		return k.width
	}
	m := 0
	for i := 0; i < k.n; i++ {
		m = max(m, k.offs[i+1]-k.offs[i])
	}
	return m
}

// appendKey appends one key (of the same layout).
func (k *normKeys) appendKey(key []byte) {
	if k.width == 0 {
		if k.offs == nil {
			k.offs = []int{0}
		}
		k.data = append(k.data, key...)
		k.offs = append(k.offs, len(k.data))
	} else {
		k.data = append(k.data, key...)
	}
	k.n++
}

// reset empties k, keeping its layout and memory.
func (k *normKeys) reset() {
	k.data = k.data[:0]
	if k.offs != nil {
		k.offs = k.offs[:1]
	}
	k.n = 0
}

// encode returns the normalized keys of the rows of cols, where cols[b][j]
// is key column j of the b-th batch; rows are numbered across batches in
// order. The arrays must have the types the specs were made for.
func (e *keyEncoder) encode(cols [][]arrow.Array) normKeys {
	k, _ := e.encodeSplit(cols, 0)
	return k
}

// encodeSplit is encode that also returns, for each row, where the part of
// its key encoding the first split key columns ends (the window operator
// tells partitions apart by that prefix). For a fixed layout the split is
// the same for every row and only split[0] is set.
func (e *keyEncoder) encodeSplit(cols [][]arrow.Array, split int) (normKeys, []int) {
	n := 0
	for _, b := range cols {
		if len(b) > 0 {
			n += b[0].Len()
		}
	}
	k := normKeys{n: n, width: e.fixedWidth()}
	pos := make([]int, n)
	if k.width > 0 {
		k.data = make([]byte, n*k.width)
		for i := range pos {
			pos[i] = i * k.width
		}
	} else {
		k.offs = e.offsets(cols, n)
		k.data = make([]byte, k.offs[n])
		copy(pos, k.offs[:n])
	}
	var ends []int
	if split > 0 && k.width > 0 {
		w := 0
		for j := 0; j < split; j++ {
			w += e.specs[j].fixedLen()
		}
		ends = []int{w}
	} else if split > 0 {
		ends = make([]int, n)
	}
	g := 0
	for _, b := range cols {
		if len(b) == 0 {
			continue
		}
		rows := b[0].Len()
		for j := range e.specs {
			if j == split && k.width == 0 && split > 0 {
				for i := 0; i < rows; i++ {
					ends[g+i] = pos[g+i] - k.offs[g+i]
				}
			}
			encodeColumn(k.data, pos[g:g+rows], &e.specs[j], b[j])
		}
		if split == len(e.specs) && k.width == 0 && split > 0 {
			for i := 0; i < rows; i++ {
				ends[g+i] = pos[g+i] - k.offs[g+i]
			}
		}
		g += rows
	}
	return k, ends
}

// offsets computes where each row's variable-length key starts.
func (e *keyEncoder) offsets(cols [][]arrow.Array, n int) []int {
	fixed := 0
	for i := range e.specs {
		if !e.specs[i].variable() {
			fixed += e.specs[i].fixedLen()
		}
	}
	lens := make([]int, n+1)
	g := 0
	for _, b := range cols {
		if len(b) == 0 {
			continue
		}
		rows := b[0].Len()
		for i := 0; i < rows; i++ {
			lens[g+i] = fixed
		}
		for j := range e.specs {
			sp := &e.specs[j]
			if !sp.variable() {
				continue
			}
			addStringLens(lens[g:g+rows], sp, b[j])
		}
		g += rows
	}
	// Turn lengths into offsets in place.
	sum := 0
	for i := 0; i < n; i++ {
		l := lens[i]
		lens[i] = sum
		sum += l
	}
	lens[n] = sum
	return lens
}

func addStringLens(lens []int, sp *keySpec, arr arrow.Array) {
	d := arr.Data()
	var data []byte
	if b := d.Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	hasNulls := arr.NullN() > 0
	nb := 0
	if sp.nullByte {
		nb = 1
	}
	if sp.kind == kindString {
		offs := arrow.GetOffsets[int32](d, 1)
		for i := range lens {
			if hasNulls && arr.IsNull(i) {
				lens[i] += nb
				continue
			}
			s := data[offs[i]:offs[i+1]]
			lens[i] += nb + len(s) + bytes.Count(s, zeroByte) + 2
		}
		return
	}
	offs := arrow.GetOffsets[int64](d, 1)
	for i := range lens {
		if hasNulls && arr.IsNull(i) {
			lens[i] += nb
			continue
		}
		s := data[offs[i]:offs[i+1]]
		lens[i] += nb + len(s) + bytes.Count(s, zeroByte) + 2
	}
}

var zeroByte = []byte{0}

// encodeColumn writes one key column's part of each row's key at pos[i]
// and advances pos[i] past it.
func encodeColumn(dst []byte, pos []int, sp *keySpec, arr arrow.Array) {
	d := arr.Data()
	switch sp.kind {
	case kindNull:
	case kindBool:
		encodeBools(dst, pos, sp, arr)
	case kindInt:
		switch sp.width {
		case 1:
			encodeInts(dst, pos, sp, arr, arrow.GetValues[int8](d, 1))
		case 2:
			encodeInts(dst, pos, sp, arr, arrow.GetValues[int16](d, 1))
		case 4:
			encodeInts(dst, pos, sp, arr, arrow.GetValues[int32](d, 1))
		default:
			encodeInts(dst, pos, sp, arr, arrow.GetValues[int64](d, 1))
		}
	case kindFloat32:
		vals := arrow.GetValues[float32](d, 1)
		encodeWith(dst, pos, sp, arr, func(i int) uint64 { return floatKey32(vals[i]) })
	case kindFloat64:
		encodeFloat64s(dst, pos, sp, arr, arrow.GetValues[float64](d, 1))
	case kindDecimal128:
		encodeDecimals(dst, pos, sp, arr, arrow.GetValues[decimal128.Num](d, 1))
	case kindString:
		encodeStrings(dst, pos, sp, arr, arrow.GetOffsets[int32](d, 1))
	case kindLargeString:
		encodeStrings(dst, pos, sp, arr, arrow.GetOffsets[int64](d, 1))
	}
}

// flipMask is XORed into value bits: all ones for DESC.
func flipMask(desc bool) uint64 {
	if desc {
		return math.MaxUint64
	}
	return 0
}

// putWidth writes the low width bytes of u big-endian.
func putWidth(dst []byte, u uint64, width int) {
	switch width {
	case 1:
		dst[0] = byte(u)
	case 2:
		binary.BigEndian.PutUint16(dst, uint16(u))
	case 4:
		binary.BigEndian.PutUint32(dst, uint32(u))
	default:
		binary.BigEndian.PutUint64(dst, u)
	}
}

func encodeInts[T int8 | int16 | int32 | int64](dst []byte, pos []int, sp *keySpec, arr arrow.Array, vals []T) {
	w := sp.width
	sign := uint64(1) << (8*w - 1)
	flip := flipMask(sp.desc)
	if !sp.nullByte {
		for i, v := range vals {
			p := pos[i]
			putWidth(dst[p:], (uint64(int64(v))^sign)^flip, w)
			pos[i] = p + w
		}
		return
	}
	hasNulls, nm := arr.NullN() > 0, sp.nullMark()
	for i, v := range vals {
		p := pos[i]
		if hasNulls && arr.IsNull(i) {
			dst[p] = nm
			pos[i] = p + 1 + w
			continue
		}
		dst[p] = validMark
		putWidth(dst[p+1:], (uint64(int64(v))^sign)^flip, w)
		pos[i] = p + 1 + w
	}
}

// floatKey64 maps a double to an integer that orders as the double does,
// with -0.0 equal to 0.0 and all NaNs equal and greatest.
func floatKey64(f float64) uint64 {
	if f == 0 {
		f = 0
	}
	if f != f {
		return math.MaxUint64 // above +Inf (0xFFF0...)
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

func floatKey32(f float32) uint64 {
	if f == 0 {
		f = 0
	}
	if f != f {
		return math.MaxUint32
	}
	b := math.Float32bits(f)
	if b>>31 != 0 {
		return uint64(^b)
	}
	return uint64(b | 1<<31)
}

func encodeFloat64s(dst []byte, pos []int, sp *keySpec, arr arrow.Array, vals []float64) {
	flip := flipMask(sp.desc)
	hasNulls, nm := arr.NullN() > 0, sp.nullMark()
	for i, v := range vals {
		p := pos[i]
		if sp.nullByte {
			if hasNulls && arr.IsNull(i) {
				dst[p] = nm
				pos[i] = p + 9
				continue
			}
			dst[p] = validMark
			p++
		}
		binary.BigEndian.PutUint64(dst[p:], floatKey64(v)^flip)
		pos[i] = p + 8
	}
}

// encodeWith is the generic (slower) path: key(i) gives the value bits.
func encodeWith(dst []byte, pos []int, sp *keySpec, arr arrow.Array, key func(i int) uint64) {
	flip := flipMask(sp.desc)
	hasNulls, nm := arr.NullN() > 0, sp.nullMark()
	for i := range pos {
		p := pos[i]
		if sp.nullByte {
			if hasNulls && arr.IsNull(i) {
				dst[p] = nm
				pos[i] = p + 1 + sp.width
				continue
			}
			dst[p] = validMark
			p++
		}
		putWidth(dst[p:], key(i)^flip, sp.width)
		pos[i] = p + sp.width
	}
}

func encodeBools(dst []byte, pos []int, sp *keySpec, arr arrow.Array) {
	if arr.Len() == 0 {
		return
	}
	d := arr.Data()
	bits := d.Buffers()[1].Bytes()
	off := d.Offset()
	encodeWith(dst, pos, sp, arr, func(i int) uint64 {
		if bits[(off+i)>>3]&(1<<((off+i)&7)) != 0 {
			return 1
		}
		return 0
	})
}

func encodeDecimals(dst []byte, pos []int, sp *keySpec, arr arrow.Array, vals []decimal128.Num) {
	flip := flipMask(sp.desc)
	hasNulls, nm := arr.NullN() > 0, sp.nullMark()
	for i, v := range vals {
		p := pos[i]
		if sp.nullByte {
			if hasNulls && arr.IsNull(i) {
				dst[p] = nm
				pos[i] = p + 17
				continue
			}
			dst[p] = validMark
			p++
		}
		binary.BigEndian.PutUint64(dst[p:], (uint64(v.HighBits())^(1<<63))^flip)
		binary.BigEndian.PutUint64(dst[p+8:], v.LowBits()^flip)
		pos[i] = p + 16
	}
}

func encodeStrings[O int32 | int64](dst []byte, pos []int, sp *keySpec, arr arrow.Array, offs []O) {
	var data []byte
	if b := arr.Data().Buffers()[2]; b != nil {
		data = b.Bytes()
	}
	hasNulls, nm := arr.NullN() > 0, sp.nullMark()
	for i := range pos {
		p := pos[i]
		if sp.nullByte {
			if hasNulls && arr.IsNull(i) {
				dst[p] = nm
				pos[i] = p + 1
				continue
			}
			dst[p] = validMark
			p++
		}
		pos[i] = putEscaped(dst, p, data[offs[i]:offs[i+1]], sp.desc)
	}
}

// putEscaped writes s escaped and terminated at dst[p:], inverted for
// DESC, and returns the position after it.
func putEscaped(dst []byte, p int, s []byte, desc bool) int {
	start := p
	if bytes.IndexByte(s, 0) < 0 {
		p += copy(dst[p:], s)
	} else {
		for _, c := range s {
			dst[p] = c
			p++
			if c == 0 {
				dst[p] = 0xFF
				p++
			}
		}
	}
	dst[p], dst[p+1] = 0, 0
	p += 2
	if desc {
		for j := start; j < p; j++ {
			dst[j] = ^dst[j]
		}
	}
	return p
}
