package flightserver

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestConform(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	batch := func(nullable bool, dt arrow.DataType) arrow.RecordBatch {
		schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: dt, Nullable: nullable}}, nil)
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		b.Field(0).AppendNull()
		return b.NewRecordBatch()
	}
	want := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)

	// Same columns, other nullability: the batch takes the stream's schema.
	got, err := conform(batch(true, arrow.PrimitiveTypes.Int64), want)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Schema().Equal(want) || got.NumRows() != 1 {
		t.Errorf("conformed batch has schema %s and %d rows", got.Schema(), got.NumRows())
	}
	got.Release()

	// Other column types are an error, and the batch is released.
	if _, err := conform(batch(false, arrow.BinaryTypes.String), want); err == nil || !strings.Contains(err.Error(), "result column 1 is utf8") {
		t.Errorf("type mismatch: %v", err)
	}
	wide := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}, {Name: "y", Type: arrow.PrimitiveTypes.Int64}}, nil)
	if _, err := conform(batch(false, arrow.PrimitiveTypes.Int64), wide); err == nil || !strings.Contains(err.Error(), "1 columns") {
		t.Errorf("column count mismatch: %v", err)
	}
}
