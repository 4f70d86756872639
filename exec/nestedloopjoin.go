package exec

import (
	"errors"
	"fmt"

	"github.com/ember-sql/ember/planner"
)

// NewNestedLoopJoin joins left and right on an arbitrary condition: it
// materializes right and, per left batch, evaluates cond (over left ++
// right columns; nil for a cross product) on vectorized chunks of about
// tc.BatchSize (left row, right row) pairs. Types: Inner, Left, Semi,
// Anti, Mark, Single, Right and Full. A Mark is TRUE when some pair's
// condition is TRUE, else NULL when some pair's is NULL, else FALSE.
func NewNestedLoopJoin(tc *TaskContext, left, right Operator, typ planner.JoinType, cond planner.Expr) (Operator, error) {
	if tc == nil || left == nil || right == nil {
		return nil, errors.New("nested loop join: nil task context or input")
	}
	if typ == planner.JoinNullAwareAnti {
		return nil, errors.New("nested loop join: NullAwareAnti needs keys; use a hash join")
	}
	j, err := newJoin(tc, left, right, typ, cond)
	if err != nil {
		return nil, fmt.Errorf("nested loop join: %w", err)
	}
	// Without keys every row falls in the table's one group, so every build
	// row is a candidate for every probe row.
	j.nested = true
	return j, nil
}
