package shuffle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var numSchema = arrow.NewSchema([]arrow.Field{
	{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String},
}, nil)

// numBatch holds the numbers lo..hi-1 and their decimal strings; every
// seventh number is NULL in column n.
func numBatch(mem memory.Allocator, lo, hi int64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, numSchema)
	defer b.Release()
	n := b.Field(0).(*array.Int64Builder)
	s := b.Field(1).(*array.StringBuilder)
	n.Reserve(int(hi - lo))
	for v := lo; v < hi; v++ {
		if v%7 == 0 {
			n.AppendNull()
		} else {
			n.Append(v)
		}
		s.Append(strconv.FormatInt(v, 10))
	}
	return b.NewRecordBatch()
}

// numbers collects the rows of batches as the numbers of column s,
// checking that column n agrees, and releases the batches.
func numbers(t *testing.T, batches []arrow.RecordBatch) []int64 {
	t.Helper()
	out, err := numbersOf(batches)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// numbersOf is numbers for goroutines other than the test's.
func numbersOf(batches []arrow.RecordBatch) ([]int64, error) {
	var out []int64
	var bad error
	for _, b := range batches {
		n := b.Column(0).(*array.Int64)
		s := b.Column(1).(*array.String)
		for i := 0; i < int(b.NumRows()) && bad == nil; i++ {
			v, err := strconv.ParseInt(s.Value(i), 10, 64)
			if err != nil {
				bad = err
			} else if n.IsNull(i) != (v%7 == 0) || n.IsValid(i) && n.Value(i) != v {
				bad = fmt.Errorf("row %d: n=%v s=%q", i, n.ValueStr(i), s.Value(i))
			}
			out = append(out, v)
		}
		b.Release()
	}
	slices.Sort(out)
	return out, bad
}

func span(lo, hi int64) []int64 {
	var out []int64
	for v := lo; v < hi; v++ {
		out = append(out, v)
	}
	return out
}

func readLocal(t *testing.T, s *WorkerStore, mem memory.Allocator, id OutputID, part int) ([]int64, error) {
	t.Helper()
	var got []arrow.RecordBatch
	err := s.ReadPartition(context.Background(), mem, id, part, func(b arrow.RecordBatch) error {
		got = append(got, b)
		return nil
	})
	return numbers(t, got), err
}

func newTestStore(t *testing.T, mem memory.Allocator, budget int64, codec Codec) (*WorkerStore, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := NewWorkerStore(WorkerStoreConfig{Mem: mem, MemoryBudget: budget, WorkDir: dir, Codec: codec})
	if err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// commitNums commits, as map task id, partition p holding parts[p] (a
// [lo, hi) range each, written in batches of at most 1000 rows).
func commitNums(t *testing.T, s *WorkerStore, mem memory.Allocator, id OutputID, parts [][2]int64) {
	t.Helper()
	w, err := s.NewMapWriter(id, numSchema, len(parts))
	if err != nil {
		t.Fatal(err)
	}
	for p, r := range parts {
		for lo := r[0]; lo < r[1]; lo += 1000 {
			b := numBatch(mem, lo, min(r[1], lo+1000))
			err := w.Write(p, b)
			b.Release()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestWorkerStoreCodecsRoundTrip(t *testing.T) {
	for name, codec := range map[string]Codec{"lz4": CodecLZ4, "zstd": CodecZstd, "none": CodecNone} {
		t.Run(name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			s, _ := newTestStore(t, mem, 0, codec)
			defer s.Close()
			id := OutputID{"q1", 1, 0}
			commitNums(t, s, mem, id, [][2]int64{{0, 2500}, {0, 0}, {2500, 2600}})
			for p, want := range [][]int64{span(0, 2500), nil, span(2500, 2600)} {
				got, err := readLocal(t, s, mem, id, p)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("partition %d: %d rows, want %d", p, len(got), len(want))
				}
			}
			if _, err := readLocal(t, s, mem, id, 3); err == nil {
				t.Fatal("partition 3 of 3 was read")
			}
		})
	}
}

func TestWorkerStoreCommitReplaceAbortDrop(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s, _ := newTestStore(t, mem, 0, CodecLZ4)
	defer s.Close()
	t0 := OutputID{"q1", 1, 0}
	t1 := OutputID{"q1", 1, 1}
	other := OutputID{"q2", 1, 0}

	commitNums(t, s, mem, t0, [][2]int64{{0, 10}, {10, 30}})
	// The retry of task 0 replaces its output entirely.
	commitNums(t, s, mem, t0, [][2]int64{{100, 105}, {0, 0}})
	commitNums(t, s, mem, other, [][2]int64{{0, 3}})

	// A failed attempt of task 1 leaves nothing, even after writing.
	w, err := s.NewMapWriter(t1, numSchema, 2)
	if err != nil {
		t.Fatal(err)
	}
	b := numBatch(mem, 0, 50)
	if err := w.Write(1, b); err != nil {
		t.Fatal(err)
	}
	b.Release()
	w.Abort()
	if s.Has(t1) {
		t.Fatal("an aborted task's output is visible")
	}
	if err := w.Write(0, b); err == nil {
		t.Fatal("write after abort succeeded")
	}

	got, err := readLocal(t, s, mem, t0, 0)
	if err != nil || !slices.Equal(got, span(100, 105)) {
		t.Fatalf("after the retry, partition 0 = %v (%v), want 100..104", got, err)
	}
	got, err = readLocal(t, s, mem, t0, 1)
	if err != nil || len(got) != 0 {
		t.Fatalf("after the retry, partition 1 = %v (%v), want empty", got, err)
	}
	var nf *NotFoundError
	if _, err := readLocal(t, s, mem, t1, 0); !errors.As(err, &nf) || nf.ID != t1 {
		t.Fatalf("reading the aborted task: %v, want NotFoundError", err)
	}
	if got := s.MapTasks("q1", 1); !slices.Equal(got, []int{0}) {
		t.Fatalf("MapTasks = %v", got)
	}

	s.DropQuery("q1")
	if s.Has(t0) {
		t.Fatal("output survives DropQuery")
	}
	if !s.Has(other) {
		t.Fatal("DropQuery dropped another query's output")
	}
	// A task of the dropped query that finishes late must not leave
	// output behind.
	if _, err := s.NewMapWriter(t1, numSchema, 1); err == nil {
		t.Fatal("writer for a dropped query")
	}
	s.DropQuery("q2")
	if n := s.MemoryBytes(); n != 0 {
		t.Fatalf("%d bytes held after dropping everything", n)
	}
	s.Close()
	if _, err := s.NewMapWriter(OutputID{"q3", 1, 0}, numSchema, 1); err == nil {
		t.Fatal("writer on a closed store")
	}
}

// listFiles returns the files under dir, relative to it.
func listFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return out
}

func TestWorkerStoreSpillsBeyondBudget(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	// Measure one output, then allow one and a half in memory.
	probe, _ := newTestStore(t, mem, 0, CodecLZ4)
	commitNums(t, probe, mem, OutputID{"p", 0, 0}, [][2]int64{{0, 20000}, {20000, 30000}})
	size := probe.MemoryBytes()
	probe.Close()
	if size == 0 {
		t.Fatal("the probe output holds no memory")
	}

	s, dir := newTestStore(t, mem, size*3/2, CodecLZ4)
	defer s.Close()
	ranges := [][2]int64{{0, 20000}, {20000, 30000}}
	for task := range 3 {
		commitNums(t, s, mem, OutputID{"q1", 2, task}, ranges)
	}
	commitNums(t, s, mem, OutputID{"q2", 2, 0}, ranges)
	if got := s.MemoryBytes(); got != size {
		t.Fatalf("%d bytes in memory, want one output's %d", got, size)
	}
	files := listFiles(t, dir)
	if len(files) != 3 {
		t.Fatalf("spill files %v, want 3 (2 of q1, 1 of q2)", files)
	}
	for _, f := range files {
		if filepath.Ext(f) != ".arrow" {
			t.Fatalf("spill file %s not renamed from its temporary name", f)
		}
	}
	for task := range 3 {
		for p, r := range ranges {
			got, err := readLocal(t, s, mem, OutputID{"q1", 2, task}, p)
			if err != nil || !slices.Equal(got, span(r[0], r[1])) {
				t.Fatalf("task %d partition %d: %d rows (%v)", task, p, len(got), err)
			}
		}
	}
	// Replacing a spilled output deletes its file (the small retry fits
	// in memory).
	commitNums(t, s, mem, OutputID{"q1", 2, 2}, [][2]int64{{5, 6}, {0, 0}})
	files = listFiles(t, dir)
	if len(files) != 2 || slices.ContainsFunc(files, func(f string) bool {
		return filepath.Dir(f) == filepath.Join("shuffle", "q1", "2") && filepath.Base(f)[:2] == "2-"
	}) {
		t.Fatalf("after replacing task 2's spilled output: %v", files)
	}
	got, err := readLocal(t, s, mem, OutputID{"q1", 2, 2}, 0)
	if err != nil || !slices.Equal(got, []int64{5}) {
		t.Fatalf("replaced output reads %v (%v)", got, err)
	}

	s.DropQuery("q1")
	files = listFiles(t, dir)
	if len(files) != 1 || filepath.Dir(filepath.Dir(files[0])) != filepath.Join("shuffle", "q2") {
		t.Fatalf("after DropQuery(q1): %v", files)
	}
	if _, err := os.Stat(filepath.Join(dir, "shuffle", "q1")); !os.IsNotExist(err) {
		t.Fatalf("q1's directory survives: %v", err)
	}
	s.Close()
	if files := listFiles(t, dir); len(files) != 0 {
		t.Fatalf("after Close: %v", files)
	}
}

func TestWorkerStoreNegativeBudgetSpillsAll(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s, dir := newTestStore(t, mem, -1, CodecZstd)
	defer s.Close()
	commitNums(t, s, mem, OutputID{"q", 0, 0}, [][2]int64{{0, 100}})
	if s.MemoryBytes() != 0 || len(listFiles(t, dir)) != 1 {
		t.Fatalf("memory %d, files %v", s.MemoryBytes(), listFiles(t, dir))
	}
	got, err := readLocal(t, s, mem, OutputID{"q", 0, 0}, 0)
	if err != nil || !slices.Equal(got, span(0, 100)) {
		t.Fatalf("read %d rows (%v)", len(got), err)
	}
}

// TestWorkerStoreReaderOutlivesReplace checks that a reader that opened an
// output keeps reading it when a retry replaces it or its query is
// dropped, and that it is freed when the reader finishes.
func TestWorkerStoreReaderOutlivesReplace(t *testing.T) {
	for _, budget := range []int64{0, -1} {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		s, dir := newTestStore(t, mem, budget, CodecLZ4)
		id := OutputID{"q1", 0, 0}
		commitNums(t, s, mem, id, [][2]int64{{0, 3000}})
		src, err := s.openFrames(id, 0)
		if err != nil {
			t.Fatal(err)
		}
		commitNums(t, s, mem, id, [][2]int64{{7, 8}})
		s.DropQuery("q1")
		msgs := newFrameMessages(src, mem)
		var got []arrow.RecordBatch
		r, err := newIPCReader(msgs, mem)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			b := r.RecordBatch()
			b.Retain()
			got = append(got, b)
		}
		if r.Err() != nil {
			t.Fatal(r.Err())
		}
		r.Release()
		if vals := numbers(t, got); !slices.Equal(vals, span(0, 3000)) {
			t.Fatalf("budget %d: the old output read %d rows", budget, len(vals))
		}
		if s.MemoryBytes() != 0 || len(listFiles(t, dir)) != 0 {
			t.Fatalf("budget %d: after the reader finished: %d bytes, files %v", budget, s.MemoryBytes(), listFiles(t, dir))
		}
		s.Close()
		mem.AssertSize(t, 0)
	}
}

// TestMapWriterCoalescesPieces checks that many small pieces of one
// partition become few IPC messages, and that the rows survive.
func TestMapWriterCoalescesPieces(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s, _ := newTestStore(t, mem, 0, CodecLZ4)
	defer s.Close()
	id := OutputID{"q", 0, 0}
	w, err := s.NewMapWriter(id, numSchema, 2)
	if err != nil {
		t.Fatal(err)
	}
	for lo := int64(0); lo < 10000; lo += 10 {
		b := numBatch(mem, lo, lo+10)
		if err := w.Write(int(lo/10)%2, b); err != nil {
			t.Fatal(err)
		}
		b.Release()
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	o, err := s.acquire(id)
	if err != nil {
		t.Fatal(err)
	}
	frames := len(o.parts[0]) + len(o.parts[1])
	o.release()
	// 5000 rows per partition: one full batch of 8192 is not reached, so
	// one message each.
	if frames != 2 {
		t.Fatalf("%d messages for 1000 pieces, want 2", frames)
	}
	var all []int64
	for p := range 2 {
		got, err := readLocal(t, s, mem, id, p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got...)
	}
	slices.Sort(all)
	if !slices.Equal(all, span(0, 10000)) {
		t.Fatalf("read %d rows, want 10000", len(all))
	}
}

// TestMapWriterSlicesLargeBatches checks that a batch above the frame
// limit is sent as several messages whose rows are all there.
func TestMapWriterSlicesLargeBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s, _ := newTestStore(t, mem, 0, CodecNone)
	defer s.Close()
	id := OutputID{"q", 0, 0}
	w, err := s.NewMapWriter(id, numSchema, 1)
	if err != nil {
		t.Fatal(err)
	}
	w.frameLimit = 64 << 10
	b := numBatch(mem, 0, 30000) // about 600 KB of buffers
	err = w.Write(0, b)
	b.Release()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(); err != nil {
		t.Fatal(err)
	}
	o, err := s.acquire(id)
	if err != nil {
		t.Fatal(err)
	}
	frames := len(o.parts[0])
	var largest int
	for _, f := range o.parts[0] {
		largest = max(largest, f.Len())
	}
	o.release()
	if frames < 5 || largest > 2*(64<<10) {
		t.Fatalf("%d messages, largest %d bytes; want several of about 64 KB", frames, largest)
	}
	got, err := readLocal(t, s, mem, id, 0)
	if err != nil || !slices.Equal(got, span(0, 30000)) {
		t.Fatalf("read %d rows (%v)", len(got), err)
	}
}
