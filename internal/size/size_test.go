package size

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestParse(t *testing.T) {
	good := map[string]int64{"0": 0, "100": 100, "64k": 64 << 10, "512M": 512 << 20, " 4g ": 4 << 30}
	for in, want := range good {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "g", "-1", "1.5g", "12x", "99999999999999999g"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) gave no error", bad)
		}
	}
}

// TestBatch checks that a batch's size counts every buffer of its
// columns, and the whole buffers of a slice.
func TestBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ib := array.NewInt64Builder(mem)
	ib.AppendValues([]int64{1, 2, 3, 4}, []bool{true, false, true, true})
	ints := ib.NewArray()
	ib.Release()
	sb := array.NewStringBuilder(mem)
	sb.AppendValues([]string{"a", "bb", "ccc", "dddd"}, nil)
	strs := sb.NewArray()
	sb.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "i", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewRecordBatch(schema, []arrow.Array{ints, strs}, 4)
	defer b.Release()
	want := int64(0)
	for _, a := range []arrow.Array{ints, strs} {
		for _, buf := range a.Data().Buffers() {
			if buf != nil {
				want += int64(buf.Len())
			}
		}
	}
	ints.Release()
	strs.Release()
	if got := Batch(b); got != want || got < 4*8+10 {
		t.Errorf("Batch = %d, want %d (at least the values and the string bytes)", got, want)
	}
	slice := b.NewSlice(1, 2)
	defer slice.Release()
	if got := Batch(slice); got != want {
		t.Errorf("a slice counts %d, want the whole buffers' %d", got, want)
	}
}
