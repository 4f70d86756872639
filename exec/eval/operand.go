package eval

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// operand is one input of a fixed-width kernel: a node evaluated per batch,
// or a constant read once at compile time. Kernels index operands with a
// stride, 1 for arrays and 0 for a constant, so one loop serves
// column-column, column-constant and constant-column forms without
// broadcasting the constant.
type operand[T any] struct {
	nd    node
	konst bool
	one   [1]T
}

// newOperand prepares x as an operand of type T. A constant must not be
// NULL (compilers fold NULL operands away first).
func newOperand[T any](x compiled) operand[T] {
	o := operand[T]{nd: x.nd}
	if l := x.lit(); l != nil && l.Value != nil {
		a, err := LiteralArray(memory.DefaultAllocator, l, 1)
		if err == nil {
			o.konst = true
			o.one[0] = values[T](a)[0]
			a.Release()
		}
	}
	return o
}

// load evaluates the operand over c. It returns the array (nil for a
// constant; the caller releases it), the values and their stride.
func (o *operand[T]) load(mem memory.Allocator, c *chunk) (arrow.Array, []T, int, error) {
	if o.konst {
		return nil, o.one[:], 0, nil
	}
	a, err := o.nd.eval(mem, c)
	if err != nil {
		return nil, nil, 0, err
	}
	return a, values[T](a), 1, nil
}

func (o *operand[T]) fallible() bool { return !o.konst && o.nd.fallible() }

// loadPair loads two operands, releasing the first if the second fails.
func loadPair[A, B any](mem memory.Allocator, c *chunk, l *operand[A], r *operand[B]) (la arrow.Array, lv []A, ls int, ra arrow.Array, rv []B, rs int, err error) {
	la, lv, ls, err = l.load(mem, c)
	if err != nil {
		return
	}
	ra, rv, rs, err = r.load(mem, c)
	if err != nil && la != nil {
		la.Release()
		la = nil
	}
	return
}

// release releases the non-nil arrays.
func release(arrs ...arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// bytesOf returns a buffer's bytes, or nil for a nil buffer.
func bytesOf(b *memory.Buffer) []byte {
	if b == nil {
		return nil
	}
	return b.Bytes()
}

// releaseBufs releases the non-nil buffers.
func releaseBufs(bufs ...*memory.Buffer) {
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
}
