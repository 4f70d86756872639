package catalog

import (
	"context"
	"errors"
	"io"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var memSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// memBatch makes a batch of keys from..to-1, s = "v" or NULL for odd keys.
func memBatch(mem memory.Allocator, from, to int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, memSchema)
	defer b.Release()
	for k := from; k < to; k++ {
		b.Field(0).(*array.Int64Builder).Append(k)
		if k%2 == 1 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append("v")
		}
	}
	return b.NewRecordBatch()
}

func sumKeys(bs []arrow.RecordBatch, col int) int64 {
	var s int64
	for _, b := range bs {
		for _, v := range b.Column(col).(*array.Int64).Int64Values() {
			s += v
		}
	}
	return s
}

func TestMemTablePartitions(t *testing.T) {
	mem := newMem(t)
	in := []arrow.RecordBatch{memBatch(mem, 0, 10), memBatch(mem, 10, 13), memBatch(mem, 13, 13)}
	tbl := NewMemTable(memSchema, in, 4)
	releaseBatches(in) // the table keeps its own references
	defer tbl.Release()

	if st := tbl.Statistics(); st.Rows != 13 || st.Bytes <= 0 {
		t.Fatalf("statistics %+v", st)
	}
	splits, err := tbl.Splits(context.Background(), ScanRequest{})
	if err != nil {
		t.Fatal(err)
	}
	// 13 rows over 4 partitions: 4, 4, 4, 1.
	var sizes []int64
	for _, s := range splits {
		sizes = append(sizes, s.Rows)
	}
	if len(sizes) != 4 || sizes[0] != 4 || sizes[1] != 4 || sizes[2] != 4 || sizes[3] != 1 {
		t.Fatalf("partition sizes %v", sizes)
	}
	bs := readAll(t, tbl, ScanRequest{Columns: []int{1, 0}}, mem, 3)
	defer releaseBatches(bs)
	if totalRows(bs) != 13 || sumKeys(bs, 1) != 78 {
		t.Fatalf("rows %d sum %d", totalRows(bs), sumKeys(bs, 1))
	}
	for _, b := range bs {
		if b.NumRows() > 3 || b.Schema().Field(0).Name != "s" {
			t.Fatalf("batch %v", b)
		}
	}
	rows := render(bs)
	if rows[0][0] != "v" || rows[1][0] != "(null)" {
		t.Fatalf("rows %v", rows[:2])
	}
	counts := readAll(t, tbl, ScanRequest{}, mem, 100)
	defer releaseBatches(counts)
	if totalRows(counts) != 13 || counts[0].NumCols() != 0 {
		t.Fatalf("counts %d", totalRows(counts))
	}

	if _, err := tbl.Open(context.Background(), Split{Index: 9}, ScanRequest{}, mem, 10); err == nil {
		t.Fatal("want an error for a missing partition")
	}
	wrong := arrow.NewSchema([]arrow.Field{{Name: "k", Type: arrow.PrimitiveTypes.Int32}, {Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBuilder(mem, wrong)
	bad := b.NewRecordBatch()
	b.Release()
	defer bad.Release()
	if err := tbl.Append(bad); err == nil {
		t.Fatal("want an error appending a batch of other types")
	}
}

func TestMemTableConcurrentAppendAndRead(t *testing.T) {
	mem := newMem(t)
	tbl := NewMemTable(memSchema, nil, 3)
	defer tbl.Release()
	const writers, perWriter, rows = 4, 25, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter+100)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				from := int64((w*perWriter + i) * rows)
				b := memBatch(mem, from, from+rows)
				if err := tbl.Append(b); err != nil {
					errs <- err
				}
				b.Release()
			}
		}()
	}
	// Readers run meanwhile: each sees whole batches, so a snapshot's row
	// count is a multiple of the batch size.
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				bs, err := tryReadAll(tbl, ScanRequest{Columns: []int{0}}, mem, 7)
				if err != nil {
					errs <- err
				}
				if n := totalRows(bs); n%rows != 0 {
					errs <- errors.New("partial batch seen")
				}
				releaseBatches(bs)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	n := int64(writers * perWriter * rows)
	bs := readAll(t, tbl, ScanRequest{Columns: []int{0}}, mem, 1000)
	defer releaseBatches(bs)
	if totalRows(bs) != n || sumKeys(bs, 0) != n*(n-1)/2 || tbl.Statistics().Rows != n {
		t.Fatalf("rows %d sum %d", totalRows(bs), sumKeys(bs, 0))
	}
}

func TestMemTableReaderOutlivesRelease(t *testing.T) {
	mem := newMem(t)
	in := memBatch(mem, 0, 5)
	tbl := NewMemTable(memSchema, []arrow.RecordBatch{in}, 1)
	in.Release()
	splits, _ := tbl.Splits(context.Background(), ScanRequest{})
	r, err := tbl.Open(context.Background(), splits[0], ScanRequest{Columns: []int{0}}, mem, 2)
	if err != nil {
		t.Fatal(err)
	}
	tbl.Release()
	extra := memBatch(mem, 0, 1)
	if err := tbl.Append(extra); err == nil {
		t.Fatal("want an error appending to a released table")
	}
	extra.Release()
	var n int64
	for {
		b, err := r.Next(context.Background())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n += b.NumRows()
		b.Release()
	}
	r.Close()
	if n != 5 {
		t.Fatalf("read %d rows", n)
	}
	// A reader closed early releases what it holds.
	in = memBatch(mem, 0, 5)
	tbl = NewMemTable(memSchema, []arrow.RecordBatch{in}, 1)
	in.Release()
	r, _ = tbl.Open(context.Background(), Split{Index: 0}, ScanRequest{Columns: []int{0}}, mem, 2)
	b, _ := r.Next(context.Background())
	b.Release()
	r.Close()
	tbl.Release()
}
