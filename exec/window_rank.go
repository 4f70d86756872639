package exec

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// compute evaluates one call over the group's sorted rows and returns its
// result, one value per row in that order.
func (w *windowOp) compute(c *windowCall, lay *windowLayout) (arrow.Array, error) {
	switch c.call.Func {
	case planner.WinRowNumber, planner.WinRank, planner.WinDenseRank:
		return rankResult(w.tc.Mem, c, lay)
	case planner.WinLag, planner.WinLead:
		return w.offsetResult(c, lay)
	case planner.WinFirstValue, planner.WindowFunc(planner.AggFirst):
		return w.valueAtResult(c, lay, true)
	case planner.WinLastValue:
		return w.valueAtResult(c, lay, false)
	}
	return w.aggregateResult(c, lay)
}

// sortedArg returns argument k of c for every row, in the group's order.
func (w *windowOp) sortedArg(c *windowCall, k int, lay *windowLayout) (arrow.Array, error) {
	srcs := make([]arrow.Array, len(c.argCols))
	for b := range c.argCols {
		srcs[b] = c.argCols[b][k]
	}
	return gatherArray(w.tc.Mem, c.args[k].typ, srcs, lay.refs)
}

// rankResult computes row_number, rank and dense_rank. Peers (rows with
// equal ORDER BY keys) share rank and dense_rank.
func rankResult(mem memory.Allocator, c *windowCall, lay *windowLayout) (arrow.Array, error) {
	vals := make([]int64, lay.n)
	for p := 0; p+1 < len(lay.parts); p++ {
		ps, pe := lay.parts[p], lay.parts[p+1]
		dense := int64(0)
		for i := ps; i < pe; i++ {
			switch c.call.Func {
			case planner.WinRowNumber:
				vals[i] = int64(i - ps + 1)
			case planner.WinRank:
				vals[i] = int64(int(lay.peerStart[i]) - ps + 1)
			default:
				if int(lay.peerStart[i]) == i {
					dense++
				}
				vals[i] = dense
			}
		}
	}
	return intArray(mem, c.call.DataType, vals, nil)
}

// offsetResult computes lag and lead: the argument offset rows away in the
// partition, else the default (evaluated on the current row), else NULL.
func (w *windowOp) offsetResult(c *windowCall, lay *windowLayout) (arrow.Array, error) {
	x, err := w.sortedArg(c, 0, lay)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	srcs := []arrow.Array{x}
	if len(c.args) > 1 {
		def, err := w.sortedArg(c, 1, lay)
		if err != nil {
			return nil, err
		}
		defer def.Release()
		srcs = append(srcs, def)
	}
	refs := make([]rowRef, lay.n)
	for p := 0; p+1 < len(lay.parts); p++ {
		ps, pe := lay.parts[p], lay.parts[p+1]
		for i := ps; i < pe; i++ {
			switch j := offsetRow(i, c.offset); {
			case j >= ps && j < pe:
				refs[i] = makeRef(0, j)
			case len(srcs) > 1:
				refs[i] = makeRef(1, i)
			default:
				refs[i] = nullRef
			}
		}
	}
	return gatherArray(w.tc.Mem, x.DataType(), srcs, refs)
}

// valueAtResult computes first_value and last_value: the argument at the
// first or last row of the frame (NULL for an empty frame). NULLs are not
// skipped, as in Spark without IGNORE NULLS.
func (w *windowOp) valueAtResult(c *windowCall, lay *windowLayout, first bool) (arrow.Array, error) {
	x, err := w.sortedArg(c, 0, lay)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	refs := make([]rowRef, lay.n)
	for p := 0; p+1 < len(lay.parts); p++ {
		ps, pe := lay.parts[p], lay.parts[p+1]
		for i := ps; i < pe; i++ {
			lo, hi := c.frame.bounds(lay, i, ps, pe)
			switch {
			case lo > hi:
				refs[i] = nullRef
			case first:
				refs[i] = makeRef(0, lo)
			default:
				refs[i] = makeRef(0, hi)
			}
		}
	}
	return gatherArray(w.tc.Mem, x.DataType(), []arrow.Array{x}, refs)
}

// intArray builds an integer array of type dt from vals (valid nil: no
// NULLs), failing if a value does not fit.
func intArray(mem memory.Allocator, dt arrow.DataType, vals []int64, valid []bool) (arrow.Array, error) {
	switch dt.ID() {
	case arrow.INT64:
		b := array.NewInt64Builder(mem)
		defer b.Release()
		b.AppendValues(vals, valid)
		return b.NewArray(), nil
	case arrow.INT32:
		b := array.NewInt32Builder(mem)
		defer b.Release()
		b.Reserve(len(vals))
		for i, v := range vals {
			if valid != nil && !valid[i] {
				b.UnsafeAppendBoolToBitmap(false)
				continue
			}
			if v > math.MaxInt32 || v < math.MinInt32 {
				return nil, fmt.Errorf("integer overflow: %d does not fit INT", v)
			}
			b.UnsafeAppend(int32(v))
		}
		return b.NewArray(), nil
	}
	return nil, fmt.Errorf("cannot produce %s", planner.TypeName(dt))
}
