package planner

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
)

// Subquery expressions exist only between binding and the decorrelation
// rule, which turns each into a join (semi, anti, left outer with an
// aggregate, or a single-row cross join). Their Plan may hold OuterColumn
// references to the enclosing query. Physical planning rejects any that
// remain.

// ScalarSubquery yields the single value of a one-column subquery, NULL when
// it returns no row; more than one row is an error at run time.
type ScalarSubquery struct {
	Plan Node
}

// Type implements Expr.
func (s *ScalarSubquery) Type() arrow.DataType { return s.Plan.Schema().Field(0).Type }

// Nullable implements Expr.
func (s *ScalarSubquery) Nullable() bool { return true }

// Children implements Expr.
func (s *ScalarSubquery) Children() []Expr { return nil }

// WithChildren implements Expr.
func (s *ScalarSubquery) WithChildren([]Expr) Expr { return s }

func (s *ScalarSubquery) String() string { return fmt.Sprintf("(scalar subquery %s)", OneLine(s.Plan)) }

// Exists tests whether Plan returns any row (NOT EXISTS when Negated).
type Exists struct {
	Plan    Node
	Negated bool
}

// Type implements Expr.
func (e *Exists) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// Nullable implements Expr.
func (e *Exists) Nullable() bool { return false }

// Children implements Expr.
func (e *Exists) Children() []Expr { return nil }

// WithChildren implements Expr.
func (e *Exists) WithChildren([]Expr) Expr { return e }

func (e *Exists) String() string {
	if e.Negated {
		return fmt.Sprintf("NOT EXISTS (%s)", OneLine(e.Plan))
	}
	return fmt.Sprintf("EXISTS (%s)", OneLine(e.Plan))
}

// InSubquery tests X IN (one-column Plan), with SQL's NULL rules (NOT IN
// with a NULL in the subquery's result is never true).
type InSubquery struct {
	X       Expr
	Plan    Node
	Negated bool
}

// Type implements Expr.
func (in *InSubquery) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// Nullable implements Expr.
func (in *InSubquery) Nullable() bool { return true }

// Children implements Expr.
func (in *InSubquery) Children() []Expr { return []Expr{in.X} }

// WithChildren implements Expr.
func (in *InSubquery) WithChildren(c []Expr) Expr {
	return &InSubquery{X: c[0], Plan: in.Plan, Negated: in.Negated}
}

func (in *InSubquery) String() string {
	op := "IN"
	if in.Negated {
		op = "NOT IN"
	}
	return fmt.Sprintf("%s %s (%s)", in.X, op, OneLine(in.Plan))
}
