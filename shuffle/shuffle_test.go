package shuffle

import (
	"context"
	"io"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/physical"
)

var kvSchema = arrow.NewSchema([]arrow.Field{
	{Name: "k", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "v", Type: arrow.BinaryTypes.String},
}, nil)

func kvBatch(mem memory.Allocator, keys []int64, nulls []bool) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, kvSchema)
	defer b.Release()
	for i, k := range keys {
		if nulls != nil && nulls[i] {
			b.Field(0).AppendNull()
		} else {
			b.Field(0).(*array.Int64Builder).Append(k)
		}
		b.Field(1).(*array.StringBuilder).Append("row")
	}
	return b.NewRecordBatch()
}

// TestHashPartitionerGroupsEqualKeys checks that every row lands in exactly
// one partition, that equal keys (NULL included) land in the same one
// whichever batch they come in, and that several partitions are used.
func TestHashPartitionerGroupsEqualKeys(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	key := &planner.Column{Index: 0, Name: "k", DataType: arrow.PrimitiveTypes.Int64, Null: true}
	p, err := NewPartitioner(physical.Partitioning{Kind: physical.Hash, N: 4, Keys: []planner.Expr{key}}, kvSchema)
	if err != nil {
		t.Fatal(err)
	}
	where := map[string]int{}
	rows := 0
	used := map[int]bool{}
	for round := 0; round < 2; round++ {
		keys := make([]int64, 100)
		nulls := make([]bool, 100)
		for i := range keys {
			keys[i] = int64((i*7 + round) % 50)
			nulls[i] = i%17 == 0
		}
		b := kvBatch(mem, keys, nulls)
		err := p.Split(mem, b, func(part int, piece arrow.RecordBatch) {
			defer piece.Release()
			used[part] = true
			col := piece.Column(0).(*array.Int64)
			for i := 0; i < col.Len(); i++ {
				k := "NULL"
				if col.IsValid(i) {
					k = string(rune('A' + col.Value(i)))
				}
				if prev, ok := where[k]; ok && prev != part {
					t.Errorf("key %s in partitions %d and %d", k, prev, part)
				}
				where[k] = part
				rows++
			}
		})
		b.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	if rows != 200 {
		t.Fatalf("partitioned %d rows, want 200", rows)
	}
	if len(used) < 3 {
		t.Fatalf("51 distinct keys used only %d of 4 partitions", len(used))
	}
}

func TestStoreCommitReplacesAndReads(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s := NewStore()
	// Task 0 of stage 1 writes partition 1 twice (a retry): only the
	// second output may be read.
	s.Commit(1, 0, [][]arrow.RecordBatch{nil, {kvBatch(mem, []int64{1, 2, 3}, nil)}})
	s.Commit(1, 0, [][]arrow.RecordBatch{nil, {kvBatch(mem, []int64{4}, nil)}})
	s.Commit(1, 1, [][]arrow.RecordBatch{{kvBatch(mem, []int64{5}, nil)}, {kvBatch(mem, []int64{6, 7}, nil)}})
	ctx := context.Background()
	count := func(partition int) int64 {
		op, err := s.Open(ctx, 1, partition, kvSchema)
		if err != nil {
			t.Fatal(err)
		}
		defer op.Close()
		var n int64
		for {
			b, err := op.Next(ctx)
			if err == io.EOF {
				return n
			}
			if err != nil {
				t.Fatal(err)
			}
			n += b.NumRows()
			b.Release()
		}
	}
	if n := count(1); n != 3 {
		t.Fatalf("partition 1 has %d rows, want 3 (the retried task's 1 + task 1's 2)", n)
	}
	if n := count(0); n != 1 {
		t.Fatalf("partition 0 has %d rows, want 1", n)
	}
	s.Drop(1)
	if n := count(1); n != 0 {
		t.Fatalf("after Drop, partition 1 has %d rows", n)
	}
	s.Commit(2, 0, [][]arrow.RecordBatch{{kvBatch(mem, []int64{1}, nil)}})
	s.Close()
}
