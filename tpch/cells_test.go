package tpch

import (
	"context"
	"errors"
	"io"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// sliceReader is a BatchReader over batches it owns until handed out.
type sliceReader struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	err     error // returned after the batches, instead of io.EOF
}

func (r *sliceReader) Schema() *arrow.Schema { return r.schema }

func (r *sliceReader) Next(context.Context) (arrow.RecordBatch, error) {
	if len(r.batches) == 0 {
		if r.err != nil {
			return nil, r.err
		}
		return nil, io.EOF
	}
	b := r.batches[0]
	r.batches = r.batches[1:]
	return b, nil
}

var cellSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "money", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
	{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "n", Type: arrow.PrimitiveTypes.Int32},
	{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true},
}, nil)

// cellBatch makes a batch of cellSchema whose rows start at key first.
func cellBatch(mem memory.Allocator, first int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, cellSchema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{first, first + 1, -7}, []bool{true, true, true})
	dec := b.Field(1).(*array.Decimal128Builder)
	dec.Append(decimal128.FromI64(1230))
	dec.Append(decimal128.FromI64(-5))
	dec.AppendNull()
	date := b.Field(2).(*array.Date32Builder)
	date.Append(arrow.Date32FromTime(time.Date(1995, 3, 15, 0, 0, 0, 0, time.UTC)))
	date.AppendNull()
	date.Append(arrow.Date32FromTime(time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)))
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"BUILDING", "", "x,y"}, []bool{true, false, true})
	b.Field(4).(*array.Float64Builder).AppendValues([]float64{0.5, 25.575154611454693, 1e21}, nil)
	b.Field(5).(*array.Int32Builder).AppendValues([]int32{1, 2, 3}, nil)
	ts := b.Field(6).(*array.TimestampBuilder)
	ts.Append(arrow.Timestamp(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).UnixMicro()))
	ts.Append(arrow.Timestamp(time.Date(2024, 1, 2, 3, 4, 5, 6000, time.UTC).UnixMicro()))
	ts.AppendNull()
	return b.NewRecordBatch()
}

func TestReadTable(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := &sliceReader{schema: cellSchema, batches: []arrow.RecordBatch{cellBatch(mem, 1), cellBatch(mem, 10)}}
	got, err := ReadTable(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	want := Table{
		Columns: []string{"k", "money", "d", "s", "f", "n", "ts"},
		Rows: [][]string{
			{"1", "12.30", "1995-03-15", "BUILDING", "0.5", "1", "2024-01-02 03:04:05"},
			{"2", "-0.05", "", "", "25.575154611454693", "2", "2024-01-02 03:04:05.000006"},
			{"-7", "", "1969-12-31", "x,y", "1000000000000000000000", "3", ""},
			{"10", "12.30", "1995-03-15", "BUILDING", "0.5", "1", "2024-01-02 03:04:05"},
			{"11", "-0.05", "", "", "25.575154611454693", "2", "2024-01-02 03:04:05.000006"},
			{"-7", "", "1969-12-31", "x,y", "1000000000000000000000", "3", ""},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestReadTableError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	boom := errors.New("boom")
	r := &sliceReader{schema: cellSchema, batches: []arrow.RecordBatch{cellBatch(mem, 1)}, err: boom}
	if _, err := ReadTable(context.Background(), r); !errors.Is(err, boom) {
		t.Errorf("got %v, want the reader's error", err)
	}
}

func TestAppendBatchRejectsUnknownTypes(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "l", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64)}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).AppendNull()
	batch := b.NewRecordBatch()
	defer batch.Release()
	tab := NewTable(schema)
	if err := tab.AppendBatch(batch); err == nil {
		t.Error("no error for a list column")
	}
	other := NewTable(cellSchema)
	if err := other.AppendBatch(batch); err == nil {
		t.Error("no error for a batch with other columns")
	}
}

func TestDrain(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	rows, kept, err := Drain(ctx, &sliceReader{schema: cellSchema, batches: []arrow.RecordBatch{cellBatch(mem, 1), cellBatch(mem, 4)}}, false)
	if err != nil || rows != 6 || kept != nil {
		t.Errorf("Drain without keep: %d rows, %d batches, %v", rows, len(kept), err)
	}
	rows, kept, err = Drain(ctx, &sliceReader{schema: cellSchema, batches: []arrow.RecordBatch{cellBatch(mem, 1), cellBatch(mem, 4)}}, true)
	if err != nil || rows != 6 || len(kept) != 2 {
		t.Fatalf("Drain with keep: %d rows, %d batches, %v", rows, len(kept), err)
	}
	tab, err := TableOf(cellSchema, kept)
	ReleaseAll(kept)
	if err != nil || len(tab.Rows) != 6 || tab.Rows[3][0] != "4" {
		t.Errorf("TableOf: %v, %v", tab.Rows, err)
	}
	boom := errors.New("boom")
	_, kept, err = Drain(ctx, &sliceReader{schema: cellSchema, batches: []arrow.RecordBatch{cellBatch(mem, 1)}, err: boom}, true)
	if !errors.Is(err, boom) || kept != nil {
		t.Errorf("Drain of a failing reader: %v, %d batches", err, len(kept))
	}
}

func TestFormatDecimal(t *testing.T) {
	tests := []struct {
		unscaled int64
		scale    int32
		want     string
	}{
		{1230, 2, "12.30"},
		{-5, 2, "-0.05"},
		{0, 2, "0.00"},
		{5, 0, "5"},
		{-123456, 4, "-12.3456"},
		{7, -2, "700"},
		{0, -2, "0"},
	}
	for _, tt := range tests {
		if got := FormatDecimal(big.NewInt(tt.unscaled), tt.scale); got != tt.want {
			t.Errorf("FormatDecimal(%d, %d) = %q, want %q", tt.unscaled, tt.scale, got, tt.want)
		}
	}
	big38, _ := new(big.Int).SetString("-12345678901234567890123456789012345678", 10)
	if got := FormatDecimal(big38, 2); got != "-123456789012345678901234567890123456.78" {
		t.Errorf("38 digits: %s", got)
	}
}
