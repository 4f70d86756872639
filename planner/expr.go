package planner

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// Expr is a bound scalar expression: every column reference is already an
// index into the input schema of the plan node that holds the expression, and
// every expression knows its result type. Expressions are immutable values;
// rewrites build new ones through WithChildren.
type Expr interface {
	// Type is the Arrow type of the value the expression produces.
	Type() arrow.DataType
	// Nullable reports whether the expression may produce NULL.
	Nullable() bool
	// Children returns the direct sub-expressions, in a fixed order.
	Children() []Expr
	// WithChildren returns a copy of the expression with its children
	// replaced; len(children) must equal len(Children()).
	WithChildren(children []Expr) Expr
	// String renders the expression for EXPLAIN and error messages.
	String() string
}

// Column refers to column Index of the input of the node holding the
// expression. Name is kept only for display.
type Column struct {
	Index    int
	Name     string
	DataType arrow.DataType
	Null     bool
}

// Type implements Expr.
func (c *Column) Type() arrow.DataType { return c.DataType }

// Nullable implements Expr.
func (c *Column) Nullable() bool { return c.Null }

// Children implements Expr.
func (c *Column) Children() []Expr { return nil }

// WithChildren implements Expr.
func (c *Column) WithChildren([]Expr) Expr { return c }

func (c *Column) String() string { return fmt.Sprintf("%s#%d", c.Name, c.Index) }

// OuterColumn is a reference, inside a subquery, to column Index of the
// enclosing query's scope Depth levels up (1 = the immediately enclosing
// query). It exists only between binding and decorrelation; no physical plan
// ever contains one.
type OuterColumn struct {
	Depth    int
	Index    int
	Name     string
	DataType arrow.DataType
	Null     bool
}

// Type implements Expr.
func (c *OuterColumn) Type() arrow.DataType { return c.DataType }

// Nullable implements Expr.
func (c *OuterColumn) Nullable() bool { return c.Null }

// Children implements Expr.
func (c *OuterColumn) Children() []Expr { return nil }

// WithChildren implements Expr.
func (c *OuterColumn) WithChildren([]Expr) Expr { return c }

func (c *OuterColumn) String() string { return fmt.Sprintf("outer(%s#%d)", c.Name, c.Index) }

// Literal is a constant. Value holds the Go representation of the value for
// DataType, or nil for NULL:
//
//	BOOLEAN bool; TINYINT int8; SMALLINT int16; INT int32; BIGINT int64;
//	DOUBLE float64; DECIMAL decimal128.Num (unscaled); VARCHAR string;
//	DATE arrow.Date32 (days since 1970-01-01);
//	TIMESTAMP arrow.Timestamp (microseconds since the epoch, no time zone);
//	INTERVAL arrow.MonthDayNanoInterval; NULL type nil.
type Literal struct {
	Value    any
	DataType arrow.DataType
}

// Type implements Expr.
func (l *Literal) Type() arrow.DataType { return l.DataType }

// Nullable implements Expr.
func (l *Literal) Nullable() bool { return l.Value == nil }

// Children implements Expr.
func (l *Literal) Children() []Expr { return nil }

// WithChildren implements Expr.
func (l *Literal) WithChildren([]Expr) Expr { return l }

func (l *Literal) String() string { return FormatLiteral(l) }

// BinaryOp names a binary operator.
type BinaryOp int

// The binary operators. Arithmetic operators take numeric operands of one
// common type (the binder inserts casts), except that DATE ± INTERVAL and
// DATE - DATE are allowed. Comparisons take operands of one common type and
// produce BOOLEAN. AND and OR follow SQL's three-valued logic.
const (
	OpAdd BinaryOp = iota
	OpSub
	OpMul
	OpDiv
	OpMod
	OpEq
	OpNotEq
	OpLt
	OpLtEq
	OpGt
	OpGtEq
	OpAnd
	OpOr
	// OpIsDistinctFrom and OpIsNotDistinctFrom compare NULLs as values.
	OpIsDistinctFrom
	OpIsNotDistinctFrom
)

var binaryOpText = [...]string{"+", "-", "*", "/", "%", "=", "<>", "<", "<=", ">", ">=", "AND", "OR", "IS DISTINCT FROM", "IS NOT DISTINCT FROM"}

func (op BinaryOp) String() string { return binaryOpText[op] }

// IsComparison reports whether op compares its operands and yields BOOLEAN.
func (op BinaryOp) IsComparison() bool { return op >= OpEq && op <= OpGtEq || op >= OpIsDistinctFrom }

// Swapped returns the operator that compares swapped operands the same
// way: (a < b) is (b > a). Symmetric operators return themselves.
func (op BinaryOp) Swapped() BinaryOp {
	switch op {
	case OpLt:
		return OpGt
	case OpLtEq:
		return OpGtEq
	case OpGt:
		return OpLt
	case OpGtEq:
		return OpLtEq
	}
	return op
}

// IsArithmetic reports whether op is one of + - * / %.
func (op BinaryOp) IsArithmetic() bool { return op <= OpMod }

// IsLogical reports whether op is AND or OR.
func (op BinaryOp) IsLogical() bool { return op == OpAnd || op == OpOr }

// Binary applies Op to Left and Right. DataType is the result type the binder
// computed (for decimals, Spark's precision and scale rules).
type Binary struct {
	Op          BinaryOp
	Left, Right Expr
	DataType    arrow.DataType
}

// Type implements Expr.
func (b *Binary) Type() arrow.DataType { return b.DataType }

// Nullable implements Expr.
func (b *Binary) Nullable() bool {
	if b.Op == OpIsDistinctFrom || b.Op == OpIsNotDistinctFrom {
		return false
	}
	// Division and modulo by zero raise an error (ANSI mode), so they add no NULLs.
	return b.Left.Nullable() || b.Right.Nullable()
}

// Children implements Expr.
func (b *Binary) Children() []Expr { return []Expr{b.Left, b.Right} }

// WithChildren implements Expr.
func (b *Binary) WithChildren(c []Expr) Expr {
	n := *b
	n.Left, n.Right = c[0], c[1]
	return &n
}

func (b *Binary) String() string {
	return fmt.Sprintf("(%s %s %s)", b.Left, b.Op, b.Right)
}

// Not is logical negation with SQL's rule NOT NULL = NULL.
type Not struct{ X Expr }

// Type implements Expr.
func (n *Not) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// Nullable implements Expr.
func (n *Not) Nullable() bool { return n.X.Nullable() }

// Children implements Expr.
func (n *Not) Children() []Expr { return []Expr{n.X} }

// WithChildren implements Expr.
func (n *Not) WithChildren(c []Expr) Expr { return &Not{X: c[0]} }

func (n *Not) String() string { return fmt.Sprintf("NOT %s", n.X) }

// Negate is arithmetic negation of a numeric or interval value.
type Negate struct{ X Expr }

// Type implements Expr.
func (n *Negate) Type() arrow.DataType { return n.X.Type() }

// Nullable implements Expr.
func (n *Negate) Nullable() bool { return n.X.Nullable() }

// Children implements Expr.
func (n *Negate) Children() []Expr { return []Expr{n.X} }

// WithChildren implements Expr.
func (n *Negate) WithChildren(c []Expr) Expr { return &Negate{X: c[0]} }

func (n *Negate) String() string { return fmt.Sprintf("(- %s)", n.X) }

// IsNull tests X IS NULL, or X IS NOT NULL when Negated. Never NULL itself.
type IsNull struct {
	X       Expr
	Negated bool
}

// Type implements Expr.
func (n *IsNull) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// Nullable implements Expr.
func (n *IsNull) Nullable() bool { return false }

// Children implements Expr.
func (n *IsNull) Children() []Expr { return []Expr{n.X} }

// WithChildren implements Expr.
func (n *IsNull) WithChildren(c []Expr) Expr { return &IsNull{X: c[0], Negated: n.Negated} }

func (n *IsNull) String() string {
	if n.Negated {
		return fmt.Sprintf("%s IS NOT NULL", n.X)
	}
	return fmt.Sprintf("%s IS NULL", n.X)
}

// Like matches the string X against a SQL LIKE pattern (% and _, with
// backslash as the escape character). Pattern is usually a literal.
type Like struct {
	X, Pattern      Expr
	Negated         bool
	CaseInsensitive bool // ILIKE
}

// Type implements Expr.
func (l *Like) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// Nullable implements Expr.
func (l *Like) Nullable() bool { return l.X.Nullable() || l.Pattern.Nullable() }

// Children implements Expr.
func (l *Like) Children() []Expr { return []Expr{l.X, l.Pattern} }

// WithChildren implements Expr.
func (l *Like) WithChildren(c []Expr) Expr {
	n := *l
	n.X, n.Pattern = c[0], c[1]
	return &n
}

func (l *Like) String() string {
	op := "LIKE"
	if l.CaseInsensitive {
		op = "ILIKE"
	}
	if l.Negated {
		op = "NOT " + op
	}
	return fmt.Sprintf("%s %s %s", l.X, op, l.Pattern)
}

// InList tests X IN (List...), with SQL's NULL rules: the result is NULL when
// X is NULL, or when no element matches and some element is NULL.
type InList struct {
	X       Expr
	List    []Expr
	Negated bool
}

// Type implements Expr.
func (in *InList) Type() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

// Nullable implements Expr.
func (in *InList) Nullable() bool {
	if in.X.Nullable() {
		return true
	}
	for _, e := range in.List {
		if e.Nullable() {
			return true
		}
	}
	return false
}

// Children implements Expr.
func (in *InList) Children() []Expr { return append([]Expr{in.X}, in.List...) }

// WithChildren implements Expr.
func (in *InList) WithChildren(c []Expr) Expr {
	return &InList{X: c[0], List: append([]Expr(nil), c[1:]...), Negated: in.Negated}
}

func (in *InList) String() string {
	op := "IN"
	if in.Negated {
		op = "NOT IN"
	}
	return fmt.Sprintf("%s %s (%s)", in.X, op, joinExprs(in.List))
}

// When is one WHEN cond THEN result arm of a Case.
type When struct {
	Cond, Result Expr
}

// Case is a searched CASE (the simple form is bound into this one). Else is
// nil when absent, which yields NULL.
type Case struct {
	Whens    []When
	Else     Expr
	DataType arrow.DataType
}

// Type implements Expr.
func (c *Case) Type() arrow.DataType { return c.DataType }

// Nullable implements Expr.
func (c *Case) Nullable() bool {
	if c.Else == nil || c.Else.Nullable() {
		return true
	}
	for _, w := range c.Whens {
		if w.Result.Nullable() {
			return true
		}
	}
	return false
}

// Children implements Expr: cond0, result0, cond1, result1, ..., [else].
func (c *Case) Children() []Expr {
	out := make([]Expr, 0, 2*len(c.Whens)+1)
	for _, w := range c.Whens {
		out = append(out, w.Cond, w.Result)
	}
	if c.Else != nil {
		out = append(out, c.Else)
	}
	return out
}

// WithChildren implements Expr.
func (c *Case) WithChildren(ch []Expr) Expr {
	n := &Case{DataType: c.DataType, Whens: make([]When, len(c.Whens))}
	for i := range c.Whens {
		n.Whens[i] = When{Cond: ch[2*i], Result: ch[2*i+1]}
	}
	if c.Else != nil {
		n.Else = ch[len(ch)-1]
	}
	return n
}

func (c *Case) String() string {
	var sb strings.Builder
	sb.WriteString("CASE")
	for _, w := range c.Whens {
		fmt.Fprintf(&sb, " WHEN %s THEN %s", w.Cond, w.Result)
	}
	if c.Else != nil {
		fmt.Fprintf(&sb, " ELSE %s", c.Else)
	}
	sb.WriteString(" END")
	return sb.String()
}

// Cast converts X to To. Under ANSI rules a value that cannot be converted
// (an overflow, a malformed string) is an error, not NULL.
type Cast struct {
	X  Expr
	To arrow.DataType
}

// Type implements Expr.
func (c *Cast) Type() arrow.DataType { return c.To }

// Nullable implements Expr.
func (c *Cast) Nullable() bool { return c.X.Nullable() }

// Children implements Expr.
func (c *Cast) Children() []Expr { return []Expr{c.X} }

// WithChildren implements Expr.
func (c *Cast) WithChildren(ch []Expr) Expr { return &Cast{X: ch[0], To: c.To} }

func (c *Cast) String() string { return fmt.Sprintf("CAST(%s AS %s)", c.X, TypeName(c.To)) }

// Func calls a scalar function by its lower-case name. The function set and
// the argument types each accepts are listed in functions.go; the binder
// checks them and fills DataType.
type Func struct {
	Name     string
	Args     []Expr
	DataType arrow.DataType
}

// Type implements Expr.
func (f *Func) Type() arrow.DataType { return f.DataType }

// Nullable implements Expr.
func (f *Func) Nullable() bool {
	switch f.Name {
	case "coalesce":
		for _, a := range f.Args {
			if !a.Nullable() {
				return false
			}
		}
		return true
	case "nullif", "rand":
		return f.Name == "nullif"
	}
	if fn := LookupFunction(f.Name); fn != nil && fn.NullOnValues {
		return true
	}
	for _, a := range f.Args {
		if a.Nullable() {
			return true
		}
	}
	return false
}

// Children implements Expr.
func (f *Func) Children() []Expr { return f.Args }

// WithChildren implements Expr.
func (f *Func) WithChildren(c []Expr) Expr {
	return &Func{Name: f.Name, Args: append([]Expr(nil), c...), DataType: f.DataType}
}

func (f *Func) String() string { return fmt.Sprintf("%s(%s)", f.Name, joinExprs(f.Args)) }

func joinExprs(es []Expr) string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.String()
	}
	return strings.Join(parts, ", ")
}
