package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// typedColumns has one column of each type the engine uses, five rows
// with a NULL in row 2.
var typedColumns = []input{
	in(tBool, true, false, nil, true, false),
	in(tI8, 1, -2, nil, 4, 5),
	in(tI16, 1, -2, nil, 4, 5),
	in(tI32, 1, -2, nil, 4, 5),
	in(tI64, 1, -2, nil, 4, 5),
	in(tF64, 1.5, -2.5, nil, 4.5, 5.5),
	in(tDec152, "1.10", "-2.20", nil, "4.40", "123456789.01"),
	in(dec(38, 2), "1.10", "-99999999999999999999999999999.99", nil, "4.40", "5.50"),
	in(tStr, "a", "", nil, "dddd", "é日"),
	in(tLStr, "a", "", nil, "dddd", "é日"),
	in(tDate, "2020-01-01", "1969-12-31", nil, "2000-02-29", "1998-12-01"),
	in(tTS, "2020-01-01 10:00:00", "1969-12-31 23:59:59.5", nil, "2000-02-29 00:00:00", "1998-12-01 00:00:01"),
	in(tIv, arrow.MonthDayNanoInterval{Months: 1}, arrow.MonthDayNanoInterval{Days: -2}, nil, arrow.MonthDayNanoInterval{Nanoseconds: 5}, arrow.MonthDayNanoInterval{}),
	in(tNull, nil, nil, nil, nil, nil),
}

// typedBatch builds a batch of typedColumns, with every column offset when
// sliced.
func typedBatch(mem memory.Allocator, sliced bool) arrow.RecordBatch {
	fields := make([]arrow.Field, len(typedColumns))
	cols := make([]arrow.Array, len(typedColumns))
	for i, c := range typedColumns {
		fields[i] = arrow.Field{Name: fmt.Sprintf("c%d", i), Type: c.dt, Nullable: true}
		a := build(mem, c.dt, c.vals...)
		if sliced {
			s := offsetted(mem, a, 5)
			a.Release()
			a = s
		}
		cols[i] = a
	}
	b := array.NewRecordBatch(arrow.NewSchema(fields, nil), cols, 5)
	releaseAll(cols)
	return b
}

// renderBatch renders a batch column by column.
func renderBatch(b arrow.RecordBatch) []string {
	out := make([]string, b.NumCols())
	for i, c := range b.Columns() {
		out[i] = strings.Join(render(c), ",")
	}
	return out
}

// expected renders rows idx of typedColumns (-1: NULL).
func expected(idx []int32) []string {
	mem := memory.NewGoAllocator()
	out := make([]string, len(typedColumns))
	for i, c := range typedColumns {
		a := build(mem, c.dt, c.vals...)
		all := render(a)
		a.Release()
		vals := make([]string, len(idx))
		for k, j := range idx {
			if j < 0 {
				vals[k] = "NULL"
			} else {
				vals[k] = all[j]
			}
		}
		out[i] = strings.Join(vals, ",")
	}
	return out
}

func TestTake(t *testing.T) {
	for _, sliced := range []bool{false, true} {
		for _, idx := range [][]int32{{4, 3, 2, 1, 0}, {0, 0, 4}, {2}, {}, {-1, 1, -1}, {1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 0}} {
			t.Run(fmt.Sprintf("%v/sliced=%v", idx, sliced), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				b := typedBatch(mem, sliced)
				defer b.Release()
				got, err := TakeBatch(mem, b, idx)
				if err != nil {
					t.Fatal(err)
				}
				defer got.Release()
				if int(got.NumRows()) != len(idx) {
					t.Fatalf("%d rows, want %d", got.NumRows(), len(idx))
				}
				want := expected(idx)
				for i, g := range renderBatch(got) {
					if g != want[i] {
						t.Errorf("column %d (%s): got %s, want %s", i, b.Schema().Field(i).Type, g, want[i])
					}
				}
				// TakeArray agrees with TakeBatch.
				a, err := TakeArray(mem, b.Column(8), idx)
				if err != nil {
					t.Fatal(err)
				}
				defer a.Release()
				if g := strings.Join(render(a), ","); g != want[8] {
					t.Errorf("TakeArray: got %s, want %s", g, want[8])
				}
			})
		}
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := typedBatch(mem, false)
	defer b.Release()
	if _, err := TakeBatch(mem, b, []int32{5}); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Fatalf("index past the end: %v", err)
	}
}

func TestFilter(t *testing.T) {
	for _, sliced := range []bool{false, true} {
		for _, tc := range []struct {
			mask []any
			keep []int32
		}{
			{[]any{true, false, true, nil, true}, []int32{0, 2, 4}},
			{[]any{nil, nil, nil, nil, true}, []int32{4}},
			{[]any{false, true, true, true, false}, []int32{1, 2, 3}},
		} {
			t.Run(fmt.Sprintf("%v/sliced=%v", tc.mask, sliced), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				b := typedBatch(mem, sliced)
				defer b.Release()
				mask := build(mem, tBool, tc.mask...)
				if sliced {
					s := offsetted(mem, mask, 3)
					mask.Release()
					mask = s
				}
				defer mask.Release()
				got, err := Filter(mem, b, mask.(*array.Boolean))
				if err != nil {
					t.Fatal(err)
				}
				defer got.Release()
				want := expected(tc.keep)
				for i, g := range renderBatch(got) {
					if g != want[i] {
						t.Errorf("column %d: got %s, want %s", i, g, want[i])
					}
				}
			})
		}
	}
	t.Run("all and none", func(t *testing.T) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		b := typedBatch(mem, false)
		defer b.Release()
		all := build(mem, tBool, true, true, true, true, true)
		defer all.Release()
		got, err := Filter(mem, b, all.(*array.Boolean))
		if err != nil {
			t.Fatal(err)
		}
		if got != b {
			t.Errorf("an all-true mask should return the batch itself")
		}
		got.Release()
		none := build(mem, tBool, false, nil, false, false, nil)
		defer none.Release()
		got, err = Filter(mem, b, none.(*array.Boolean))
		if err != nil {
			t.Fatal(err)
		}
		if got.NumRows() != 0 || got.NumCols() != b.NumCols() {
			t.Errorf("got %d rows and %d columns, want an empty batch", got.NumRows(), got.NumCols())
		}
		got.Release()
		short := build(mem, tBool, true)
		defer short.Release()
		if _, err := Filter(mem, b, short.(*array.Boolean)); err == nil {
			t.Errorf("a mask of the wrong length must fail")
		}
	})
}

func TestSelectTrueLong(t *testing.T) {
	// Masks longer than a word, at every bit offset.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	vals := make([]any, 300)
	var want []int32
	for i := range vals {
		switch {
		case i%7 == 0:
			vals[i] = nil
		case i%3 == 0:
			vals[i] = true
			want = append(want, int32(i))
		default:
			vals[i] = false
		}
	}
	base := build(mem, tBool, vals...)
	defer base.Release()
	for k := 0; k < 9; k++ {
		m := offsetted(mem, base, k)
		got := selectTrue(m, nil)
		m.Release()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("offset %d: got %v\nwant %v", k, got, want)
		}
	}
}
