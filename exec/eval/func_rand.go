package eval

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// rand([seed]): uniform DOUBLEs in [0, 1), as Spark draws them. Each task
// draws one stream that continues from batch to batch; the task computing
// partition p draws the stream of seed+p (Options.Partition), so partitions
// get different numbers and a rerun with the same seed and partitioning gets
// the same ones. rand() without a seed uses Options.QuerySeed, or a random
// seed when there is none.
//
// The generator is SplitMix64 used as a counter: value i of a stream is
// mix(state + (i+1)·γ). A batch therefore needs only its first position,
// which makes a value independent of how the rows are cut into batches, and
// a row costs an add, two multiplies and three shifts.

// splitMixGamma is SplitMix64's increment (2^64 divided by the golden ratio,
// odd).
const splitMixGamma = 0x9e3779b97f4a7c15

// mix64 is SplitMix64's output function, a bijection of 64-bit words that
// scrambles every input bit into every output bit.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (c *compiler) compileRand(e *planner.Func) (compiled, error) {
	if len(e.Args) > 1 {
		return compiled{}, fmt.Errorf("eval: wrong number of arguments in %s", e)
	}
	seed := c.opts.QuerySeed
	if seed == 0 {
		seed = rand.Uint64()
	}
	if len(e.Args) == 1 {
		x, err := c.compile(e.Args[0])
		if err != nil {
			return compiled{}, err
		}
		l := x.lit()
		if l == nil {
			return compiled{}, fmt.Errorf("eval: the seed of %s must be a constant", e)
		}
		seed = 0 // rand(NULL) is rand(0), as in Spark
		if l.Value != nil {
			v, ok := litInt64(l.Value)
			if !ok {
				return compiled{}, fmt.Errorf("eval: the seed of %s must be an integer", e)
			}
			seed = uint64(v)
		}
	}
	// The seed is scrambled so that the streams of seeds s and s+1 (two
	// neighbouring partitions) start at unrelated points of the cycle.
	nd := &randNode{state: mix64(seed + uint64(c.opts.Partition))}
	return c.make(nd, planner.TypeDouble, false), nil
}

// randNode draws a task's stream. pos counts the values drawn so far; it
// is atomic so that an Evaluator shared by mistake stays race-free (its
// numbers then depend on the order batches arrive in).
type randNode struct {
	state uint64
	pos   atomic.Uint64
}

func (n *randNode) fallible() bool { return false }

func (n *randNode) eval(mem memory.Allocator, c *chunk) (arrow.Array, error) {
	buf, out := newValues[float64](mem, c.n)
	first := n.pos.Add(uint64(c.n)) - uint64(c.n)
	x := n.state + first*splitMixGamma
	for i := range out {
		x += splitMixGamma
		// The top 53 bits make a double in [0, 1) with every value
		// equally likely.
		out[i] = float64(int64(mix64(x)>>11)) * 0x1p-53
	}
	return makeArray(planner.TypeDouble, c.n, []*memory.Buffer{nil, buf}), nil
}
