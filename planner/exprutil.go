package planner

// TransformExpr rewrites e bottom-up: fn sees each node after its children
// were rewritten and returns the replacement (or the node itself).
func TransformExpr(e Expr, fn func(Expr) (Expr, error)) (Expr, error) {
	if e == nil {
		return nil, nil
	}
	children := e.Children()
	if len(children) > 0 {
		changed := false
		out := make([]Expr, len(children))
		for i, c := range children {
			nc, err := TransformExpr(c, fn)
			if err != nil {
				return nil, err
			}
			out[i] = nc
			changed = changed || nc != c
		}
		if changed {
			e = e.WithChildren(out)
		}
	}
	return fn(e)
}

// WalkExpr calls fn on e and its descendants, parents first; returning
// false from fn skips a node's children.
func WalkExpr(e Expr, fn func(Expr) bool) {
	if e == nil || !fn(e) {
		return
	}
	for _, c := range e.Children() {
		WalkExpr(c, fn)
	}
}

// ColumnsUsed returns the set of input column indexes e refers to.
func ColumnsUsed(e Expr) map[int]bool {
	out := map[int]bool{}
	WalkExpr(e, func(x Expr) bool {
		if c, ok := x.(*Column); ok {
			out[c.Index] = true
		}
		return true
	})
	return out
}

// ColumnsWithin reports whether every column e refers to lies in [lo, hi).
func ColumnsWithin(e Expr, lo, hi int) bool {
	ok := true
	WalkExpr(e, func(x Expr) bool {
		if c, isCol := x.(*Column); isCol && (c.Index < lo || c.Index >= hi) {
			ok = false
		}
		return ok
	})
	return ok
}

// RemapColumns replaces every Column index i by mapping(i).
func RemapColumns(e Expr, mapping func(int) int) Expr {
	out, _ := TransformExpr(e, func(x Expr) (Expr, error) {
		if c, ok := x.(*Column); ok {
			n := *c
			n.Index = mapping(c.Index)
			return &n, nil
		}
		return x, nil
	})
	return out
}

// ShiftColumns adds delta to every Column index of e.
func ShiftColumns(e Expr, delta int) Expr {
	if delta == 0 {
		return e
	}
	return RemapColumns(e, func(i int) int { return i + delta })
}

// SubstituteColumns replaces each Column i by exprs[i] (used to push an
// expression below a projection).
func SubstituteColumns(e Expr, exprs []Expr) Expr {
	out, _ := TransformExpr(e, func(x Expr) (Expr, error) {
		if c, ok := x.(*Column); ok {
			return exprs[c.Index], nil
		}
		return x, nil
	})
	return out
}

// SplitConjunction flattens nested ANDs into their conjuncts.
func SplitConjunction(e Expr) []Expr {
	if e == nil {
		return nil
	}
	if b, ok := e.(*Binary); ok && b.Op == OpAnd {
		return append(SplitConjunction(b.Left), SplitConjunction(b.Right)...)
	}
	return []Expr{e}
}

// Conjoin ANDs the expressions together; nil for none.
func Conjoin(es []Expr) Expr {
	var out Expr
	for _, e := range es {
		if out == nil {
			out = e
		} else {
			out = &Binary{Op: OpAnd, Left: out, Right: e, DataType: TypeBoolean}
		}
	}
	return out
}

// IsVolatile reports whether e may give different results for the same
// input (rand), so that it must not be duplicated or moved.
func IsVolatile(e Expr) bool {
	found := false
	WalkExpr(e, func(x Expr) bool {
		if f, ok := x.(*Func); ok && f.Name == "rand" {
			found = true
		}
		return !found
	})
	return found
}

// HasSubquery reports whether e contains a subquery expression.
func HasSubquery(e Expr) bool {
	found := false
	WalkExpr(e, func(x Expr) bool {
		switch x.(type) {
		case *ScalarSubquery, *Exists, *InSubquery:
			found = true
		}
		return !found
	})
	return found
}

// ColumnRef returns a Column referring to field i of the schema of n.
func ColumnRef(n Node, i int) *Column {
	f := n.Schema().Field(i)
	return &Column{Index: i, Name: f.Name, DataType: f.Type, Null: f.Nullable}
}

// NodeExprs returns the expressions a node holds directly (not those of
// its children), for walks that inspect every expression of a plan.
func NodeExprs(n Node) []Expr {
	switch n := n.(type) {
	case *Scan:
		return n.Filters
	case *Values:
		var out []Expr
		for _, r := range n.Rows {
			out = append(out, r...)
		}
		return out
	case *Filter:
		return []Expr{n.Predicate}
	case *Project:
		return n.Exprs
	case *Aggregate:
		out := append([]Expr(nil), n.GroupBy...)
		for _, a := range n.Aggs {
			out = append(out, a)
		}
		return out
	case *Join:
		if n.Condition != nil {
			return []Expr{n.Condition}
		}
	case *Sort:
		out := make([]Expr, len(n.Keys))
		for i, k := range n.Keys {
			out[i] = k.Expr
		}
		return out
	case *Window:
		out := make([]Expr, len(n.Funcs))
		for i, f := range n.Funcs {
			out[i] = f
		}
		return out
	case *Repartition:
		return n.Keys
	}
	return nil
}

// MapNodeExprs returns n with each expression it holds directly replaced by
// fn(expr) (aggregate and window calls are mapped as whole expressions and
// must stay calls of the same kind). Nodes without expressions come back
// unchanged.
func MapNodeExprs(n Node, fn func(Expr) Expr) Node {
	mapAll := func(es []Expr) []Expr {
		out := make([]Expr, len(es))
		for i, e := range es {
			out[i] = fn(e)
		}
		return out
	}
	switch n := n.(type) {
	case *Scan:
		c := *n
		c.Filters = mapAll(n.Filters)
		return &c
	case *Values:
		rows := make([][]Expr, len(n.Rows))
		for i, r := range n.Rows {
			rows[i] = mapAll(r)
		}
		return NewValues(n.Schema(), rows)
	case *Filter:
		return &Filter{Input: n.Input, Predicate: fn(n.Predicate)}
	case *Project:
		return NewProject(n.Input, mapAll(n.Exprs), n.Names)
	case *Aggregate:
		aggs := make([]*AggregateCall, len(n.Aggs))
		for i, a := range n.Aggs {
			aggs[i] = fn(a).(*AggregateCall)
		}
		return NewAggregate(n.Input, mapAll(n.GroupBy), aggs, n.Names)
	case *Join:
		if n.Condition == nil {
			return n
		}
		return NewJoin(n.Left, n.Right, n.Type, fn(n.Condition))
	case *Sort:
		keys := make([]SortKey, len(n.Keys))
		for i, k := range n.Keys {
			k.Expr = fn(k.Expr)
			keys[i] = k
		}
		return &Sort{Input: n.Input, Keys: keys, Fetch: n.Fetch}
	case *Window:
		funcs := make([]*WindowCall, len(n.Funcs))
		for i, f := range n.Funcs {
			funcs[i] = fn(f).(*WindowCall)
		}
		return NewWindow(n.Input, funcs, n.Names)
	case *Repartition:
		return &Repartition{Input: n.Input, Keys: mapAll(n.Keys), Partitions: n.Partitions}
	}
	return n
}
