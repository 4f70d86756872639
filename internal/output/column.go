package output

import (
	"encoding/hex"
	"encoding/json"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// valueKind tells a writer what characters a column's text may hold, which
// decides quoting in CSV, escaping in TSV and alignment in tables.
type valueKind uint8

const (
	// kindText may hold any character (strings, and types rendered by
	// arrow's fallback): CSV may quote it, TSV escapes it, tables clean it.
	kindText valueKind = iota
	// kindNumber is digits, sign, point and exponent: never quoted, and
	// right-aligned in tables.
	kindNumber
	// kindPlain is a fixed alphabet without separators or line breaks
	// (booleans, dates, timestamps, intervals, hex bytes): never quoted.
	kindPlain
)

// appendFunc appends the rendering of row i, which is not null, to dst.
type appendFunc func(dst []byte, i int) []byte

// column renders the values of one array. It is built once per batch so
// that the per-row work is a null check and one call of a typed closure
// over the array's raw values, with no type switch or allocation per row.
type column struct {
	kind valueKind
	app  appendFunc
	// hasNulls is false when no row is null, to skip the null check.
	hasNulls bool
	// isNull reports a null row; it is arr.IsNull except for dictionaries,
	// whose dictionary can hold nulls too, and the NULL type.
	isNull func(i int) bool
}

// null reports whether row i is null.
func (c *column) null(i int) bool { return c.hasNulls && c.isNull(i) }

// newColumn returns the renderer of arr. With asJSON it renders JSON
// tokens (strings quoted and escaped, NaN and infinities as strings);
// otherwise it renders bare text for the writers to quote or escape.
func newColumn(arr arrow.Array, asJSON bool) column {
	c := column{kind: kindNumber, hasNulls: arr.NullN() > 0, isNull: arr.IsNull}
	quote := func(f appendFunc) appendFunc {
		if !asJSON {
			return f
		}
		return func(dst []byte, i int) []byte {
			dst = append(dst, '"')
			dst = f(dst, i)
			return append(dst, '"')
		}
	}
	switch a := arr.(type) {
	case *array.Null:
		c.hasNulls = a.Len() > 0
		c.isNull = func(int) bool { return true }
		c.app = func(dst []byte, _ int) []byte { return dst }
	case *array.Boolean:
		c.kind = kindPlain
		c.app = func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }
	case *array.Int8:
		c.app = intAppender(a.Int8Values())
	case *array.Int16:
		c.app = intAppender(a.Int16Values())
	case *array.Int32:
		c.app = intAppender(a.Int32Values())
	case *array.Int64:
		c.app = intAppender(a.Int64Values())
	case *array.Uint8:
		c.app = uintAppender(a.Uint8Values())
	case *array.Uint16:
		c.app = uintAppender(a.Uint16Values())
	case *array.Uint32:
		c.app = uintAppender(a.Uint32Values())
	case *array.Uint64:
		c.app = uintAppender(a.Uint64Values())
	case *array.Float32:
		vals := a.Float32Values()
		c.app = func(dst []byte, i int) []byte { return appendFloat(dst, float64(vals[i]), 32, asJSON) }
	case *array.Float64:
		vals := a.Float64Values()
		c.app = func(dst []byte, i int) []byte { return appendFloat(dst, vals[i], 64, asJSON) }
	case *array.Decimal32:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal32Type).Scale
		c.app = func(dst []byte, i int) []byte { return appendDecimalInt64(dst, int64(vals[i]), scale) }
	case *array.Decimal64:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal64Type).Scale
		c.app = func(dst []byte, i int) []byte { return appendDecimalInt64(dst, int64(vals[i]), scale) }
	case *array.Decimal128:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal128Type).Scale
		c.app = func(dst []byte, i int) []byte { return appendDecimal128(dst, vals[i], scale) }
	case *array.Decimal256:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal256Type).Scale
		c.app = func(dst []byte, i int) []byte { return appendDecimal256(dst, vals[i], scale) }
	case *array.String:
		c.kind, c.app = kindText, stringAppender(a.Value, asJSON)
	case *array.LargeString:
		c.kind, c.app = kindText, stringAppender(a.Value, asJSON)
	case *array.StringView:
		c.kind, c.app = kindText, stringAppender(a.Value, asJSON)
	case *array.Binary:
		c.kind, c.app = kindPlain, quote(bytesAppender(a.Value, asJSON))
	case *array.LargeBinary:
		c.kind, c.app = kindPlain, quote(bytesAppender(a.Value, asJSON))
	case *array.BinaryView:
		c.kind, c.app = kindPlain, quote(bytesAppender(a.Value, asJSON))
	case *array.Date32:
		vals := a.Date32Values()
		c.kind = kindPlain
		c.app = quote(func(dst []byte, i int) []byte { return appendDate(dst, int64(vals[i])) })
	case *array.Date64:
		vals := a.Date64Values()
		c.kind = kindPlain
		c.app = quote(func(dst []byte, i int) []byte { return appendDate(dst, floorDiv(int64(vals[i]), msPerDay)) })
	case *array.Timestamp:
		vals, typ := a.TimestampValues(), a.DataType().(*arrow.TimestampType)
		unit, zoned := typ.Unit, typ.TimeZone != ""
		c.kind = kindPlain
		c.app = quote(func(dst []byte, i int) []byte { return appendTimestamp(dst, int64(vals[i]), unit, zoned) })
	case *array.Time32:
		vals, unit := a.Time32Values(), a.DataType().(*arrow.Time32Type).Unit
		c.kind = kindPlain
		c.app = quote(func(dst []byte, i int) []byte { return appendTimeOfDay(dst, int64(vals[i]), unit) })
	case *array.Time64:
		vals, unit := a.Time64Values(), a.DataType().(*arrow.Time64Type).Unit
		c.kind = kindPlain
		c.app = quote(func(dst []byte, i int) []byte { return appendTimeOfDay(dst, int64(vals[i]), unit) })
	case *array.MonthDayNanoInterval:
		vals := a.MonthDayNanoIntervalValues()
		c.kind = kindPlain
		c.app = quote(func(dst []byte, i int) []byte { return appendInterval(dst, vals[i]) })
	case *array.Dictionary:
		values := newColumn(a.Dictionary(), asJSON)
		c.kind = values.kind
		c.hasNulls = a.NullN() > 0 || values.hasNulls
		c.isNull = func(i int) bool { return a.IsNull(i) || values.null(a.GetValueIndex(i)) }
		c.app = func(dst []byte, i int) []byte { return values.app(dst, a.GetValueIndex(i)) }
	default:
		// Nested and rare types: arrow's own rendering, which is correct if
		// not pretty. These are not on any hot path.
		c.kind = kindText
		if asJSON {
			c.app = func(dst []byte, i int) []byte {
				b, err := json.Marshal(arr.GetOneForMarshal(i))
				if err != nil {
					return appendJSONString(dst, arr.ValueStr(i))
				}
				return append(dst, b...)
			}
		} else {
			c.app = func(dst []byte, i int) []byte { return append(dst, arr.ValueStr(i)...) }
		}
	}
	return c
}

// newColumns returns the renderers of every column of batch.
func newColumns(dst []column, batch arrow.RecordBatch, asJSON bool) []column {
	dst = dst[:0]
	for _, arr := range batch.Columns() {
		dst = append(dst, newColumn(arr, asJSON))
	}
	return dst
}

func intAppender[T int8 | int16 | int32 | int64](vals []T) appendFunc {
	return func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(vals[i]), 10) }
}

func uintAppender[T uint8 | uint16 | uint32 | uint64](vals []T) appendFunc {
	return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, uint64(vals[i]), 10) }
}

func stringAppender(value func(int) string, asJSON bool) appendFunc {
	if asJSON {
		return func(dst []byte, i int) []byte { return appendJSONString(dst, value(i)) }
	}
	return func(dst []byte, i int) []byte { return append(dst, value(i)...) }
}

// bytesAppender renders binary values in hex after `\x`, PostgreSQL's
// notation, which survives every format unchanged. In JSON the backslash is
// doubled (the caller adds the quotes).
func bytesAppender(value func(int) []byte, asJSON bool) appendFunc {
	prefix := `\x`
	if asJSON {
		prefix = `\\x`
	}
	return func(dst []byte, i int) []byte {
		dst = append(dst, prefix...)
		return hex.AppendEncode(dst, value(i))
	}
}
