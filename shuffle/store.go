package shuffle

import (
	"context"
	"sort"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/exec"
)

// Store holds the shuffle output of one query's map tasks in memory. A map
// task's output becomes visible only when it commits, all at once, so a
// failed or retried task never leaves part of its rows behind; a rerun of
// the same task replaces its earlier output. Safe for concurrent use.
type Store struct {
	mu sync.Mutex
	// outputs[stage][mapTask][partition] holds the batches.
	outputs map[int]map[int][][]arrow.RecordBatch
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{outputs: map[int]map[int][][]arrow.RecordBatch{}} }

// Commit records the output of map task task of stage: per partition, its
// batches. The store takes ownership of the batches.
func (s *Store) Commit(stage, task int, parts [][]arrow.RecordBatch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tasks, ok := s.outputs[stage]
	if !ok {
		tasks = map[int][][]arrow.RecordBatch{}
		s.outputs[stage] = tasks
	}
	if old, ok := tasks[task]; ok {
		releaseParts(old)
	}
	tasks[task] = parts
}

// Batches returns, retained, every batch written to partition of stage,
// in map task order.
func (s *Store) Batches(stage, partition int) []arrow.RecordBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	tasks := s.outputs[stage]
	ids := make([]int, 0, len(tasks))
	for t := range tasks {
		ids = append(ids, t)
	}
	sort.Ints(ids)
	var out []arrow.RecordBatch
	for _, t := range ids {
		if parts := tasks[t]; partition < len(parts) {
			for _, b := range parts[partition] {
				b.Retain()
				out = append(out, b)
			}
		}
	}
	return out
}

// TaskBatches returns, retained, the batches map task task of stage wrote
// to partition; ok is false when the store holds no output of that task.
func (s *Store) TaskBatches(stage, task, partition int) (batches []arrow.RecordBatch, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	parts, ok := s.outputs[stage][task]
	if !ok {
		return nil, false
	}
	if partition < len(parts) {
		for _, b := range parts[partition] {
			b.Retain()
			batches = append(batches, b)
		}
	}
	return batches, true
}

// Drop frees the output of stage (once every consumer has read it).
func (s *Store) Drop(stage int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, parts := range s.outputs[stage] {
		releaseParts(parts)
	}
	delete(s.outputs, stage)
}

// Close frees everything.
func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, tasks := range s.outputs {
		for _, parts := range tasks {
			releaseParts(parts)
		}
	}
	s.outputs = map[int]map[int][][]arrow.RecordBatch{}
}

func releaseParts(parts [][]arrow.RecordBatch) {
	for _, p := range parts {
		for _, b := range p {
			b.Release()
		}
	}
}

// Open implements exec.StageInputs: it reads a partition of a stage's
// output from memory.
func (s *Store) Open(_ context.Context, stage, partition int, schema *arrow.Schema) (exec.Operator, error) {
	batches := s.Batches(stage, partition)
	src := exec.NewBatchSource(schema, batches)
	for _, b := range batches {
		b.Release()
	}
	return src, nil
}

var _ exec.StageInputs = (*Store)(nil)
