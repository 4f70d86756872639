package ember

import (
	"context"
	"fmt"
	"github.com/ember-sql/ember/cluster"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/optimize"
	"github.com/ember-sql/ember/planner/physical"
)

// queryPlan is a query on its way from a logical plan to running stages.
type queryPlan struct {
	logical   planner.Node
	optimized planner.Node
	stages    *physical.StagePlan
	// trace holds the plan after each optimizer rule that changed it.
	trace []string
}

// planQuery optimizes a bound logical plan and cuts it into stages.
func (s *Session) planQuery(ctx context.Context, logical planner.Node, trace bool) (*queryPlan, error) {
	qp := &queryPlan{logical: logical}
	octx := &optimize.Context{TargetPartitions: s.conf.shufflePartitions(), Fold: eval.EvalConstant}
	if trace {
		octx.Trace = func(rule string, plan planner.Node) {
			qp.trace = append(qp.trace, fmt.Sprintf("after %s:\n%s", rule, indent(planner.Format(plan))))
		}
	}
	optimized, err := optimize.Optimize(octx, logical, optimize.DefaultRules())
	if err != nil {
		return nil, err
	}
	qp.optimized = optimized
	cfg := physical.Config{
		ShufflePartitions: s.conf.shufflePartitions(),
		MaxScanPartitions: s.conf.maxScanPartitions(),
		BroadcastRows:     float64(s.conf.BroadcastRows),
		PartialSchema:     exec.PartialSchema,
	}
	phys, err := physical.Plan(ctx, optimized, cfg)
	if err != nil {
		return nil, err
	}
	qp.stages = physical.SplitStages(phys)
	return qp, nil
}

// start runs a planned query on the session's scheduler, with its own
// memory pool (accounting and the configured limit), or, in cluster mode,
// sends it to the master.
func (s *Session) start(ctx context.Context, qp *queryPlan, metrics *exec.Metrics) (batchStream, *exec.MemoryPool) {
	pool := exec.NewMemoryPool(s.mem, s.conf.MemoryLimit)
	if s.client != nil {
		rs, err := s.client.Run(ctx, qp.stages, cluster.RunOptions{BatchSize: s.conf.BatchSize,
			MemoryLimit: s.conf.MemoryLimit, Mem: pool, Progress: s.progress})
		if err != nil {
			return failedStream{err}, pool
		}
		return rs, pool
	}
	return s.sched.Run(ctx, qp.stages, pool, metrics), pool
}

// failedStream is a query that could not start.
type failedStream struct{ err error }

func (f failedStream) Next(context.Context) (arrow.RecordBatch, error) { return nil, f.err }
func (f failedStream) Close() error                                    { return nil }

func indent(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
