package eval

import (
	"fmt"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Filter returns the rows of batch for which mask is TRUE; NULL and FALSE
// drop the row. When every row survives, batch itself is returned
// (retained); when none does, an empty batch of the same schema, which the
// caller may skip. The caller releases the result.
func Filter(mem memory.Allocator, batch arrow.RecordBatch, mask *array.Boolean) (arrow.RecordBatch, error) {
	n := int(batch.NumRows())
	if mask.Len() != n {
		return nil, fmt.Errorf("eval: filter mask has %d rows, batch has %d", mask.Len(), n)
	}
	sel := selectTrue(mask, nil)
	switch len(sel) {
	case n:
		batch.Retain()
		return batch, nil
	case 0:
		return batch.NewSlice(0, 0), nil
	}
	return TakeBatch(mem, batch, sel)
}

// selectTrue appends to sel the positions of mask's TRUE (valid and set)
// rows, in order.
func selectTrue(mask arrow.Array, sel []int32) []int32 {
	n := mask.Len()
	if mask.DataType().ID() == arrow.NULL {
		return sel
	}
	vals, voff := bitsOf(mask)
	valid, noff := validityOf(mask)
	if sel == nil {
		sel = make([]int32, 0, n)
	}
	// Walk 64 rows at a time, combining value and validity words, and emit
	// the positions of the set bits: sparse masks cost little.
	vr := bitutil.NewBitmapWordReader(vals, voff, n)
	var nr *bitutil.BitmapWordReader
	if valid != nil {
		nr = bitutil.NewBitmapWordReader(valid, noff, n)
	}
	base := 0
	for w := vr.Words(); w > 0; w-- {
		word := vr.NextWord()
		if nr != nil {
			word &= nr.NextWord()
		}
		for word != 0 {
			sel = append(sel, int32(base+bits.TrailingZeros64(word)))
			word &= word - 1
		}
		base += 64
	}
	for t := vr.TrailingBytes(); t > 0; t-- {
		b, nb := vr.NextTrailingByte()
		if nr != nil {
			v, _ := nr.NextTrailingByte()
			b &= v
		}
		b &= byte(1<<nb - 1)
		for b != 0 {
			sel = append(sel, int32(base+bits.TrailingZeros8(b)))
			b &= b - 1
		}
		base += 8
	}
	return sel
}
