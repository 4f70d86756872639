package flightserver

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/sql"
)

// oneValue builds a one-value array of type dt with append, or a null.
func oneValue(t *testing.T, mem memory.Allocator, dt arrow.DataType, appendValue func(array.Builder)) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	if appendValue == nil {
		b.AppendNull()
	} else {
		appendValue(b)
	}
	return b.NewArray()
}

func TestSQLLiteral(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ts := time.Date(2024, 2, 29, 13, 4, 5, 123456789, time.UTC)
	tests := []struct {
		name     string
		dt       arrow.DataType
		append   func(array.Builder)
		want     string
		wantType arrow.DataType // what Ember binds the literal as
	}{
		{"true", arrow.FixedWidthTypes.Boolean, func(b array.Builder) { b.(*array.BooleanBuilder).Append(true) }, "TRUE", planner.TypeBoolean},
		{"false", arrow.FixedWidthTypes.Boolean, func(b array.Builder) { b.(*array.BooleanBuilder).Append(false) }, "FALSE", planner.TypeBoolean},
		{"int32", arrow.PrimitiveTypes.Int32, func(b array.Builder) { b.(*array.Int32Builder).Append(42) }, "42", planner.TypeInt},
		{"negative int64", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(-42) }, "(-42)", planner.TypeInt},
		{"large int64", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(5_000_000_000) }, "5000000000", planner.TypeBigInt},
		{"min int64", arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(math.MinInt64) }, "(-9223372036854775808)", planner.TypeBigInt},
		{"uint8", arrow.PrimitiveTypes.Uint8, func(b array.Builder) { b.(*array.Uint8Builder).Append(200) }, "200", planner.TypeInt},
		{"max uint64", arrow.PrimitiveTypes.Uint64, func(b array.Builder) { b.(*array.Uint64Builder).Append(math.MaxUint64) }, "18446744073709551615", planner.Decimal(20, 0)},
		{"float64", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(1.5) }, "1.5e+00", planner.TypeDouble},
		{"negative float64", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(-0.25) }, "(-2.5e-01)", planner.TypeDouble},
		{"NaN", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(math.NaN()) }, "CAST('NaN' AS DOUBLE)", planner.TypeDouble},
		{"-Inf", arrow.PrimitiveTypes.Float64, func(b array.Builder) { b.(*array.Float64Builder).Append(math.Inf(-1)) }, "CAST('-Infinity' AS DOUBLE)", planner.TypeDouble},
		{"float32", arrow.PrimitiveTypes.Float32, func(b array.Builder) { b.(*array.Float32Builder).Append(0.5) }, "5e-01", planner.TypeDouble},
		{"decimal", &arrow.Decimal128Type{Precision: 10, Scale: 2}, func(b array.Builder) {
			b.(*array.Decimal128Builder).Append(decimal128.FromI64(-150))
		}, "CAST(-1.50 AS DECIMAL(10,2))", planner.Decimal(10, 2)},
		{"string with a quote", arrow.BinaryTypes.String, func(b array.Builder) { b.(*array.StringBuilder).Append("O'Brien ?") }, "'O''Brien ?'", planner.TypeString},
		{"large string", arrow.BinaryTypes.LargeString, func(b array.Builder) { b.(*array.LargeStringBuilder).Append(`a\b`) }, `'a\b'`, planner.TypeString},
		{"date32", arrow.FixedWidthTypes.Date32, func(b array.Builder) { b.(*array.Date32Builder).Append(arrow.Date32FromTime(ts)) }, "DATE '2024-02-29'", planner.TypeDate},
		{"date64 before the epoch", arrow.FixedWidthTypes.Date64, func(b array.Builder) {
			b.(*array.Date64Builder).Append(arrow.Date64(-86_400_000))
		}, "DATE '1969-12-31'", planner.TypeDate},
		{"timestamp ns", &arrow.TimestampType{Unit: arrow.Nanosecond}, func(b array.Builder) {
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(ts.UnixNano()))
		}, "TIMESTAMP '2024-02-29T13:04:05.123456'", planner.TypeTimestamp},
		{"timestamp s with zone", &arrow.TimestampType{Unit: arrow.Second, TimeZone: "America/New_York"}, func(b array.Builder) {
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(ts.Unix()))
		}, "TIMESTAMP '2024-02-29T13:04:05'", planner.TypeTimestamp},
		{"driver's time.Time", arrow.FixedWidthTypes.Time64ns, func(b array.Builder) {
			b.(*array.Time64Builder).Append(arrow.Time64(ts.UnixNano()))
		}, "TIMESTAMP '2024-02-29T13:04:05.123456'", planner.TypeTimestamp},
		{"null int64", arrow.PrimitiveTypes.Int64, nil, "CAST(NULL AS BIGINT)", planner.TypeBigInt},
		{"null string", arrow.BinaryTypes.String, nil, "CAST(NULL AS STRING)", planner.TypeString},
		{"null decimal", &arrow.Decimal128Type{Precision: 5, Scale: 1}, nil, "CAST(NULL AS DECIMAL(5,1))", planner.Decimal(5, 1)},
		{"null of the null type", arrow.Null, nil, "NULL", planner.TypeNull},
	}
	cat := catalog.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := oneValue(t, mem, tt.dt, tt.append)
			defer a.Release()
			got, err := sqlLiteral(a, 0)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("literal = %s, want %s", got, tt.want)
			}
			// The literal must mean to Ember what the value was.
			stmt, err := sql.Bind(context.Background(), cat, source("SELECT "+got+" AS v"), sql.BindOptions{})
			if err != nil {
				t.Fatalf("binding %s: %v", got, err)
			}
			if typ := stmt.(*sql.Query).Plan.Schema().Field(0).Type; !arrow.TypeEqual(typ, tt.wantType) {
				t.Errorf("%s binds as %s, want %s", got, typ, tt.wantType)
			}
		})
	}
}

func TestSQLLiteralRefusals(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tests := []struct {
		name   string
		dt     arrow.DataType
		append func(array.Builder)
		want   string
	}{
		{"binary", arrow.BinaryTypes.Binary, func(b array.Builder) { b.(*array.BinaryBuilder).Append([]byte{1}) }, "type binary cannot be a parameter"},
		{"null binary", arrow.BinaryTypes.Binary, nil, "type binary cannot be a parameter"},
		{"NUL in a string", arrow.BinaryTypes.String, func(b array.Builder) { b.(*array.StringBuilder).Append("a\x00b") }, "NUL character"},
		{"invalid UTF-8", arrow.BinaryTypes.String, func(b array.Builder) { b.(*array.StringBuilder).Append("a\xffb") }, "not valid UTF-8"},
		{"decimal beyond 38 digits", &arrow.Decimal256Type{Precision: 40, Scale: 0}, nil, "beyond Ember's DECIMAL(38)"},
		{"date beyond year 9999", arrow.FixedWidthTypes.Date32, func(b array.Builder) { b.(*array.Date32Builder).Append(3_000_000) }, "outside years 1 to 9999"},
		{"timestamp overflow", &arrow.TimestampType{Unit: arrow.Second}, func(b array.Builder) {
			b.(*array.TimestampBuilder).Append(arrow.Timestamp(math.MaxInt64 / 10))
		}, "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := oneValue(t, mem, tt.dt, tt.append)
			defer a.Release()
			_, err := sqlLiteral(a, 0)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestRowLiteralsNamesTheParameter(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ok := oneValue(t, mem, arrow.PrimitiveTypes.Int64, func(b array.Builder) { b.(*array.Int64Builder).Append(1) })
	bad := oneValue(t, mem, arrow.BinaryTypes.Binary, func(b array.Builder) { b.(*array.BinaryBuilder).Append([]byte("x")) })
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: ok.DataType()}, {Name: "b", Type: bad.DataType()}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{ok, bad}, 1)
	ok.Release()
	bad.Release()
	defer rec.Release()
	_, err := rowLiterals(rec, 0)
	if err == nil || !strings.HasPrefix(err.Error(), "parameter 2: ") {
		t.Fatalf("error = %v, want one about parameter 2", err)
	}
}
