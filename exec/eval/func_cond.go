package eval

import (
	"fmt"

	"github.com/ember-sql/ember/planner"
)

// Functions that are other expressions under another name: Spark's
// conditionals, mod, and the date arithmetic functions. Each is compiled
// as the expression it stands for, so it inherits that expression's
// kernels, laziness (if and nvl2 evaluate a branch only on the rows that
// take it) and NULL handling (nvl, if, nvl2, isnull and isnotnull accept
// NULL arguments).

// rewriteFunc returns the expression a call stands for, or nil when it is
// not one of these functions.
func rewriteFunc(e *planner.Func) (planner.Expr, error) {
	arity := func(n int) error {
		if len(e.Args) != n {
			return fmt.Errorf("eval: %s takes %d arguments: %s", e.Name, n, e)
		}
		return nil
	}
	a := e.Args
	switch e.Name {
	case "nvl":
		if err := arity(2); err != nil {
			return nil, err
		}
		return &planner.Func{Name: "coalesce", Args: a, DataType: e.DataType}, nil
	case "nvl2":
		if err := arity(3); err != nil {
			return nil, err
		}
		return &planner.Case{Whens: []planner.When{{Cond: &planner.IsNull{X: a[0], Negated: true}, Result: a[1]}}, Else: a[2], DataType: e.DataType}, nil
	case "if":
		if err := arity(3); err != nil {
			return nil, err
		}
		return &planner.Case{Whens: []planner.When{{Cond: a[0], Result: a[1]}}, Else: a[2], DataType: e.DataType}, nil
	case "isnull", "isnotnull":
		if err := arity(1); err != nil {
			return nil, err
		}
		return &planner.IsNull{X: a[0], Negated: e.Name == "isnotnull"}, nil
	case "mod", "date_add", "date_sub", "datediff":
		if err := arity(2); err != nil {
			return nil, err
		}
		op := map[string]planner.BinaryOp{"mod": planner.OpMod, "date_add": planner.OpAdd, "date_sub": planner.OpSub, "datediff": planner.OpSub}[e.Name]
		return &planner.Binary{Op: op, Left: a[0], Right: a[1], DataType: e.DataType}, nil
	}
	return nil, nil
}
