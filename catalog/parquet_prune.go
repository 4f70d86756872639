package catalog

import (
	"cmp"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Row-group pruning: a row group is skipped when its column chunks'
// min/max statistics prove that some predicate of the scan holds for none
// of its rows. Statistics are read in the engine's representation of the
// column (what a ColumnPredicate's Value holds); a column whose statistics
// we cannot read that way (INT96 timestamps, uint64, float16, binary) is
// never used to prune. Missing or untrusted statistics (arrow-go drops
// those of writers known to get them wrong) keep the row group.

// statKind is how a column's Parquet statistics map to engine values.
type statKind uint8

const (
	statNone      statKind = iota
	statInt                // INT32/INT64 signed integers: int64
	statUint               // INT32 holding uint8/16/32: reinterpreted
	statDate               // INT32 days: arrow.Date32
	statTimestamp          // INT64 in the unit of the logical type: micros
	statDecimal            // INT32, INT64, FLBA or BYTE_ARRAY: decimal128
	statFloat              // FLOAT or DOUBLE: float64
	statString             // BYTE_ARRAY UTF-8: string
	statBool               // BOOLEAN
)

// statColumn tells how to read one column's statistics.
type statColumn struct {
	kind statKind
	// Timestamps: micros = value*mul (millis) or floor(value/div) (nanos).
	mul, div int64
}

// statColumnOf picks the statistics reading for a Parquet leaf column read
// as Arrow type dt.
func statColumnOf(col *schema.Column, dt arrow.DataType) statColumn {
	phys := col.PhysicalType()
	if d, ok := dt.(*arrow.DictionaryType); ok {
		dt = d.ValueType
	}
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		if phys == parquet.Types.Int32 || phys == parquet.Types.Int64 {
			return statColumn{kind: statInt}
		}
	case arrow.UINT8, arrow.UINT16, arrow.UINT32:
		if phys == parquet.Types.Int32 {
			return statColumn{kind: statUint}
		}
	case arrow.DATE32, arrow.DATE64:
		if _, ok := col.LogicalType().(schema.DateLogicalType); ok && phys == parquet.Types.Int32 {
			return statColumn{kind: statDate}
		}
	case arrow.TIMESTAMP:
		lt, ok := col.LogicalType().(schema.TimestampLogicalType)
		if !ok || phys != parquet.Types.Int64 {
			return statColumn{}
		}
		switch lt.TimeUnit() {
		case schema.TimeUnitMillis:
			return statColumn{kind: statTimestamp, mul: 1000, div: 1}
		case schema.TimeUnitMicros:
			return statColumn{kind: statTimestamp, mul: 1, div: 1}
		case schema.TimeUnitNanos:
			return statColumn{kind: statTimestamp, mul: 1, div: 1000}
		}
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		switch phys {
		case parquet.Types.Int32, parquet.Types.Int64, parquet.Types.FixedLenByteArray, parquet.Types.ByteArray:
			return statColumn{kind: statDecimal}
		}
	case arrow.FLOAT32, arrow.FLOAT64:
		if phys == parquet.Types.Float || phys == parquet.Types.Double {
			return statColumn{kind: statFloat}
		}
	case arrow.STRING, arrow.LARGE_STRING:
		if phys == parquet.Types.ByteArray {
			return statColumn{kind: statString}
		}
	case arrow.BOOL:
		return statColumn{kind: statBool}
	}
	return statColumn{}
}

// rowGroupMayMatch reports whether some row of row group rg (m) may satisfy
// every predicate; false only when statistics prove none does.
func (f *parquetFile) rowGroupMayMatch(rg int, m *metadata.RowGroupMetaData, preds []ColumnPredicate) bool {
	for _, p := range preds {
		if !f.predicateMayMatch(m, p) {
			return false
		}
	}
	return true
}

func (f *parquetFile) predicateMayMatch(m *metadata.RowGroupMetaData, p ColumnPredicate) bool {
	cc, err := m.ColumnChunk(f.leaves[p.Column])
	if err != nil {
		return true
	}
	st, err := cc.Statistics()
	if err != nil || st == nil {
		return true
	}
	rows := m.NumRows()
	allNull := st.HasNullCount() && st.NullCount() == rows
	switch p.Op {
	case CmpIsNull:
		return !st.HasNullCount() || st.NullCount() > 0
	case CmpIsNotNull:
		return !allNull
	}
	if allNull {
		return false // a comparison with NULL is never true
	}
	if !st.HasMinMax() {
		return true
	}
	c, ok := compareStats(f.stats[p.Column], st, p.Value)
	if !ok {
		return true
	}
	switch p.Op {
	case CmpEq:
		return c.min <= 0 && c.max >= 0
	case CmpLt:
		return c.min < 0
	case CmpLtEq:
		return c.min <= 0
	case CmpGt:
		return c.max > 0
	case CmpGtEq:
		return c.max >= 0
	}
	return true
}

// statComparison holds cmp(min, value) and cmp(max, value).
type statComparison struct{ min, max int }

// compareStats compares a chunk's min and max with v; ok is false when
// either cannot be read in the engine's terms.
func compareStats(sc statColumn, st metadata.TypedStatistics, v any) (statComparison, bool) {
	switch sc.kind {
	case statInt, statUint, statDate:
		lo, hi, ok := intStats(st, sc.kind == statUint)
		if !ok {
			return statComparison{}, false
		}
		x, ok := intValue(v, sc.kind == statDate)
		if !ok {
			return statComparison{}, false
		}
		return statComparison{cmp.Compare(lo, x), cmp.Compare(hi, x)}, true
	case statTimestamp:
		s, ok := st.(*metadata.Int64Statistics)
		if !ok {
			return statComparison{}, false
		}
		lo, ok1 := toMicros(s.Min(), sc)
		hi, ok2 := toMicros(s.Max(), sc)
		x, ok3 := v.(arrow.Timestamp)
		if !ok1 || !ok2 || !ok3 {
			return statComparison{}, false
		}
		return statComparison{cmp.Compare(lo, int64(x)), cmp.Compare(hi, int64(x))}, true
	case statDecimal:
		lo, hi, ok := decimalStats(st)
		x, ok2 := v.(decimal128.Num)
		if !ok || !ok2 {
			return statComparison{}, false
		}
		return statComparison{lo.Cmp(x), hi.Cmp(x)}, true
	case statFloat:
		var lo, hi float64
		switch s := st.(type) {
		case *metadata.Float64Statistics:
			lo, hi = s.Min(), s.Max()
		case *metadata.Float32Statistics:
			lo, hi = float64(s.Min()), float64(s.Max())
		default:
			return statComparison{}, false
		}
		x, ok := v.(float64)
		if !ok || math.IsNaN(x) || math.IsNaN(lo) || math.IsNaN(hi) {
			return statComparison{}, false
		}
		return statComparison{cmp.Compare(lo, x), cmp.Compare(hi, x)}, true
	case statString:
		s, ok := st.(*metadata.ByteArrayStatistics)
		x, ok2 := v.(string)
		if !ok || !ok2 {
			return statComparison{}, false
		}
		// Byte-wise order, as Parquet orders UTF-8. Truncated statistics
		// stay valid bounds (a shorter min, a rounded-up max).
		return statComparison{cmp.Compare(bytesStr(s.Min()), x), cmp.Compare(bytesStr(s.Max()), x)}, true
	case statBool:
		s, ok := st.(*metadata.BooleanStatistics)
		x, ok2 := v.(bool)
		if !ok || !ok2 {
			return statComparison{}, false
		}
		return statComparison{cmp.Compare(b2i(s.Min()), b2i(x)), cmp.Compare(b2i(s.Max()), b2i(x))}, true
	}
	return statComparison{}, false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// intStats reads integer statistics as int64.
func intStats(st metadata.TypedStatistics, unsigned bool) (lo, hi int64, ok bool) {
	switch s := st.(type) {
	case *metadata.Int32Statistics:
		if unsigned {
			return int64(uint32(s.Min())), int64(uint32(s.Max())), true
		}
		return int64(s.Min()), int64(s.Max()), true
	case *metadata.Int64Statistics:
		if unsigned {
			return 0, 0, false
		}
		return s.Min(), s.Max(), true
	}
	return 0, 0, false
}

// intValue reads a predicate value of an integer or date column.
func intValue(v any, date bool) (int64, bool) {
	switch x := v.(type) {
	case arrow.Date32:
		return int64(x), date
	case int8:
		return int64(x), !date
	case int16:
		return int64(x), !date
	case int32:
		return int64(x), !date
	case int64:
		return x, !date
	case int:
		return int64(x), !date
	}
	return 0, false
}

// toMicros converts a timestamp statistic to microseconds.
func toMicros(v int64, sc statColumn) (int64, bool) {
	if sc.mul != 1 {
		if v > math.MaxInt64/sc.mul || v < math.MinInt64/sc.mul {
			return 0, false
		}
		return v * sc.mul, true
	}
	return floorDiv(v, sc.div), true
}

// decimalStats reads decimal statistics as unscaled decimal128 values.
func decimalStats(st metadata.TypedStatistics) (lo, hi decimal128.Num, ok bool) {
	switch s := st.(type) {
	case *metadata.Int32Statistics:
		return decimal128.FromI64(int64(s.Min())), decimal128.FromI64(int64(s.Max())), true
	case *metadata.Int64Statistics:
		return decimal128.FromI64(s.Min()), decimal128.FromI64(s.Max()), true
	case *metadata.FixedLenByteArrayStatistics:
		lo, ok1 := decimalFromBigEndian(s.Min())
		hi, ok2 := decimalFromBigEndian(s.Max())
		return lo, hi, ok1 && ok2
	case *metadata.ByteArrayStatistics:
		lo, ok1 := decimalFromBigEndian(s.Min())
		hi, ok2 := decimalFromBigEndian(s.Max())
		return lo, hi, ok1 && ok2
	}
	return decimal128.Num{}, decimal128.Num{}, false
}

// decimalFromBigEndian decodes Parquet's decimal bytes: a big-endian two's
// complement integer of any width. ok is false when it does not fit 128
// bits or is empty.
func decimalFromBigEndian(b []byte) (decimal128.Num, bool) {
	if len(b) == 0 {
		return decimal128.Num{}, false
	}
	neg := b[0]&0x80 != 0
	ext := byte(0)
	if neg {
		ext = 0xff
	}
	for len(b) > 16 {
		if b[0] != ext {
			return decimal128.Num{}, false
		}
		b = b[1:]
	}
	var buf [16]byte
	for i := range 16 - len(b) {
		buf[i] = ext
	}
	copy(buf[16-len(b):], b)
	var hi, lo uint64
	for i := range 8 {
		hi = hi<<8 | uint64(buf[i])
		lo = lo<<8 | uint64(buf[8+i])
	}
	return decimal128.New(int64(hi), lo), true
}
