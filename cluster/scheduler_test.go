package cluster

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"go.uber.org/goleak"

	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/physical"
)

// testCluster is several in-process executors that read each other's map
// outputs, each wrapped so a test can make tasks fail or kill an executor.
type testCluster struct {
	mu    sync.Mutex
	execs []*faultyExecutor
}

func newTestCluster(n, slots int) *testCluster {
	c := &testCluster{}
	byName := map[string]*LocalExecutor{}
	for i := 0; i < n; i++ {
		name := string(rune('A' + i))
		le := NewLocalExecutor(name, slots, 0, "")
		byName[name] = le
		c.execs = append(c.execs, &faultyExecutor{LocalExecutor: le, ran: map[int]int{}})
	}
	for _, fe := range c.execs {
		fe.SetPeers(func(name string) *LocalExecutor { return byName[name] })
	}
	return c
}

// live lists the executors not killed.
func (c *testCluster) live() []Executor {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Executor
	for _, fe := range c.execs {
		if !fe.isDead() {
			out = append(out, fe)
		}
	}
	return out
}

// faultyExecutor is a LocalExecutor whose tasks can be made to fail, and
// which can be killed: its outputs vanish and its tasks fail as lost.
type faultyExecutor struct {
	*LocalExecutor
	mu sync.Mutex
	// failStage makes the first failN attempts of tasks of that stage fail.
	failStage, failN int
	failed           int
	dead             bool
	// killAfter kills the executor once it has finished that many map
	// tasks of stage killStage (0: never).
	killStage, killAfter int
	ran                  map[int]int // finished tasks per stage
}

func (f *faultyExecutor) isDead() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dead
}

func (f *faultyExecutor) Run(ctx context.Context, q *Query, t Task, emit func(arrow.RecordBatch) error) error {
	f.mu.Lock()
	if f.dead {
		f.mu.Unlock()
		return &ExecutorLostError{Executor: f.Name(), Err: errors.New("killed")}
	}
	if t.Stage == f.failStage && f.failed < f.failN {
		f.failed++
		f.mu.Unlock()
		return errors.New("injected failure")
	}
	f.mu.Unlock()
	err := f.LocalExecutor.Run(ctx, q, t, emit)
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil {
		f.ran[t.Stage]++
		if f.killAfter > 0 && t.Stage == f.killStage && f.ran[t.Stage] == f.killAfter {
			// Killed right after committing: its outputs are gone.
			f.dead = true
			f.LocalExecutor.Release(q)
		}
	}
	return err
}

// aggregatePlan is scan → partial aggregate → hash exchange → final
// aggregate → sort, over the numbers table.
func aggregatePlan(t *testing.T, mem memory.Allocator) (*physical.StagePlan, func()) {
	tbl := numbers(t, mem, 2000)
	scan := planner.NewScan("numbers", tbl, nil)
	sum := &planner.AggregateCall{Func: planner.AggSum, Args: []planner.Expr{col(scan, 1)}, DataType: planner.TypeBigInt}
	agg := planner.NewAggregate(scan, []planner.Expr{col(scan, 0)}, []*planner.AggregateCall{sum}, []string{"k", "s"})
	sorted := &planner.Sort{Input: agg, Keys: []planner.SortKey{{Expr: col(agg, 0)}}, Fetch: -1}
	return stagesOf(t, sorted), tbl.Release
}

// checkSums checks the ten groups of aggregatePlan over 2000 rows.
func checkSums(t *testing.T, rows [][2]int64) {
	t.Helper()
	if len(rows) != 10 {
		t.Fatalf("got %d groups, want 10", len(rows))
	}
	for k, r := range rows {
		want := int64(200*k + 10*(199*200/2))
		if r[0] != int64(k) || r[1] != want {
			t.Fatalf("group %d = %v, want [%d %d]", k, r, k, want)
		}
	}
}

func runOn(t *testing.T, c *testCluster, mem memory.Allocator, sp *physical.StagePlan, attempts int) ([][2]int64, error) {
	s := &Scheduler{Executors: c.live, MaxTaskAttempts: attempts, MaxStageAttempts: 4, NoExecutorTimeout: 300 * time.Millisecond}
	rs := s.Run(context.Background(), &Query{ID: NewQueryID(), Plan: sp, Mem: mem})
	rows, err := drain(t, rs)
	rs.Close()
	return rows, err
}

func TestSchedulerSpreadsTasksOverExecutors(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sp, release := aggregatePlan(t, mem)
	defer release()
	c := newTestCluster(3, 1)
	rows, err := runOn(t, c, mem, sp, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rows)
	for _, fe := range c.execs {
		if len(fe.ran) == 0 {
			t.Errorf("executor %s ran no task", fe.Name())
		}
	}
}

func TestSchedulerRetriesFailedTasks(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sp, release := aggregatePlan(t, mem)
	defer release()

	c := newTestCluster(2, 2)
	c.execs[0].failStage, c.execs[0].failN = 0, 3
	rows, err := runOn(t, c, mem, sp, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rows)

	// Without retries the first failure fails the query.
	c = newTestCluster(1, 2)
	c.execs[0].failStage, c.execs[0].failN = 0, 1
	if _, err := runOn(t, c, mem, sp, 1); err == nil || !strings.Contains(err.Error(), "injected failure") {
		t.Fatalf("got %v, want the injected failure", err)
	}
	// A task failing every time gives up after its attempts, saying so.
	c = newTestCluster(1, 2)
	c.execs[0].failStage, c.execs[0].failN = 0, 1000
	if _, err := runOn(t, c, mem, sp, 3); err == nil || !strings.Contains(err.Error(), "failed 3 times") {
		t.Fatalf("got %v, want a task that failed 3 times", err)
	}
}

// TestSchedulerRecomputesLostOutput kills an executor after it committed
// map output: the tasks reading it fail to fetch, the lost map tasks run
// again elsewhere, and the answer is right.
func TestSchedulerRecomputesLostOutput(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sp, release := aggregatePlan(t, mem)
	defer release()
	c := newTestCluster(3, 1)
	c.execs[1].killStage, c.execs[1].killAfter = 0, 1
	rows, err := runOn(t, c, mem, sp, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkSums(t, rows)
	if !c.execs[1].isDead() {
		t.Fatal("the executor was never killed: the test proved nothing")
	}
}

func TestSchedulerWithoutExecutorsTimesOut(t *testing.T) {
	defer goleak.VerifyNone(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	sp, release := aggregatePlan(t, mem)
	defer release()
	c := newTestCluster(0, 1)
	start := time.Now()
	_, err := runOn(t, c, mem, sp, 4)
	if err == nil || !strings.Contains(err.Error(), "no executor") {
		t.Fatalf("got %v, want no executor", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s to give up", d)
	}
}
