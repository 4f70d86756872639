package jobs

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// batchesOf returns a next function over batches (released as handed
// out).
func batchesOf(batches ...arrow.RecordBatch) func(context.Context) (arrow.RecordBatch, error) {
	return func(context.Context) (arrow.RecordBatch, error) {
		if len(batches) == 0 {
			return nil, io.EOF
		}
		b := batches[0]
		batches = batches[1:]
		return b, nil
	}
}

func int64Batch(mem memory.Allocator, schema *arrow.Schema, vals ...int64) arrow.RecordBatch {
	b := array.NewInt64Builder(mem)
	defer b.Release()
	b.AppendValues(vals, nil)
	col := b.NewArray()
	defer col.Release()
	return array.NewRecordBatch(schema, []arrow.Array{col}, int64(len(vals)))
}

func TestWriteResultStreamsBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// The batches' fields carry metadata (a scan's field ids) that the
	// result's schema does not: the writer takes them all the same.
	tagged := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true,
		Metadata: arrow.NewMetadata([]string{"PARQUET:field_id"}, []string{"1"})}}, nil)
	plain := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil)
	path := filepath.Join(t.TempDir(), "r.parquet")
	rows, err := writeResult(context.Background(), path, plain,
		batchesOf(int64Batch(mem, tagged, 1, 2), int64Batch(mem, plain), int64Batch(mem, tagged, 3)), mem)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 3 {
		t.Errorf("%d rows", rows)
	}
	if got := readInts(t, path); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("read back %v", got)
	}
}

func TestWriteResultRemovesTheFileOnError(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	fb := array.NewFloat64Builder(mem)
	fb.Append(1.5)
	col := fb.NewArray()
	fb.Release()
	wrong := array.NewRecordBatch(other, []arrow.Array{col}, 1)
	col.Release()
	path := filepath.Join(t.TempDir(), "r.parquet")
	_, err := writeResult(context.Background(), path, schema, batchesOf(int64Batch(mem, schema, 1), wrong), mem)
	if err == nil || !strings.Contains(err.Error(), "column x is float64 in a batch but int64 in the result") {
		t.Errorf("error %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the partial file is still there: %v", err)
	}
}
