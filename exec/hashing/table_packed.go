package hashing

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// A packer encodes a multi-column key, or a single non-integer one, into 64
// bits when its values are small: each column owns a bit field whose lowest
// bit flags NULL (the field is then exactly 1) and whose other bits hold
// the value. Distinct keys pack to distinct words, so the word itself can
// be the key of an intTable: no hashing of strings, no comparisons.
//
// Field widths per type: BOOLEAN 2 bits; 8-bit integers 9; 16-bit 17;
// INT, DATE and UINT32 33; BIGINT, TIMESTAMP and DECIMAL 33, holding values
// that fit in 32 bits (others take the general path); VARCHAR gets the bits
// left over, split evenly, as 1 + 3 length bits + up to 7 bytes (longer
// strings take the general path).
type packer struct {
	fields []packField
}

type packKind uint8

const (
	packNull packKind = iota
	packBool
	packSmall // values always fit: 8..32-bit integers, dates
	packWide  // 64-bit integers and decimals that fit in 32 bits
	packString
)

type packField struct {
	kind   packKind
	shift  uint
	maxLen int // packString: the longest string that fits
}

// newPacker returns a packer for keys of types, or nil when they cannot
// share 64 bits.
func newPacker(types []arrow.DataType) *packer {
	p := &packer{fields: make([]packField, len(types))}
	fixed, strs := 0, 0
	for i, dt := range types {
		f := &p.fields[i]
		switch dt.ID() {
		case arrow.NULL:
			f.kind, fixed = packNull, fixed+1
		case arrow.BOOL:
			f.kind, fixed = packBool, fixed+2
		case arrow.INT8, arrow.UINT8:
			f.kind, fixed = packSmall, fixed+9
		case arrow.INT16, arrow.UINT16:
			f.kind, fixed = packSmall, fixed+17
		case arrow.INT32, arrow.UINT32, arrow.DATE32:
			f.kind, fixed = packSmall, fixed+33
		case arrow.INT64, arrow.UINT64, arrow.TIMESTAMP, arrow.DATE64, arrow.DECIMAL128:
			f.kind, fixed = packWide, fixed+33
		case arrow.STRING, arrow.LARGE_STRING:
			f.kind, strs = packString, strs+1
		default:
			return nil
		}
	}
	if fixed > 64 {
		return nil
	}
	strBits := 0
	if strs > 0 {
		maxLen := min(7, ((64-fixed)/strs-4)/8)
		if maxLen < 1 {
			return nil
		}
		strBits = 4 + 8*maxLen
		for i := range p.fields {
			if p.fields[i].kind == packString {
				p.fields[i].maxLen = maxLen
			}
		}
	}
	shift := uint(0)
	for i, dt := range types {
		p.fields[i].shift = shift
		switch p.fields[i].kind {
		case packNull:
			shift++
		case packBool:
			shift += 2
		case packString:
			shift += uint(strBits)
		default:
			shift += uint(dt.(arrow.FixedWidthDataType).BitWidth())
			if p.fields[i].kind == packWide {
				shift = p.fields[i].shift + 33
			} else {
				shift++
			}
		}
	}
	return p
}

// pack encodes the rows of cols into keys and classifies each row in
// kinds: rowKey, rowGeneral (some value does not fit) or rowNoGroup (a NULL
// where NULL is not a key).
func (p *packer) pack(cols []arrow.Array, nullIsKey []bool, keys []int64, kinds []uint8) {
	clear(keys)
	clear(kinds)
	for c, col := range cols {
		f := p.fields[c]
		var nb nulls
		nb.bm, nb.off = nullBitmap(col)
		nb.isKey, nb.flag = nullIsKey[c], int64(1)<<f.shift
		switch f.kind {
		case packNull:
			for i := range keys {
				nb.set(i, keys, kinds)
			}
		case packBool:
			b := col.(*array.Boolean)
			for i := range keys {
				if nb.null(i) {
					nb.set(i, keys, kinds)
				} else if b.Value(i) {
					keys[i] |= 2 << f.shift
				}
			}
		case packSmall:
			switch col.DataType().ID() {
			case arrow.INT8:
				packSmallInts(arrow.GetValues[int8](col.Data(), 1), 0xff, f.shift, &nb, keys, kinds)
			case arrow.UINT8:
				packSmallInts(arrow.GetValues[uint8](col.Data(), 1), 0xff, f.shift, &nb, keys, kinds)
			case arrow.INT16:
				packSmallInts(arrow.GetValues[int16](col.Data(), 1), 0xffff, f.shift, &nb, keys, kinds)
			case arrow.UINT16:
				packSmallInts(arrow.GetValues[uint16](col.Data(), 1), 0xffff, f.shift, &nb, keys, kinds)
			case arrow.UINT32:
				packSmallInts(arrow.GetValues[uint32](col.Data(), 1), 0xffffffff, f.shift, &nb, keys, kinds)
			default:
				packSmallInts(arrow.GetValues[int32](col.Data(), 1), 0xffffffff, f.shift, &nb, keys, kinds)
			}
		case packWide:
			switch col.DataType().ID() {
			case arrow.DECIMAL128:
				packDecimals(arrow.GetValues[decimal128.Num](col.Data(), 1), f.shift, &nb, keys, kinds)
			case arrow.UINT64:
				packWideInts(arrow.GetValues[uint64](col.Data(), 1), f.shift, &nb, keys, kinds)
			default:
				packWideInts(arrow.GetValues[int64](col.Data(), 1), f.shift, &nb, keys, kinds)
			}
		case packString:
			o32, o64, data := stringData(col)
			if o32 != nil {
				packStrings(o32, data, f, &nb, keys, kinds)
			} else {
				packStrings(o64, data, f, &nb, keys, kinds)
			}
		}
	}
}

// nulls is one column's NULL handling while packing.
type nulls struct {
	bm    []byte // nil: no NULLs
	off   int
	isKey bool  // NULL is a key value
	flag  int64 // the field's NULL flag
}

func (n *nulls) null(i int) bool { return n.bm != nil && rowIsNull(n.bm, n.off, int32(i)) }

// set packs NULL into row i: the field's flag, or NoGroup when NULL is not
// a key.
func (n *nulls) set(i int, keys []int64, kinds []uint8) {
	if n.isKey {
		keys[i] |= n.flag
	} else {
		kinds[i] = rowNoGroup
	}
}

// tooWide sends row i to the general path (unless it has no group).
func tooWide(i int, kinds []uint8) {
	if kinds[i] == rowKey {
		kinds[i] = rowGeneral
	}
}

func packSmallInts[T integer](vals []T, mask uint64, shift uint, nb *nulls, keys []int64, kinds []uint8) {
	vals = vals[:len(keys)]
	if nb.bm == nil {
		for i, v := range vals {
			keys[i] |= int64((uint64(v)&mask)<<1) << shift
		}
		return
	}
	for i, v := range vals {
		if nb.null(i) {
			nb.set(i, keys, kinds)
			continue
		}
		keys[i] |= int64((uint64(v)&mask)<<1) << shift
	}
}

func packWideInts[T int64 | uint64](vals []T, shift uint, nb *nulls, keys []int64, kinds []uint8) {
	vals = vals[:len(keys)]
	for i, v := range vals {
		if nb.null(i) {
			nb.set(i, keys, kinds)
			continue
		}
		x := int64(v)
		if x != int64(int32(x)) {
			tooWide(i, kinds)
			continue
		}
		keys[i] |= int64(uint64(uint32(x))<<1) << shift
	}
}

func packDecimals(vals []decimal128.Num, shift uint, nb *nulls, keys []int64, kinds []uint8) {
	vals = vals[:len(keys)]
	for i, v := range vals {
		if nb.null(i) {
			nb.set(i, keys, kinds)
			continue
		}
		lo := int64(v.LowBits())
		if v.HighBits() != lo>>63 || lo != int64(int32(lo)) {
			tooWide(i, kinds)
			continue
		}
		keys[i] |= int64(uint64(uint32(lo))<<1) << shift
	}
}

func packStrings[O int32 | int64](offs []O, data []byte, f packField, nb *nulls, keys []int64, kinds []uint8) {
	for i := range keys {
		if nb.null(i) {
			nb.set(i, keys, kinds)
			continue
		}
		s := data[offs[i]:offs[i+1]]
		if len(s) > f.maxLen {
			tooWide(i, kinds)
			continue
		}
		x := uint64(len(s))
		for j, b := range s {
			x |= uint64(b) << (3 + 8*uint(j))
		}
		keys[i] |= int64(x<<1) << f.shift
	}
}
