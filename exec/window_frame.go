package exec

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner"
)

// windowLayout is the rows of one window group in sorted order, with their
// partitions and peer groups. Positions are indexes into the sorted order.
type windowLayout struct {
	n     int
	perm  []uint32 // sorted position -> input row (numbered across batches)
	refs  []rowRef // sorted position -> the row in the input batches
	parts []int    // start of each partition, then n
	// peerStart and peerEnd bound each row's peer group [start, end): the
	// rows with equal ORDER BY keys in its partition (the whole partition
	// without ORDER BY).
	peerStart, peerEnd []int32
}

// layout sorts the group's rows and finds partitions and peers.
func (g *windowGroup) layout(n int, loc *rowLocator) *windowLayout {
	lay := &windowLayout{n: n, peerStart: make([]int32, n), peerEnd: make([]int32, n)}
	if len(g.keys) == 0 {
		lay.perm = identity(n)
		lay.parts = []int{0}
		if n > 0 {
			lay.parts = append(lay.parts, n)
		}
	} else {
		nk, ends := encodeBatches(g.specs, g.keyCols, g.nPart)
		lay.perm = sortKeys(&nk)
		prefix := func(r uint32) []byte {
			k := nk.key(int(r))
			if nk.width > 0 {
				return k[:ends[0]]
			}
			return k[:ends[r]]
		}
		lay.parts = []int{0}
		for i := 1; i < n; i++ {
			if g.nPart > 0 && !bytes.Equal(prefix(lay.perm[i-1]), prefix(lay.perm[i])) {
				lay.parts = append(lay.parts, i)
			}
		}
		if n > 0 {
			lay.parts = append(lay.parts, n)
		}
		if g.hasOrder {
			for p := 0; p+1 < len(lay.parts); p++ {
				ps, pe := lay.parts[p], lay.parts[p+1]
				start := ps
				for i := ps + 1; i <= pe; i++ {
					if i == pe || !bytes.Equal(nk.key(int(lay.perm[i-1])), nk.key(int(lay.perm[i]))) {
						for j := start; j < i; j++ {
							lay.peerStart[j], lay.peerEnd[j] = int32(start), int32(i)
						}
						start = i
					}
				}
			}
		}
	}
	if !g.hasOrder {
		for p := 0; p+1 < len(lay.parts); p++ {
			ps, pe := lay.parts[p], lay.parts[p+1]
			for j := ps; j < pe; j++ {
				lay.peerStart[j], lay.peerEnd[j] = int32(ps), int32(pe)
			}
		}
	}
	lay.refs = loc.refs(lay.perm, make([]rowRef, 0, n))
	return lay
}

// boundKind is the kind of one end of a frame.
type boundKind uint8

const (
	boundUnboundedPreceding boundKind = iota
	boundUnboundedFollowing
	boundRows // offset rows from the current one
	boundPeer // the first (start) or last (end) peer of the current row
)

// frameSpec is a resolved window frame.
type frameSpec struct {
	startKind, endKind boundKind
	start, end         int64 // row offsets for boundRows
}

// newFrameSpec resolves f (nil: the default frame). RANGE frames may only
// be bounded by UNBOUNDED or CURRENT ROW, since the peers of the current
// row are all this operator knows of ranges.
func newFrameSpec(f *planner.Frame, hasOrder bool) (frameSpec, error) {
	if f == nil {
		if hasOrder {
			return frameSpec{startKind: boundUnboundedPreceding, endKind: boundPeer}, nil
		}
		return frameSpec{startKind: boundUnboundedPreceding, endKind: boundUnboundedFollowing}, nil
	}
	var s frameSpec
	switch {
	case f.Start.Unbounded && f.Start.Offset <= 0:
		s.startKind = boundUnboundedPreceding
	case f.Start.Unbounded:
		return s, fmt.Errorf("a frame cannot start at UNBOUNDED FOLLOWING")
	case f.Rows:
		s.startKind, s.start = boundRows, f.Start.Offset
	case f.Start.Offset == 0:
		s.startKind = boundPeer
	default:
		return s, fmt.Errorf("RANGE frames bounded by %s are not supported", f.Start)
	}
	switch {
	case f.End.Unbounded && f.End.Offset > 0:
		s.endKind = boundUnboundedFollowing
	case f.End.Unbounded:
		return s, fmt.Errorf("a frame cannot end at UNBOUNDED PRECEDING")
	case f.Rows:
		s.endKind, s.end = boundRows, f.End.Offset
	case f.End.Offset == 0:
		s.endKind = boundPeer
	default:
		return s, fmt.Errorf("RANGE frames bounded by %s are not supported", f.End)
	}
	return s, nil
}

// bounds returns the frame [lo, hi] of the row at position i of the
// partition [ps, pe); the frame is empty when lo > hi.
func (f *frameSpec) bounds(lay *windowLayout, i, ps, pe int) (lo, hi int) {
	switch f.startKind {
	case boundUnboundedPreceding:
		lo = ps
	case boundRows:
		lo = offsetRow(i, f.start)
		if lo < ps {
			lo = ps
		}
	case boundPeer:
		lo = int(lay.peerStart[i])
	default:
		lo = pe
	}
	switch f.endKind {
	case boundUnboundedFollowing:
		hi = pe - 1
	case boundRows:
		hi = offsetRow(i, f.end)
		if hi > pe-1 {
			hi = pe - 1
		}
	case boundPeer:
		hi = int(lay.peerEnd[i]) - 1
	default:
		hi = ps - 1
	}
	return lo, hi
}

// offsetRow is i+off, saturated far outside any partition.
func offsetRow(i int, off int64) int {
	const far = 1 << 40
	switch {
	case off > far:
		return i + far
	case off < -far:
		return i - far
	}
	return i + int(off)
}

// startsUnbounded reports whether every frame starts at its partition's
// start (rows only ever enter the frame).
func (f *frameSpec) startsUnbounded() bool { return f.startKind == boundUnboundedPreceding }

// newWindowCall checks a window function's arguments and resolves its
// frame.
func newWindowCall(f *planner.WindowCall, index int, in *arrow.Schema) (*windowCall, error) {
	c := &windowCall{call: f, index: index}
	nargs := func(lo, hi int) error {
		if len(f.Args) < lo || len(f.Args) > hi {
			return fmt.Errorf("%s takes %d to %d arguments, got %d", f.Func, lo, hi, len(f.Args))
		}
		return nil
	}
	var args []planner.Expr
	switch f.Func {
	case planner.WinRowNumber, planner.WinRank, planner.WinDenseRank:
		if err := nargs(0, 0); err != nil {
			return nil, err
		}
		if !planner.IsInteger(f.DataType) {
			return nil, fmt.Errorf("%s cannot produce %s", f.Func, planner.TypeName(f.DataType))
		}
	case planner.WinLag, planner.WinLead:
		if err := nargs(1, 3); err != nil {
			return nil, err
		}
		c.offset = 1
		if len(f.Args) > 1 {
			off, err := constantInt(f.Args[1])
			if err != nil {
				return nil, fmt.Errorf("the offset of %s: %w", f.Func, err)
			}
			c.offset = off
		}
		if f.Func == planner.WinLag {
			c.offset = -c.offset
		}
		args = []planner.Expr{f.Args[0]}
		if len(f.Args) > 2 && f.Args[2].Type().ID() != arrow.NULL {
			if !arrow.TypeEqual(f.Args[2].Type(), f.Args[0].Type()) {
				return nil, fmt.Errorf("the default of %s is %s, expected %s", f.Func,
					planner.TypeName(f.Args[2].Type()), planner.TypeName(f.Args[0].Type()))
			}
			args = append(args, f.Args[2])
		}
	case planner.WinFirstValue, planner.WinLastValue, planner.WindowFunc(planner.AggFirst),
		planner.WindowFunc(planner.AggMin), planner.WindowFunc(planner.AggMax),
		planner.WindowFunc(planner.AggSum), planner.WindowFunc(planner.AggAvg), planner.WindowFunc(planner.AggCount):
		if err := nargs(1, 1); err != nil {
			return nil, err
		}
		args = f.Args
	case planner.WindowFunc(planner.AggCountStar):
		if err := nargs(0, 0); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown window function %s", f.Func)
	}
	if err := checkWindowType(f, args); err != nil {
		return nil, err
	}
	bound, err := bindExprs(args, in)
	if err != nil {
		return nil, err
	}
	c.args = bound
	if c.frame, err = newFrameSpec(f.Frame, len(f.OrderBy) > 0); err != nil {
		return nil, err
	}
	return c, nil
}

// checkWindowType checks the result type the binder gave an aggregate
// against the argument's, the way window_agg.go computes it.
func checkWindowType(f *planner.WindowCall, args []planner.Expr) error {
	want := f.DataType
	switch planner.AggFunc(f.Func) {
	case planner.AggCount, planner.AggCountStar:
		want = planner.TypeBigInt
	case planner.AggSum:
		t, err := planner.SumType(args[0].Type())
		if err != nil {
			return err
		}
		want = t
	case planner.AggAvg:
		t, err := planner.AvgType(args[0].Type())
		if err != nil {
			return err
		}
		if args[0].Type().ID() == arrow.DECIMAL128 && f.DataType.ID() == arrow.DECIMAL128 {
			return nil // the scale is the binder's; window_agg.go rounds to it
		}
		want = t
	case planner.AggMin, planner.AggMax, planner.AggFirst:
		want = args[0].Type()
	}
	switch f.Func {
	case planner.WinLag, planner.WinLead, planner.WinFirstValue, planner.WinLastValue:
		want = args[0].Type()
	}
	if !arrow.TypeEqual(want, f.DataType) {
		return fmt.Errorf("%s yields %s, not %s", f.Func, planner.TypeName(want), planner.TypeName(f.DataType))
	}
	return nil
}

// constantInt evaluates a constant integer expression.
func constantInt(e planner.Expr) (int64, error) {
	l, ok := e.(*planner.Literal)
	if !ok {
		var err error
		if l, err = eval.EvalConstant(e); err != nil {
			return 0, fmt.Errorf("%s is not a constant: %w", e, err)
		}
	}
	switch v := l.Value.(type) {
	case int8:
		return int64(v), nil
	case int16:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case int64:
		return v, nil
	}
	return 0, fmt.Errorf("%s is not an integer", e)
}

// sliceArray returns a[from:to], to be released.
func sliceArray(a arrow.Array, from, to int) arrow.Array {
	return array.NewSlice(a, int64(from), int64(to))
}

// newBatch makes a batch of schema over cols (retained).
func newBatch(schema *arrow.Schema, cols []arrow.Array, rows int) arrow.RecordBatch {
	return array.NewRecordBatch(schema, cols, int64(rows))
}
