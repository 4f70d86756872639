package shuffle

import (
	"context"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestCommitBatchesKeepsThemDecoded checks the three ways an output
// committed with CommitBatches is read: a task on the same worker gets the
// very batches (nothing encoded or copied), another worker gets them over
// Flight encoded with the codec (an empty partition included), and past
// the memory budget the output is spilled to a file and still reads the
// same. Every buffer is freed at the end.
func TestCommitBatchesKeepsThemDecoded(t *testing.T) {
	for _, tc := range []struct {
		name    string
		budget  int64
		codec   Codec
		decoded bool
	}{
		{"in memory, lz4 for others", 0, CodecLZ4, true},
		{"in memory, uncompressed for others", 0, CodecNone, true},
		{"past the budget: spilled", -1, CodecLZ4, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storeMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer storeMem.AssertSize(t, 0)
			taskMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer taskMem.AssertSize(t, 0)
			store, dir := newTestStore(t, storeMem, tc.budget, tc.codec)
			defer store.Close()
			srv := startServer(t, store)
			defer srv.stop()

			// Partition 0: 0..2999 in three batches; partition 1: none;
			// partition 2: 5000..5099.
			var parts [3][]arrow.RecordBatch
			for lo := int64(0); lo < 3000; lo += 1000 {
				parts[0] = append(parts[0], numBatch(taskMem, lo, lo+1000))
			}
			parts[2] = append(parts[2], numBatch(taskMem, 5000, 5100))
			id := OutputID{"q1", 0, 3}
			err := store.CommitBatches(id, numSchema, parts[:])
			first := parts[0][0]
			for _, bs := range parts {
				for _, b := range bs {
					b.Release()
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			spilled := len(listFiles(t, dir)) > 0
			if spilled == tc.decoded {
				t.Fatalf("spilled to a file: %v, want %v", spilled, !tc.decoded)
			}

			// Local reads.
			var same bool
			var local []arrow.RecordBatch
			err = store.ReadPartition(context.Background(), taskMem, id, 0, func(b arrow.RecordBatch) error {
				same = same || b == first
				local = append(local, b)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if same != tc.decoded {
				t.Errorf("local read got the committed batch itself: %v, want %v", same, tc.decoded)
			}
			if got := numbers(t, local); !slices.Equal(got, span(0, 3000)) {
				t.Errorf("local partition 0: %d rows, want 0..2999", len(got))
			}

			// Remote reads, every partition.
			f := NewFetcher(FetcherConfig{})
			defer f.Close()
			for p, want := range [][]int64{span(0, 3000), nil, span(5000, 5100)} {
				var got []arrow.RecordBatch
				err := f.Fetch(context.Background(), taskMem, id, p, srv.addr, func(b arrow.RecordBatch) error {
					got = append(got, b)
					return nil
				})
				if err != nil {
					t.Fatalf("partition %d: %v", p, err)
				}
				if rows := numbers(t, got); !slices.Equal(rows, want) {
					t.Errorf("remote partition %d: %d rows, want %d", p, len(rows), len(want))
				}
			}
			if _, err := readLocal(t, store, taskMem, id, 3); err == nil {
				t.Error("reading partition 3 of 3 did not fail")
			}
			store.DropQuery("q1")
		})
	}
}

// TestLoseAndDropQuery checks the two ways a query's output goes: lost
// (as in a crash: its map tasks may commit again) and dropped (the query
// ended: later commits are refused).
func TestLoseAndDropQuery(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	store, _ := newTestStore(t, mem, 0, CodecLZ4)
	defer store.Close()
	id := OutputID{"q", 0, 0}
	commitNums(t, store, mem, id, [][2]int64{{0, 10}})
	store.LoseQuery("q")
	if store.Has(id) {
		t.Fatal("a lost output is still there")
	}
	commitNums(t, store, mem, id, [][2]int64{{0, 10}})
	if !store.Has(id) {
		t.Fatal("a lost query's map task could not commit again")
	}
	store.DropQuery("q")
	if store.Has(id) {
		t.Fatal("a dropped output is still there")
	}
	b := numBatch(mem, 0, 10)
	defer b.Release()
	if err := store.CommitBatches(id, numSchema, [][]arrow.RecordBatch{{b}}); err == nil {
		t.Error("a dropped query's output was committed again")
	}
}
