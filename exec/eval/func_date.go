package eval

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// year, month and day of a DATE or TIMESTAMP.

type datePart int

const (
	partYear datePart = iota
	partMonth
	partDay
)

func (c *compiler) compileDatePart(e *planner.Func, x compiled) (compiled, error) {
	part := map[string]datePart{"year": partYear, "month": partMonth, "day": partDay}[e.Name]
	if planner.IsString(x.dt) {
		var err error
		if x, err = c.castTo(x, planner.TypeDate); err != nil {
			return compiled{}, err
		}
	}
	var perDay int64
	switch x.dt.ID() {
	case arrow.DATE32:
	case arrow.TIMESTAMP:
		perDay = unitsPerDay(x.dt.(*arrow.TimestampType).Unit)
	default:
		return compiled{}, fmt.Errorf("eval: %s needs a DATE or TIMESTAMP, got %s", e, planner.TypeName(x.dt))
	}
	return c.make(&datePartNode{x: x.nd, part: part, perDay: perDay}, arrow.PrimitiveTypes.Int32, true, x), nil
}

// datePartNode extracts a field of the proleptic Gregorian date.
type datePartNode struct {
	x      node
	part   datePart
	perDay int64 // timestamp units per day; 0 for DATE input
}

func (n *datePartNode) fallible() bool { return n.x.fallible() }

func (n *datePartNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	a, err := n.x.eval(mem, c)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	buf, out := newValues[int32](mem, c.n)
	if n.perDay == 0 {
		for i, d := range values[int32](a) {
			out[i] = n.field(int64(d))
		}
	} else {
		for i, t := range values[int64](a) {
			out[i] = n.field(floorDiv(t, n.perDay))
		}
	}
	return makeArray(arrow.PrimitiveTypes.Int32, c.n, []*memory.Buffer{copyValidity(mem, a), buf}), nil
}

func (n *datePartNode) field(days int64) int32 {
	y, m, d := civil(days)
	switch n.part {
	case partYear:
		return int32(y)
	case partMonth:
		return int32(m)
	}
	return int32(d)
}
