package planner

// EstimateRows guesses how many rows a logical plan produces, from table
// statistics and fixed selectivities. It only has to rank inputs (which side
// of a join builds, whether a side is small enough to broadcast), so crude
// is fine; unknown table sizes count as large.
func EstimateRows(n Node) float64 {
	switch n := n.(type) {
	case *Scan:
		rows := float64(n.Table.Statistics().Rows)
		if rows < 0 {
			rows = 1e7
		}
		// Scan filters are hints: the Filter above them, which every pushed
		// filter keeps, accounts for their selectivity.
		if n.Limit >= 0 && float64(n.Limit) < rows {
			rows = float64(n.Limit)
		}
		return rows
	case *Values:
		return float64(len(n.Rows))
	case *Filter:
		return EstimateRows(n.Input) * selectivity(n.Predicate)
	case *Aggregate:
		if len(n.GroupBy) == 0 {
			return 1
		}
		return EstimateRows(n.Input) / 2
	case *Join:
		l, r := EstimateRows(n.Left), EstimateRows(n.Right)
		switch n.Type {
		case JoinSemi, JoinAnti, JoinNullAwareAnti, JoinMark, JoinSingle:
			return l
		}
		if n.Condition == nil {
			return l * r
		}
		// A foreign-key join keeps about the larger side's rows, times the
		// share of the smaller side's table that its filters keep.
		if l >= r {
			return l * min(1, r/max(BaseRows(n.Right), 1))
		}
		return r * min(1, l/max(BaseRows(n.Left), 1))
	case *Sort:
		if n.Fetch >= 0 {
			return min(float64(n.Fetch), EstimateRows(n.Input))
		}
		return EstimateRows(n.Input)
	case *Limit:
		in := EstimateRows(n.Input)
		if n.Count >= 0 {
			return min(float64(n.Count), in)
		}
		return in
	case *Union:
		var sum float64
		for _, c := range n.Inputs {
			sum += EstimateRows(c)
		}
		return sum
	case *EnforceSingleRow:
		return 1
	}
	if cs := n.Children(); len(cs) == 1 {
		return EstimateRows(cs[0])
	}
	return 1e7
}

// selectivity guesses the fraction of rows a predicate keeps.
func selectivity(e Expr) float64 {
	switch e := e.(type) {
	case *Binary:
		switch e.Op {
		case OpAnd:
			return selectivity(e.Left) * selectivity(e.Right)
		case OpOr:
			return min(1, selectivity(e.Left)+selectivity(e.Right))
		case OpEq, OpIsNotDistinctFrom:
			return 0.1
		case OpNotEq, OpIsDistinctFrom:
			return 0.9
		default:
			return 0.4
		}
	case *InList:
		if e.Negated {
			return 0.9
		}
		return min(1, 0.1*float64(len(e.List)))
	case *Like:
		return 0.25
	case *Not:
		return 1 - selectivity(e.X)
	case *Literal:
		if b, ok := e.Value.(bool); ok && b {
			return 1
		}
		return 0
	}
	return 0.5
}

// BaseRows is the row estimate of n ignoring its filters: the size of the
// largest table it reads.
func BaseRows(n Node) float64 {
	if s, ok := n.(*Scan); ok {
		if rows := s.Table.Statistics().Rows; rows >= 0 {
			return float64(rows)
		}
		return 1e7
	}
	best := 0.0
	for _, c := range n.Children() {
		best = max(best, BaseRows(c))
	}
	if best == 0 {
		return EstimateRows(n)
	}
	return best
}
