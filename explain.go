package ember

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/planner/physical"
	"github.com/ember-sql/ember/sql"
)

// explain renders the plans of a query: the logical plan as bound, the
// optimized one, and the physical plan cut into stages with their tasks and
// partitioning. VERBOSE adds the plan after each optimizer rule; ANALYZE
// runs the query and adds, per operator, the rows it produced, the time
// spent in it (including its inputs) and the peak memory one task held.
func (s *Session) explain(ctx context.Context, st *sql.Explain) (string, error) {
	qp, err := s.planQuery(ctx, st.Plan, st.Mode == sql.ExplainVerbose)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	if st.Mode != sql.ExplainAnalyze {
		fmt.Fprintf(&sb, "== Logical Plan ==\n%s\n", planner.Format(qp.logical))
		if st.Mode == sql.ExplainVerbose {
			for _, t := range qp.trace {
				fmt.Fprintf(&sb, "== Optimizer: %s\n", t)
			}
			sb.WriteString("\n")
		}
		fmt.Fprintf(&sb, "== Optimized Logical Plan ==\n%s\n", planner.Format(qp.optimized))
		fmt.Fprintf(&sb, "== Physical Plan ==\n%s", qp.stages.String())
		return sb.String(), nil
	}
	metrics := exec.NewMetrics()
	start := time.Now()
	stream, pool := s.start(ctx, qp, metrics)
	var rows int64
	for {
		b, err := stream.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			stream.Close()
			return "", err
		}
		rows += b.NumRows()
		b.Release()
	}
	stream.Close()
	elapsed := time.Since(start)
	fmt.Fprintf(&sb, "== Physical Plan (analyzed) ==\n")
	sb.WriteString(qp.stages.Format(func(n physical.Node) string {
		m := metrics.Lookup(n)
		if m == nil {
			return ""
		}
		return fmt.Sprintf("  [rows=%d batches=%d tasks=%d time=%s mem=%s]", m.Rows.Load(), m.Batches.Load(),
			m.Tasks.Load(), time.Duration(m.Nanos.Load()).Round(time.Microsecond), formatBytes(m.PeakBytes.Load()))
	}))
	fmt.Fprintf(&sb, "Total: %d rows in %s, peak memory %s\n", rows, elapsed.Round(time.Microsecond), formatBytes(pool.Peak()))
	return sb.String(), nil
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1fGiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1fKiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}

func splitLines(text string) []string {
	return strings.Split(strings.TrimRight(text, "\n"), "\n")
}
