package textfmt

import (
	"encoding/hex"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Kind tells a writer which characters a value's text may hold, which
// decides quoting in CSV, escaping in TSV and alignment in tables.
type Kind uint8

const (
	// KindNumber is digits, sign, point and exponent (and NaN, Infinity):
	// never quoted, and right-aligned in tables.
	KindNumber Kind = iota
	// KindText may hold any character (strings): CSV may have to quote it
	// and TSV to escape it.
	KindText
	// KindPlain is a fixed alphabet without separators, quotes or line
	// breaks (booleans, dates, timestamps, intervals, hex bytes), though
	// it may hold spaces, '-' and ':'.
	KindPlain
)

// AppendFunc appends the text of row i of an array, a row that is not null.
type AppendFunc func(dst []byte, i int) []byte

// Options are the differences between the writers' renderings; the zero
// value is the CLI's text formats.
type Options struct {
	// JSON renders JSON tokens: strings quoted and escaped; dates, times,
	// intervals and binary values quoted; NaN and the infinities as
	// strings. Numbers and decimals stay JSON numbers.
	JSON bool
	// FloatPoint writes every floating-point value with a point or an
	// exponent, as FloatPoint does for AppendFloat.
	FloatPoint bool
	// TimestampSep separates a timestamp's date from its time; zero means
	// 'T'. Spark's partition directory names use a space.
	TimestampSep byte
}

// NewAppender returns the renderer of arr's non-null values and their
// kind, or false for a type it does not render: the NULL type,
// dictionaries, nested and extension types, which each writer treats its
// own way. The renderer is a closure over arr's raw values, built once per
// array so that rendering a row costs no type switch or allocation.
func NewAppender(arr arrow.Array, opts Options) (AppendFunc, Kind, bool) {
	floats := FloatFormat(0)
	if opts.JSON {
		floats |= FloatJSON
	}
	if opts.FloatPoint {
		floats |= FloatPoint
	}
	sep := opts.TimestampSep
	if sep == 0 {
		sep = 'T'
	}
	// quote puts JSON's quotes around a text that needs no escaping.
	quote := func(f AppendFunc) AppendFunc {
		if !opts.JSON {
			return f
		}
		return func(dst []byte, i int) []byte {
			dst = append(dst, '"')
			dst = f(dst, i)
			return append(dst, '"')
		}
	}
	switch a := arr.(type) {
	case *array.Boolean:
		return func(dst []byte, i int) []byte { return strconv.AppendBool(dst, a.Value(i)) }, KindPlain, true
	case *array.Int8:
		return intAppender(a.Int8Values()), KindNumber, true
	case *array.Int16:
		return intAppender(a.Int16Values()), KindNumber, true
	case *array.Int32:
		return intAppender(a.Int32Values()), KindNumber, true
	case *array.Int64:
		return intAppender(a.Int64Values()), KindNumber, true
	case *array.Uint8:
		return uintAppender(a.Uint8Values()), KindNumber, true
	case *array.Uint16:
		return uintAppender(a.Uint16Values()), KindNumber, true
	case *array.Uint32:
		return uintAppender(a.Uint32Values()), KindNumber, true
	case *array.Uint64:
		return uintAppender(a.Uint64Values()), KindNumber, true
	case *array.Float32:
		vals := a.Float32Values()
		return func(dst []byte, i int) []byte { return AppendFloat(dst, float64(vals[i]), 32, floats) }, KindNumber, true
	case *array.Float64:
		vals := a.Float64Values()
		return func(dst []byte, i int) []byte { return AppendFloat(dst, vals[i], 64, floats) }, KindNumber, true
	case *array.Decimal32:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal32Type).Scale
		return func(dst []byte, i int) []byte { return AppendDecimalInt64(dst, int64(vals[i]), scale) }, KindNumber, true
	case *array.Decimal64:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal64Type).Scale
		return func(dst []byte, i int) []byte { return AppendDecimalInt64(dst, int64(vals[i]), scale) }, KindNumber, true
	case *array.Decimal128:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal128Type).Scale
		return func(dst []byte, i int) []byte { return AppendDecimal128(dst, vals[i], scale) }, KindNumber, true
	case *array.Decimal256:
		vals, scale := a.Values(), a.DataType().(*arrow.Decimal256Type).Scale
		return func(dst []byte, i int) []byte { return AppendDecimal256(dst, vals[i], scale) }, KindNumber, true
	case *array.String:
		return stringAppender(a.Value, opts.JSON), KindText, true
	case *array.LargeString:
		return stringAppender(a.Value, opts.JSON), KindText, true
	case *array.StringView:
		return stringAppender(a.Value, opts.JSON), KindText, true
	case *array.Binary:
		return quote(bytesAppender(a.Value, opts.JSON)), KindPlain, true
	case *array.LargeBinary:
		return quote(bytesAppender(a.Value, opts.JSON)), KindPlain, true
	case *array.BinaryView:
		return quote(bytesAppender(a.Value, opts.JSON)), KindPlain, true
	case *array.Date32:
		vals := a.Date32Values()
		return quote(func(dst []byte, i int) []byte { return AppendDate(dst, int64(vals[i])) }), KindPlain, true
	case *array.Date64:
		vals := a.Date64Values()
		return quote(func(dst []byte, i int) []byte { return AppendDateMillis(dst, int64(vals[i])) }), KindPlain, true
	case *array.Timestamp:
		vals, typ := a.TimestampValues(), a.DataType().(*arrow.TimestampType)
		unit, zoned := typ.Unit, typ.TimeZone != ""
		return quote(func(dst []byte, i int) []byte {
			return AppendTimestamp(dst, int64(vals[i]), unit, sep, zoned)
		}), KindPlain, true
	case *array.Time32:
		vals, unit := a.Time32Values(), a.DataType().(*arrow.Time32Type).Unit
		return quote(func(dst []byte, i int) []byte { return AppendTimeOfDay(dst, int64(vals[i]), unit) }), KindPlain, true
	case *array.Time64:
		vals, unit := a.Time64Values(), a.DataType().(*arrow.Time64Type).Unit
		return quote(func(dst []byte, i int) []byte { return AppendTimeOfDay(dst, int64(vals[i]), unit) }), KindPlain, true
	case *array.MonthDayNanoInterval:
		vals := a.MonthDayNanoIntervalValues()
		return quote(func(dst []byte, i int) []byte { return AppendInterval(dst, vals[i]) }), KindPlain, true
	}
	return nil, KindText, false
}

func intAppender[T int8 | int16 | int32 | int64](vals []T) AppendFunc {
	return func(dst []byte, i int) []byte { return strconv.AppendInt(dst, int64(vals[i]), 10) }
}

func uintAppender[T uint8 | uint16 | uint32 | uint64](vals []T) AppendFunc {
	return func(dst []byte, i int) []byte { return strconv.AppendUint(dst, uint64(vals[i]), 10) }
}

func stringAppender(value func(int) string, asJSON bool) AppendFunc {
	if asJSON {
		return func(dst []byte, i int) []byte { return AppendJSONString(dst, value(i)) }
	}
	return func(dst []byte, i int) []byte { return append(dst, value(i)...) }
}

// bytesAppender renders binary values in hex after `\x`, PostgreSQL's
// notation, which every format carries unchanged. In JSON the backslash is
// doubled (the caller adds the quotes).
func bytesAppender(value func(int) []byte, asJSON bool) AppendFunc {
	prefix := `\x`
	if asJSON {
		prefix = `\\x`
	}
	return func(dst []byte, i int) []byte {
		dst = append(dst, prefix...)
		return hex.AppendEncode(dst, value(i))
	}
}
