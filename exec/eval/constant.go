package eval

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// EvalConstant evaluates an expression without column references to a
// literal of the expression's type, for constant folding. It fails for an
// expression that reads columns or is not deterministic (rand), and with
// the evaluation's error (1/0 is "division by zero"): an optimizer should
// then leave the expression as it is, since the rows that would reach it
// may never exist.
func EvalConstant(e planner.Expr) (*planner.Literal, error) {
	if err := checkConstant(e); err != nil {
		return nil, err
	}
	empty := arrow.NewSchema(nil, nil)
	ev, err := Compile(e, empty)
	if err != nil {
		return nil, err
	}
	// The literal's value must outlive the evaluation, so it is made with
	// Go's garbage-collected allocator.
	mem := memory.NewGoAllocator()
	batch := array.NewRecordBatch(empty, nil, 1)
	defer batch.Release()
	arr, err := ev.Eval(mem, batch)
	if err != nil {
		return nil, err
	}
	defer arr.Release()
	return &planner.Literal{Value: ValueAt(arr, 0), DataType: e.Type()}, nil
}

func checkConstant(e planner.Expr) error {
	switch e := e.(type) {
	case *planner.Column, *planner.OuterColumn:
		return fmt.Errorf("eval: %s is not constant", e)
	case *planner.Func:
		if e.Name == "rand" {
			return fmt.Errorf("eval: %s is not deterministic", e)
		}
	}
	for _, c := range e.Children() {
		if err := checkConstant(c); err != nil {
			return err
		}
	}
	return nil
}
