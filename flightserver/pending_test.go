package flightserver

import (
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestPendingResults(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	batch := func() []arrow.RecordBatch {
		b := array.NewRecordBuilder(mem, schema)
		defer b.Release()
		b.Field(0).(*array.Int64Builder).Append(1)
		return []arrow.RecordBatch{b.NewRecordBatch()}
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	r := newPendingResults()
	r.now = func() time.Time { return now }

	id := r.put(schema, batch())
	p := r.take(id)
	if p == nil || len(p.batches) != 1 {
		t.Fatalf("take(%d) = %v, want the result put", id, p)
	}
	p.release()
	if r.take(id) != nil {
		t.Error("a result was taken twice")
	}

	expired := r.put(schema, batch())
	now = now.Add(pendingTTL + time.Second)
	if r.take(expired) != nil {
		t.Error("an expired result was taken")
	}
	// An expired result left alone is dropped when another is put.
	left := r.put(schema, batch())
	now = now.Add(pendingTTL + time.Second)
	kept := r.put(schema, batch())
	if _, ok := r.byID[left]; ok {
		t.Error("an expired result was not dropped")
	}
	if len(r.byID) != 1 || r.byID[kept] == nil {
		t.Errorf("holding %d results, want only the new one", len(r.byID))
	}
	r.close()
	if len(r.byID) != 0 {
		t.Error("close left results")
	}
}

func TestPendingResultsBound(t *testing.T) {
	r := newPendingResults()
	first := r.put(nil, nil)
	for i := 1; i < maxPending; i++ {
		r.put(nil, nil)
	}
	if r.byID[first] == nil {
		t.Fatal("dropped a result before the bound was reached")
	}
	r.put(nil, nil)
	if len(r.byID) != maxPending || r.byID[first] != nil {
		t.Errorf("holding %d results with the oldest %v, want %d without the oldest", len(r.byID), r.byID[first] != nil, maxPending)
	}
}
