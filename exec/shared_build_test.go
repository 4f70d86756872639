package exec

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// TestSharedBuildConcurrent runs several tasks of a broadcast join
// at once over one QueryState (run it with -race): each must get the full
// join, and releasing the QueryState must free the shared build.
func TestSharedBuildConcurrent(t *testing.T) {
	k, s := colRef(lcSchema, 0), colRef(lcSchema, 1)
	left, right := lcRows(200), lcRows(50)
	for _, keys := range [][2][]planner.Expr{
		{{k}, {k}},       // integer path
		{{k, s}, {k, s}}, // packed / general path
		{{s}, {s}},       // strings
	} {
		for _, typ := range []planner.JoinType{planner.JoinInner, planner.JoinLeft, planner.JoinSemi, planner.JoinAnti, planner.JoinMark, planner.JoinNullAwareAnti} {
			if typ == planner.JoinNullAwareAnti && len(keys[0]) > 1 {
				continue
			}
			t.Run(fmt.Sprintf("%s/%d keys", typ, len(keys[0])), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				q := NewQueryState()
				spec := HashJoinSpec{Type: typ, LeftKeys: keys[0], RightKeys: keys[1], ShareBuild: "join"}
				run := func(shared bool) ([][]any, error) {
					tc := &TaskContext{Mem: mem, BatchSize: 16}
					if shared {
						tc.Query = q
					}
					op, err := NewHashJoin(tc, sourceOf(t, mem, lcSchema, left, 13), sourceOf(t, mem, lcSchema, right, 9), spec)
					if err != nil {
						return nil, err
					}
					defer op.Close()
					if err := op.Open(context.Background()); err != nil {
						return nil, err
					}
					var rows [][]any
					for {
						b, err := op.Next(context.Background())
						if err != nil {
							if err.Error() == "EOF" {
								return rows, nil
							}
							return nil, err
						}
						rows = append(rows, batchRows(t, b)...)
						b.Release()
					}
				}
				want, err := run(false)
				if err != nil {
					t.Fatal(err)
				}
				const tasks = 4
				got := make([][][]any, tasks)
				errs := make([]error, tasks)
				var wg sync.WaitGroup
				for i := range tasks {
					wg.Add(1)
					go func() {
						defer wg.Done()
						got[i], errs[i] = run(true)
					}()
				}
				wg.Wait()
				q.Release()
				for i := range tasks {
					if errs[i] != nil {
						t.Fatalf("task %d: %v", i, errs[i])
					}
					checkRows(t, planner.JoinSchema(lcSchema, lcSchema, typ), got[i], want, false)
				}
			})
		}
	}
}

// TestSharedBuildPanic: when the task building a shared table panics
// (the scheduler turns that into the task's error), the tasks that wait
// for the table must get an error, not a half-built table.
func TestSharedBuildPanic(t *testing.T) {
	q := NewQueryState()
	defer q.Release()
	func() {
		defer func() { _ = recover() }()
		q.buildFor(context.Background(), "j", func(context.Context, *buildSide) error { panic("boom") })
	}()
	b, err := q.buildFor(context.Background(), "j", func(context.Context, *buildSide) error { return nil })
	if err == nil {
		t.Fatalf("got build %+v and no error after the building task panicked", b)
	}
}
