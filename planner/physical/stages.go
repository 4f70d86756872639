package physical

import (
	"fmt"
	"strings"
)

// Stage is a piece of a physical plan that runs without redistributing
// data: one task per output partition of Root, each running the same
// pipeline over its partition. A stage ends either in a shuffle write (Output
// is the partitioning its consumers read) or, for the final stage, in the
// client. Its leaves are scans, values, or StageInput nodes reading the
// shuffle output of the stages listed in Inputs.
//
// A stage's life: waiting (for its input stages) → running (tasks
// scheduled on free cores) → succeeded, or failed when a task fails past its
// retries.
type Stage struct {
	ID     int
	Root   Node
	Output *Partitioning // nil for the final stage
	Inputs []int
}

// Tasks is the number of tasks of the stage.
func (s *Stage) Tasks() int { return s.Root.Partitioning().N }

// StagePlan is a physical plan cut into stages; the last stage is the final
// one and depends, directly or not, on all others. Stages are listed so that
// every stage comes after its inputs.
type StagePlan struct {
	Stages []*Stage
}

// Final returns the stage whose output goes to the client.
func (p *StagePlan) Final() *Stage { return p.Stages[len(p.Stages)-1] }

// SplitStages cuts plan at every Exchange: the Exchange's input becomes a
// stage that ends in a shuffle write, and the Exchange is replaced by a
// StageInput reading it.
func SplitStages(plan Node) *StagePlan {
	sp := &StagePlan{}
	var cut func(n Node) (Node, []int)
	cut = func(n Node) (Node, []int) {
		if ex, ok := n.(*Exchange); ok {
			root, inputs := cut(ex.Input)
			to := ex.To
			st := &Stage{ID: len(sp.Stages), Root: root, Output: &to, Inputs: inputs}
			sp.Stages = append(sp.Stages, st)
			return &StageInput{Stage: st.ID, Part: to, Out: ex.Schema()}, []int{st.ID}
		}
		children := n.Children()
		if len(children) == 0 {
			return n, nil
		}
		var inputs []int
		newChildren := make([]Node, len(children))
		for i, c := range children {
			nc, in := cut(c)
			newChildren[i] = nc
			inputs = append(inputs, in...)
		}
		return n.WithChildren(newChildren), inputs
	}
	root, inputs := cut(plan)
	sp.Stages = append(sp.Stages, &Stage{ID: len(sp.Stages), Root: root, Inputs: inputs})
	return sp
}

// String renders the stages for EXPLAIN, each with its task count, output
// partitioning and pipeline.
func (p *StagePlan) String() string { return p.Format(nil) }

// Format renders the stages like String, appending annotate(node), when
// annotate is set, to each node's line (EXPLAIN ANALYZE's figures).
func (p *StagePlan) Format(annotate func(Node) string) string {
	var sb strings.Builder
	for _, s := range p.Stages {
		out := "result"
		if s.Output != nil {
			out = "shuffle " + s.Output.String()
		}
		fmt.Fprintf(&sb, "Stage %d: tasks=%d output=%s", s.ID, s.Tasks(), out)
		if len(s.Inputs) > 0 {
			fmt.Fprintf(&sb, " inputs=%v", s.Inputs)
		}
		sb.WriteString("\n")
		for _, line := range strings.Split(strings.TrimRight(FormatAnnotated(s.Root, annotate), "\n"), "\n") {
			sb.WriteString("  " + line + "\n")
		}
	}
	return sb.String()
}
