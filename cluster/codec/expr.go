package codec

import (
	"errors"
	"fmt"

	"github.com/ember-sql/ember/planner"
	emberpb "github.com/ember-sql/ember/proto"
)

// EncodeExpr encodes a bound expression. Subquery expressions and outer
// column references exist only before decorrelation; meeting one is an
// error.
func EncodeExpr(e planner.Expr) (*emberpb.Expr, error) {
	switch e := e.(type) {
	case nil:
		return nil, errors.New("missing expression")
	case *planner.Column:
		t, err := EncodeType(e.DataType)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Column{Column: &emberpb.ColumnRef{
			Index: int32(e.Index), Name: e.Name, Type: t, Nullable: e.Null}}}, nil
	case *planner.Literal:
		l, err := encodeLiteral(e)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Literal{Literal: l}}, nil
	case *planner.Binary:
		l, r, err := encode2(e.Left, e.Right)
		if err != nil {
			return nil, err
		}
		t, err := EncodeType(e.DataType)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Binary{Binary: &emberpb.BinaryExpr{
			Op: emberpb.BinaryOp(e.Op), Left: l, Right: r, Type: t}}}, nil
	case *planner.Not:
		x, err := EncodeExpr(e.X)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Not{Not: &emberpb.UnaryExpr{X: x}}}, nil
	case *planner.Negate:
		x, err := EncodeExpr(e.X)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Negate{Negate: &emberpb.UnaryExpr{X: x}}}, nil
	case *planner.IsNull:
		x, err := EncodeExpr(e.X)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_IsNull{IsNull: &emberpb.IsNullExpr{X: x, Negated: e.Negated}}}, nil
	case *planner.Like:
		x, p, err := encode2(e.X, e.Pattern)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Like{Like: &emberpb.LikeExpr{
			X: x, Pattern: p, Negated: e.Negated, CaseInsensitive: e.CaseInsensitive}}}, nil
	case *planner.InList:
		x, err := EncodeExpr(e.X)
		if err != nil {
			return nil, err
		}
		list, err := encodeExprs(e.List)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_InList{InList: &emberpb.InListExpr{X: x, List: list, Negated: e.Negated}}}, nil
	case *planner.Case:
		return encodeCase(e)
	case *planner.Cast:
		x, err := EncodeExpr(e.X)
		if err != nil {
			return nil, err
		}
		t, err := EncodeType(e.To)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Cast{Cast: &emberpb.CastExpr{X: x, To: t}}}, nil
	case *planner.Func:
		args, err := encodeExprs(e.Args)
		if err != nil {
			return nil, err
		}
		t, err := EncodeType(e.DataType)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Function{Function: &emberpb.FuncCall{Name: e.Name, Args: args, Type: t}}}, nil
	case *planner.AggregateCall:
		a, err := encodeAggregate(e)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Aggregate{Aggregate: a}}, nil
	case *planner.WindowCall:
		w, err := encodeWindow(e)
		if err != nil {
			return nil, err
		}
		return &emberpb.Expr{Expr: &emberpb.Expr_Window{Window: w}}, nil
	case *planner.OuterColumn, *planner.ScalarSubquery, *planner.Exists, *planner.InSubquery:
		return nil, fmt.Errorf("expression %s (a %T) cannot be in a physical plan", e, e)
	}
	return nil, fmt.Errorf("expression %s of type %T cannot be sent to the cluster", e, e)
}

// DecodeExpr decodes an expression written by EncodeExpr.
func DecodeExpr(m *emberpb.Expr) (planner.Expr, error) {
	switch x := m.GetExpr().(type) {
	case nil:
		return nil, errors.New("missing expression")
	case *emberpb.Expr_Column:
		c := x.Column
		t, err := DecodeType(c.Type)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		if c.Index < 0 {
			return nil, fmt.Errorf("column %s has index %d", c.Name, c.Index)
		}
		return &planner.Column{Index: int(c.Index), Name: c.Name, DataType: t, Null: c.Nullable}, nil
	case *emberpb.Expr_Literal:
		return decodeLiteral(x.Literal)
	case *emberpb.Expr_Binary:
		b := x.Binary
		if b.Op < emberpb.BinaryOp_BINARY_OP_ADD || b.Op > emberpb.BinaryOp_BINARY_OP_IS_NOT_DISTINCT_FROM {
			return nil, fmt.Errorf("unknown binary operator %d", b.Op)
		}
		l, r, err := decode2(b.Left, b.Right)
		if err != nil {
			return nil, err
		}
		t, err := DecodeType(b.Type)
		if err != nil {
			return nil, err
		}
		return &planner.Binary{Op: planner.BinaryOp(b.Op), Left: l, Right: r, DataType: t}, nil
	case *emberpb.Expr_Not:
		e, err := DecodeExpr(x.Not.GetX())
		if err != nil {
			return nil, err
		}
		return &planner.Not{X: e}, nil
	case *emberpb.Expr_Negate:
		e, err := DecodeExpr(x.Negate.GetX())
		if err != nil {
			return nil, err
		}
		return &planner.Negate{X: e}, nil
	case *emberpb.Expr_IsNull:
		e, err := DecodeExpr(x.IsNull.GetX())
		if err != nil {
			return nil, err
		}
		return &planner.IsNull{X: e, Negated: x.IsNull.Negated}, nil
	case *emberpb.Expr_Like:
		l := x.Like
		e, p, err := decode2(l.X, l.Pattern)
		if err != nil {
			return nil, err
		}
		return &planner.Like{X: e, Pattern: p, Negated: l.Negated, CaseInsensitive: l.CaseInsensitive}, nil
	case *emberpb.Expr_InList:
		e, err := DecodeExpr(x.InList.GetX())
		if err != nil {
			return nil, err
		}
		list, err := decodeExprs(x.InList.List)
		if err != nil {
			return nil, err
		}
		return &planner.InList{X: e, List: list, Negated: x.InList.Negated}, nil
	case *emberpb.Expr_CaseWhen:
		return decodeCase(x.CaseWhen)
	case *emberpb.Expr_Cast:
		e, err := DecodeExpr(x.Cast.GetX())
		if err != nil {
			return nil, err
		}
		t, err := DecodeType(x.Cast.To)
		if err != nil {
			return nil, err
		}
		return &planner.Cast{X: e, To: t}, nil
	case *emberpb.Expr_Function:
		f := x.Function
		args, err := decodeExprs(f.Args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		t, err := DecodeType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		return &planner.Func{Name: f.Name, Args: args, DataType: t}, nil
	case *emberpb.Expr_Aggregate:
		return decodeAggregate(x.Aggregate)
	case *emberpb.Expr_Window:
		return decodeWindow(x.Window)
	}
	return nil, fmt.Errorf("unknown expression case %T", m.GetExpr())
}

func encodeLiteral(l *planner.Literal) (*emberpb.Literal, error) {
	t, err := EncodeType(l.DataType)
	if err != nil {
		return nil, fmt.Errorf("literal %s: %w", l, err)
	}
	v, err := encodeValue(l.Value)
	if err != nil {
		return nil, fmt.Errorf("literal: %w", err)
	}
	return &emberpb.Literal{Type: t, Value: v}, nil
}

func decodeLiteral(m *emberpb.Literal) (*planner.Literal, error) {
	if m == nil {
		return nil, errors.New("missing literal")
	}
	t, err := DecodeType(m.Type)
	if err != nil {
		return nil, fmt.Errorf("literal: %w", err)
	}
	v, err := decodeValue(m.Value)
	if err != nil {
		return nil, fmt.Errorf("literal: %w", err)
	}
	if err := checkLiteral(v, t); err != nil {
		return nil, err
	}
	return &planner.Literal{Value: v, DataType: t}, nil
}

func encodeCase(c *planner.Case) (*emberpb.Expr, error) {
	m := &emberpb.CaseExpr{Whens: make([]*emberpb.WhenClause, len(c.Whens))}
	for i, w := range c.Whens {
		cond, res, err := encode2(w.Cond, w.Result)
		if err != nil {
			return nil, err
		}
		m.Whens[i] = &emberpb.WhenClause{Cond: cond, Result: res}
	}
	if c.Else != nil {
		e, err := EncodeExpr(c.Else)
		if err != nil {
			return nil, err
		}
		m.ElseResult = e
	}
	t, err := EncodeType(c.DataType)
	if err != nil {
		return nil, err
	}
	m.Type = t
	return &emberpb.Expr{Expr: &emberpb.Expr_CaseWhen{CaseWhen: m}}, nil
}

func decodeCase(m *emberpb.CaseExpr) (*planner.Case, error) {
	if len(m.Whens) == 0 {
		return nil, errors.New("CASE without WHEN")
	}
	c := &planner.Case{Whens: make([]planner.When, len(m.Whens))}
	for i, w := range m.Whens {
		cond, res, err := decode2(w.GetCond(), w.GetResult())
		if err != nil {
			return nil, err
		}
		c.Whens[i] = planner.When{Cond: cond, Result: res}
	}
	if m.ElseResult != nil {
		e, err := DecodeExpr(m.ElseResult)
		if err != nil {
			return nil, err
		}
		c.Else = e
	}
	t, err := DecodeType(m.Type)
	if err != nil {
		return nil, err
	}
	c.DataType = t
	return c, nil
}

func encodeAggregate(a *planner.AggregateCall) (*emberpb.AggregateCall, error) {
	if a == nil {
		return nil, errors.New("missing aggregate")
	}
	args, err := encodeExprs(a.Args)
	if err != nil {
		return nil, err
	}
	t, err := EncodeType(a.DataType)
	if err != nil {
		return nil, err
	}
	return &emberpb.AggregateCall{Func: string(a.Func), Args: args, Distinct: a.Distinct, Type: t}, nil
}

// aggFuncs are the aggregate functions a decoded call may name.
var aggFuncs = map[planner.AggFunc]bool{
	planner.AggCountStar: true, planner.AggCount: true, planner.AggSum: true, planner.AggAvg: true,
	planner.AggMin: true, planner.AggMax: true, planner.AggFirst: true,
}

func decodeAggregate(m *emberpb.AggregateCall) (*planner.AggregateCall, error) {
	if m == nil {
		return nil, errors.New("missing aggregate")
	}
	if !aggFuncs[planner.AggFunc(m.Func)] {
		return nil, fmt.Errorf("unknown aggregate function %q", m.Func)
	}
	args, err := decodeExprs(m.Args)
	if err != nil {
		return nil, err
	}
	t, err := DecodeType(m.Type)
	if err != nil {
		return nil, err
	}
	return &planner.AggregateCall{Func: planner.AggFunc(m.Func), Args: args, Distinct: m.Distinct, DataType: t}, nil
}

func encodeSortKeys(keys []planner.SortKey) ([]*emberpb.SortKey, error) {
	out := make([]*emberpb.SortKey, len(keys))
	for i, k := range keys {
		e, err := EncodeExpr(k.Expr)
		if err != nil {
			return nil, err
		}
		out[i] = &emberpb.SortKey{Expr: e, Descending: k.Descending, NullsFirst: k.NullsFirst}
	}
	return out, nil
}

func decodeSortKeys(ms []*emberpb.SortKey) ([]planner.SortKey, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	out := make([]planner.SortKey, len(ms))
	for i, m := range ms {
		e, err := DecodeExpr(m.GetExpr())
		if err != nil {
			return nil, err
		}
		out[i] = planner.SortKey{Expr: e, Descending: m.Descending, NullsFirst: m.NullsFirst}
	}
	return out, nil
}

func encodeWindow(w *planner.WindowCall) (*emberpb.WindowCall, error) {
	if w == nil {
		return nil, errors.New("missing window function")
	}
	args, err := encodeExprs(w.Args)
	if err != nil {
		return nil, err
	}
	parts, err := encodeExprs(w.PartitionBy)
	if err != nil {
		return nil, err
	}
	order, err := encodeSortKeys(w.OrderBy)
	if err != nil {
		return nil, err
	}
	t, err := EncodeType(w.DataType)
	if err != nil {
		return nil, err
	}
	m := &emberpb.WindowCall{Func: string(w.Func), Args: args, PartitionBy: parts, OrderBy: order, Type: t}
	if f := w.Frame; f != nil {
		m.Frame = &emberpb.WindowFrame{
			Rows:  f.Rows,
			Start: &emberpb.FrameBound{Unbounded: f.Start.Unbounded, Offset: f.Start.Offset},
			End:   &emberpb.FrameBound{Unbounded: f.End.Unbounded, Offset: f.End.Offset},
		}
	}
	return m, nil
}

// windowFuncs are the window functions a decoded call may name, beyond
// the aggregates.
var windowFuncs = map[planner.WindowFunc]bool{
	planner.WinRowNumber: true, planner.WinRank: true, planner.WinDenseRank: true, planner.WinLag: true,
	planner.WinLead: true, planner.WinFirstValue: true, planner.WinLastValue: true,
}

func decodeWindow(m *emberpb.WindowCall) (*planner.WindowCall, error) {
	if m == nil {
		return nil, errors.New("missing window function")
	}
	if !windowFuncs[planner.WindowFunc(m.Func)] && !aggFuncs[planner.AggFunc(m.Func)] {
		return nil, fmt.Errorf("unknown window function %q", m.Func)
	}
	args, err := decodeExprs(m.Args)
	if err != nil {
		return nil, err
	}
	parts, err := decodeExprs(m.PartitionBy)
	if err != nil {
		return nil, err
	}
	order, err := decodeSortKeys(m.OrderBy)
	if err != nil {
		return nil, err
	}
	t, err := DecodeType(m.Type)
	if err != nil {
		return nil, err
	}
	w := &planner.WindowCall{Func: planner.WindowFunc(m.Func), Args: args, PartitionBy: parts, OrderBy: order, DataType: t}
	if f := m.Frame; f != nil {
		w.Frame = &planner.Frame{
			Rows:  f.Rows,
			Start: planner.FrameBound{Unbounded: f.Start.GetUnbounded(), Offset: f.Start.GetOffset()},
			End:   planner.FrameBound{Unbounded: f.End.GetUnbounded(), Offset: f.End.GetOffset()},
		}
	}
	return w, nil
}

func encode2(a, b planner.Expr) (*emberpb.Expr, *emberpb.Expr, error) {
	x, err := EncodeExpr(a)
	if err != nil {
		return nil, nil, err
	}
	y, err := EncodeExpr(b)
	if err != nil {
		return nil, nil, err
	}
	return x, y, nil
}

func decode2(a, b *emberpb.Expr) (planner.Expr, planner.Expr, error) {
	x, err := DecodeExpr(a)
	if err != nil {
		return nil, nil, err
	}
	y, err := DecodeExpr(b)
	if err != nil {
		return nil, nil, err
	}
	return x, y, nil
}

// encodeExprs encodes a list; nil stays empty.
func encodeExprs(es []planner.Expr) ([]*emberpb.Expr, error) {
	if len(es) == 0 {
		return nil, nil
	}
	out := make([]*emberpb.Expr, len(es))
	for i, e := range es {
		m, err := EncodeExpr(e)
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// decodeExprs decodes a list; an empty list decodes to nil.
func decodeExprs(ms []*emberpb.Expr) ([]planner.Expr, error) {
	if len(ms) == 0 {
		return nil, nil
	}
	out := make([]planner.Expr, len(ms))
	for i, m := range ms {
		e, err := DecodeExpr(m)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}
