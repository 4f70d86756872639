package optimize

import (
	"github.com/ember-sql/ember/planner"
)

// Context carries what rules may need beyond the plan. It exists so that
// the rule signature never has to change.
type Context struct {
	// TargetPartitions is the parallelism the session aims for.
	TargetPartitions int
	// Fold evaluates an expression without column references to a literal;
	// nil disables constant folding. (The evaluator lives in exec, which the
	// planner must not import, so the session passes it in.)
	Fold func(planner.Expr) (*planner.Literal, error)
	// Trace, when set, receives the plan after each rule that changed it
	// (EXPLAIN VERBOSE).
	Trace func(rule string, plan planner.Node)
}

// Rule is one optimizer rewrite. Apply returns the rewritten plan and
// whether it changed anything. A rule must keep the plan's output schema
// (names and types); an error fails the query and is never skipped.
type Rule interface {
	Name() string
	Apply(ctx *Context, plan planner.Node) (planner.Node, bool, error)
}
