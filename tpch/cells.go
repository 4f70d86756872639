package tpch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Table is a query result as text, the form in which results are compared:
// the column names and one slice of cells per row. A NULL is the empty
// cell, as in the answer files; dates are YYYY-MM-DD and decimals are in
// plain notation with exactly their scale's digits after the point.
type Table struct {
	Columns []string
	Rows    [][]string
}

// BatchReader is a stream of record batches ending with io.EOF, whose
// caller releases each batch; *ember.Result is one.
type BatchReader interface {
	Schema() *arrow.Schema
	Next(ctx context.Context) (arrow.RecordBatch, error)
}

// ReadTable reads r to its end and returns its rows as cells. It does not
// close r.
func ReadTable(ctx context.Context, r BatchReader) (Table, error) {
	t := NewTable(r.Schema())
	for {
		b, err := r.Next(ctx)
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		if err != nil {
			return Table{}, err
		}
		err = t.AppendBatch(b)
		b.Release()
		if err != nil {
			return Table{}, err
		}
	}
}

// NewTable returns an empty table with the columns of schema.
func NewTable(schema *arrow.Schema) Table {
	t := Table{Columns: make([]string, 0, schema.NumFields())}
	for _, f := range schema.Fields() {
		t.Columns = append(t.Columns, f.Name)
	}
	return t
}

// AppendBatch appends the rows of b as cells. The cells are copies: b may
// be released afterwards.
func (t *Table) AppendBatch(b arrow.RecordBatch) error {
	if int(b.NumCols()) != len(t.Columns) {
		return fmt.Errorf("batch has %d columns, the table %d", b.NumCols(), len(t.Columns))
	}
	first := len(t.Rows)
	n := int(b.NumRows())
	for r := 0; r < n; r++ {
		t.Rows = append(t.Rows, make([]string, len(t.Columns)))
	}
	for c := range t.Columns {
		cell, err := cellFunc(b.Column(c))
		if err != nil {
			return fmt.Errorf("column %s: %w", t.Columns[c], err)
		}
		for r := 0; r < n; r++ {
			t.Rows[first+r][c] = cell(r)
		}
	}
	return nil
}

// cellFunc returns the function that renders row i of arr, "" for NULL.
func cellFunc(arr arrow.Array) (func(int) string, error) {
	var text func(int) string
	switch a := arr.(type) {
	case *array.Boolean:
		text = func(i int) string { return strconv.FormatBool(a.Value(i)) }
	case *array.Int8:
		text = func(i int) string { return strconv.FormatInt(int64(a.Value(i)), 10) }
	case *array.Int16:
		text = func(i int) string { return strconv.FormatInt(int64(a.Value(i)), 10) }
	case *array.Int32:
		text = func(i int) string { return strconv.FormatInt(int64(a.Value(i)), 10) }
	case *array.Int64:
		text = func(i int) string { return strconv.FormatInt(a.Value(i), 10) }
	case *array.Uint8:
		text = func(i int) string { return strconv.FormatUint(uint64(a.Value(i)), 10) }
	case *array.Uint16:
		text = func(i int) string { return strconv.FormatUint(uint64(a.Value(i)), 10) }
	case *array.Uint32:
		text = func(i int) string { return strconv.FormatUint(uint64(a.Value(i)), 10) }
	case *array.Uint64:
		text = func(i int) string { return strconv.FormatUint(a.Value(i), 10) }
	case *array.Float32:
		text = func(i int) string { return strconv.FormatFloat(float64(a.Value(i)), 'f', -1, 32) }
	case *array.Float64:
		text = func(i int) string { return FormatFloat(a.Value(i)) }
	case *array.Decimal128:
		scale := a.DataType().(*arrow.Decimal128Type).Scale
		text = func(i int) string { return FormatDecimal(a.Value(i).BigInt(), scale) }
	case *array.Decimal256:
		scale := a.DataType().(*arrow.Decimal256Type).Scale
		text = func(i int) string { return FormatDecimal(a.Value(i).BigInt(), scale) }
	case *array.String:
		text = func(i int) string { return string([]byte(a.Value(i))) } // a copy: the batch may be freed
	case *array.LargeString:
		text = func(i int) string { return string([]byte(a.Value(i))) }
	case *array.StringView:
		text = func(i int) string { return string([]byte(a.Value(i))) }
	case *array.Date32:
		text = func(i int) string { return FormatDate(a.Value(i).ToTime()) }
	case *array.Date64:
		text = func(i int) string { return FormatDate(a.Value(i).ToTime()) }
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		text = func(i int) string { return FormatTimestamp(a.Value(i).ToTime(unit)) }
	default:
		return nil, fmt.Errorf("cannot compare values of type %s", arr.DataType())
	}
	if arr.NullN() == 0 {
		return text, nil
	}
	return func(i int) string {
		if arr.IsNull(i) {
			return ""
		}
		return text(i)
	}, nil
}

// FormatDecimal renders the decimal unscaled × 10^-scale in plain notation
// with exactly scale digits after the point: 12.30, -0.05, 7.
func FormatDecimal(unscaled *big.Int, scale int32) string {
	digits := new(big.Int).Abs(unscaled).String()
	if scale > 0 {
		if pad := int(scale) + 1 - len(digits); pad > 0 {
			digits = zeros(pad) + digits
		}
		cut := len(digits) - int(scale)
		digits = digits[:cut] + "." + digits[cut:]
	} else if scale < 0 && unscaled.Sign() != 0 {
		digits += zeros(int(-scale))
	}
	if unscaled.Sign() < 0 {
		return "-" + digits
	}
	return digits
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

// FormatFloat renders a double in plain notation with the fewest digits
// that read back to the same value.
func FormatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// FormatDate renders the date of t (in UTC) as YYYY-MM-DD.
func FormatDate(t time.Time) string { return t.UTC().Format("2006-01-02") }

// FormatTimestamp renders t (in UTC) as YYYY-MM-DD HH:MM:SS, with the
// microseconds when there are any.
func FormatTimestamp(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond() == 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04:05.000000")
}
