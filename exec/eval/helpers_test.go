package eval

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// Test helpers: build arrays from Go values, build expressions tersely,
// evaluate and render results as strings.

var (
	tBool   = planner.TypeBoolean
	tI8     = planner.TypeTinyInt
	tI16    = planner.TypeSmallInt
	tI32    = planner.TypeInt
	tI64    = planner.TypeBigInt
	tF64    = planner.TypeDouble
	tStr    = planner.TypeString
	tLStr   = arrow.BinaryTypes.LargeString
	tDate   = planner.TypeDate
	tTS     = planner.TypeTimestamp
	tIv     = planner.TypeInterval
	tNull   = planner.TypeNull
	tDec152 = planner.Decimal(15, 2)
)

func dec(p, s int32) arrow.DataType { return planner.Decimal(p, s) }

// mustDecimal parses "12.34" into an unscaled value at scale s.
func mustDecimal(v string, s int32) decimal128.Num {
	n, ok := parseDecimal([]byte(v), 38, s)
	if !ok {
		panic("bad decimal " + v)
	}
	return n
}

func mustDate(v string) arrow.Date32 {
	d, ok := parseDate([]byte(v))
	if !ok {
		panic("bad date " + v)
	}
	return arrow.Date32(d)
}

func mustTS(v string) arrow.Timestamp {
	t, ok := parseTimestamp([]byte(v))
	if !ok {
		panic("bad timestamp " + v)
	}
	return arrow.Timestamp(t)
}

// goValue converts a test value to the planner.Literal representation of
// dt: decimals, dates and timestamps may be written as strings.
func goValue(dt arrow.DataType, v any) any {
	if v == nil {
		return nil
	}
	switch dt.ID() {
	case arrow.DECIMAL128:
		if s, ok := v.(string); ok {
			return mustDecimal(s, dt.(*arrow.Decimal128Type).Scale)
		}
	case arrow.DATE32:
		if s, ok := v.(string); ok {
			return mustDate(s)
		}
	case arrow.TIMESTAMP:
		if s, ok := v.(string); ok {
			return mustTS(s)
		}
	case arrow.INT8:
		if i, ok := v.(int); ok {
			return int8(i)
		}
	case arrow.INT16:
		if i, ok := v.(int); ok {
			return int16(i)
		}
	case arrow.INT32:
		if i, ok := v.(int); ok {
			return int32(i)
		}
	case arrow.INT64:
		if i, ok := v.(int); ok {
			return int64(i)
		}
	case arrow.FLOAT64:
		if i, ok := v.(int); ok {
			return float64(i)
		}
	}
	return v
}

// build makes an array of type dt from test values (nil for NULL).
func build(mem memory.Allocator, dt arrow.DataType, vals ...any) arrow.Array {
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range vals {
		v = goValue(dt, v)
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.Int8Builder:
			b.Append(v.(int8))
		case *array.Int16Builder:
			b.Append(v.(int16))
		case *array.Int32Builder:
			b.Append(v.(int32))
		case *array.Int64Builder:
			b.Append(v.(int64))
		case *array.Float64Builder:
			b.Append(v.(float64))
		case *array.Decimal128Builder:
			b.Append(v.(decimal128.Num))
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.LargeStringBuilder:
			b.Append(v.(string))
		case *array.Date32Builder:
			b.Append(v.(arrow.Date32))
		case *array.TimestampBuilder:
			b.Append(v.(arrow.Timestamp))
		case *array.MonthDayNanoIntervalBuilder:
			b.Append(v.(arrow.MonthDayNanoInterval))
		case *array.NullBuilder:
			b.AppendNull()
		default:
			panic(fmt.Sprintf("build: unsupported builder %T", b))
		}
	}
	return b.NewArray()
}

// offsetted returns arr's values in an array with a non-zero offset (a
// slice of a longer array), which kernels must honour.
func offsetted(mem memory.Allocator, arr arrow.Array, k int) arrow.Array {
	pad := array.MakeArrayOfNull(mem, arr.DataType(), k)
	defer pad.Release()
	cat, err := array.Concatenate([]arrow.Array{pad, arr, pad}, mem)
	if err != nil {
		panic(err)
	}
	defer cat.Release()
	return array.NewSlice(cat, int64(k), int64(k+arr.Len()))
}

// render renders each row of arr as a string; NULL as "NULL".
func render(arr arrow.Array) []string {
	out := make([]string, arr.Len())
	for i := range out {
		out[i] = renderValue(arr.DataType(), ValueAt(arr, i))
	}
	return out
}

func renderValue(dt arrow.DataType, v any) string {
	if v == nil {
		return "NULL"
	}
	switch v := v.(type) {
	case decimal128.Num:
		return planner.FormatDecimal(v, dt.(*arrow.Decimal128Type).Scale)
	case arrow.Date32:
		return planner.FormatDate(v)
	case arrow.Timestamp:
		return planner.FormatTimestamp(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case arrow.MonthDayNanoInterval:
		return fmt.Sprintf("%dm%dd%dns", v.Months, v.Days, v.Nanoseconds)
	}
	return fmt.Sprint(v)
}

// Expression builders.

func col(i int, dt arrow.DataType) *planner.Column {
	return &planner.Column{Index: i, Name: fmt.Sprintf("c%d", i), DataType: dt, Null: true}
}

func lit(v any, dt arrow.DataType) *planner.Literal {
	return &planner.Literal{Value: goValue(dt, v), DataType: dt}
}

func bin(op planner.BinaryOp, l, r planner.Expr, dt arrow.DataType) *planner.Binary {
	return &planner.Binary{Op: op, Left: l, Right: r, DataType: dt}
}

func cmpE(op planner.BinaryOp, l, r planner.Expr) *planner.Binary {
	return bin(op, l, r, tBool)
}

func fn(name string, dt arrow.DataType, args ...planner.Expr) *planner.Func {
	return &planner.Func{Name: name, Args: args, DataType: dt}
}

func cast(x planner.Expr, to arrow.DataType) *planner.Cast { return &planner.Cast{X: x, To: to} }

// input is one column of test data.
type input struct {
	dt   arrow.DataType
	vals []any
}

func in(dt arrow.DataType, vals ...any) input { return input{dt: dt, vals: vals} }

// evalCase is one table-driven evaluation test: the expression over the
// inputs gives want (rendered), or an error containing err.
type evalCase struct {
	name string
	expr planner.Expr
	in   []input
	want []string
	err  string
}

// runCases runs each case twice, over plain and over offset inputs, with
// a checked allocator that must end empty.
func runCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, tc := range cases {
		for _, sliced := range []bool{false, true} {
			name := tc.name
			if name == "" {
				name = tc.expr.String()
			}
			if sliced {
				name += "/offset"
			}
			t.Run(name, func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				got, err := evalInputs(mem, tc.expr, tc.in, sliced)
				if tc.err != "" {
					if err == nil || !strings.Contains(err.Error(), tc.err) {
						t.Fatalf("got %v, %v; want error containing %q", got, err, tc.err)
					}
					return
				}
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if strings.Join(got, "|") != strings.Join(tc.want, "|") {
					t.Fatalf("got  %q\nwant %q", got, tc.want)
				}
			})
		}
	}
}

// evalInputs compiles e over the inputs' schema and evaluates it.
func evalInputs(mem memory.Allocator, e planner.Expr, ins []input, sliced bool) ([]string, error) {
	fields := make([]arrow.Field, len(ins))
	cols := make([]arrow.Array, len(ins))
	n := 1
	for i, c := range ins {
		n = len(c.vals)
		fields[i] = arrow.Field{Name: fmt.Sprintf("c%d", i), Type: c.dt, Nullable: true}
		a := build(mem, c.dt, c.vals...)
		if sliced {
			s := offsetted(mem, a, 3)
			a.Release()
			a = s
		}
		cols[i] = a
	}
	schema := arrow.NewSchema(fields, nil)
	batch := array.NewRecordBatch(schema, cols, int64(n))
	defer batch.Release()
	releaseAll(cols)
	ev, err := Compile(e, schema)
	if err != nil {
		return nil, err
	}
	out, err := ev.Eval(mem, batch)
	if err != nil {
		return nil, err
	}
	defer out.Release()
	if out.Len() != n {
		return nil, fmt.Errorf("result has %d rows, want %d", out.Len(), n)
	}
	if !arrow.TypeEqual(out.DataType(), ev.Type()) {
		return nil, fmt.Errorf("result type %s, want %s", out.DataType(), ev.Type())
	}
	return render(out), nil
}

// rows is shorthand for an expected result.
func rows(vals ...string) []string { return vals }
