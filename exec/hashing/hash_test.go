package hashing

import (
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// build makes an array of dt from Go values (nil = NULL).
func build(t testing.TB, mem memory.Allocator, dt arrow.DataType, vals ...any) arrow.Array {
	t.Helper()
	b := array.NewBuilder(mem, dt)
	defer b.Release()
	for _, v := range vals {
		if v == nil {
			b.AppendNull()
			continue
		}
		switch b := b.(type) {
		case *array.BooleanBuilder:
			b.Append(v.(bool))
		case *array.Int8Builder:
			b.Append(int8(v.(int)))
		case *array.Int16Builder:
			b.Append(int16(v.(int)))
		case *array.Int32Builder:
			b.Append(int32(v.(int)))
		case *array.Int64Builder:
			b.Append(int64(v.(int)))
		case *array.Uint32Builder:
			b.Append(uint32(v.(int)))
		case *array.Date32Builder:
			b.Append(arrow.Date32(v.(int)))
		case *array.TimestampBuilder:
			b.Append(arrow.Timestamp(v.(int)))
		case *array.Float64Builder:
			b.Append(v.(float64))
		case *array.Decimal128Builder:
			n, err := decimal128.FromString(v.(string), dt.(*arrow.Decimal128Type).Precision, dt.(*arrow.Decimal128Type).Scale)
			if err != nil {
				t.Fatal(err)
			}
			b.Append(n)
		case *array.StringBuilder:
			b.Append(v.(string))
		case *array.LargeStringBuilder:
			b.Append(v.(string))
		default:
			t.Fatalf("no test builder for %s", dt)
		}
	}
	return b.NewArray()
}

func hashOf(cols ...arrow.Array) []uint64 {
	out := make([]uint64, cols[0].Len())
	HashArrays(cols, out)
	return out
}

func TestHashEqualValuesAcrossSlicesAndBatches(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	dec := &arrow.Decimal128Type{Precision: 12, Scale: 2}
	cases := []struct {
		name string
		dt   arrow.DataType
		vals []any
	}{
		{"bool", arrow.FixedWidthTypes.Boolean, []any{true, false, nil, true, false, true}},
		{"int8", arrow.PrimitiveTypes.Int8, []any{1, -1, nil, 127, -128, 0}},
		{"int16", arrow.PrimitiveTypes.Int16, []any{1, -1, nil, 300, -300, 0}},
		{"int32", arrow.PrimitiveTypes.Int32, []any{1, -1, nil, 1 << 20, -5, 0}},
		{"int64", arrow.PrimitiveTypes.Int64, []any{1, -1, nil, 1 << 40, -5, 0}},
		{"date32", arrow.FixedWidthTypes.Date32, []any{18000, 0, nil, -1, 19000, 1}},
		{"timestamp", &arrow.TimestampType{Unit: arrow.Microsecond}, []any{1, 2, nil, 3, 4, 5}},
		{"float64", arrow.PrimitiveTypes.Float64, []any{1.5, -2.25, nil, math.Inf(1), 0.0, 3.0}},
		{"decimal", dec, []any{"1.00", "-12.34", nil, "9999999999.99", "0.01", "0.00"}},
		{"utf8", arrow.BinaryTypes.String, []any{"a", "", nil, "héllo", "abc", "abd"}},
		{"large_utf8", arrow.BinaryTypes.LargeString, []any{"a", "", nil, "héllo", "abc", "abd"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			whole := build(t, mem, c.dt, c.vals...)
			defer whole.Release()
			tail := build(t, mem, c.dt, c.vals[2:]...)
			defer tail.Release()
			slice := array.NewSlice(whole, 2, int64(len(c.vals)))
			defer slice.Release()
			hw, ht, hs := hashOf(whole), hashOf(tail), hashOf(slice)
			for i := range ht {
				if ht[i] != hw[i+2] || hs[i] != hw[i+2] {
					t.Errorf("row %d (%v): whole %x, separate batch %x, slice %x", i+2, c.vals[i+2], hw[i+2], ht[i], hs[i])
				}
			}
			// Equal values hash alike, distinct ones apart; NULL hashes to
			// the fixed value.
			seen := map[uint64]any{}
			for i, h := range hw {
				if c.vals[i] == nil {
					if h != HashNull() {
						t.Errorf("NULL hashed to %x, want %x", h, HashNull())
					}
					continue
				}
				if v, ok := seen[h]; ok && v != c.vals[i] {
					t.Errorf("%v and %v hash alike", v, c.vals[i])
				}
				seen[h] = c.vals[i]
			}
		})
	}
}

func TestHashNormalizesFloatsAndWidensIntegers(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	f := build(t, mem, arrow.PrimitiveTypes.Float64, 0.0, math.Copysign(0, -1), math.NaN(), math.Float64frombits(0x7ff8dead00000000), 1.0)
	defer f.Release()
	h := hashOf(f)
	if h[0] != h[1] {
		t.Errorf("0.0 and -0.0 hash differently")
	}
	if h[2] != h[3] {
		t.Errorf("two NaNs hash differently")
	}
	if h[0] == h[4] || h[2] == h[4] {
		t.Errorf("distinct doubles hash alike")
	}
	i32 := build(t, mem, arrow.PrimitiveTypes.Int32, -7, 42)
	defer i32.Release()
	i64 := build(t, mem, arrow.PrimitiveTypes.Int64, -7, 42)
	defer i64.Release()
	a, b := hashOf(i32), hashOf(i64)
	if a[0] != b[0] || a[1] != b[1] || a[0] != HashInt64(-7) {
		t.Errorf("int32 %x and int64 %x hash differently (HashInt64 %x)", a, b, HashInt64(-7))
	}
}

func TestHashColumnOrderMatters(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	x := build(t, mem, arrow.PrimitiveTypes.Int64, 1, 2, nil)
	defer x.Release()
	y := build(t, mem, arrow.PrimitiveTypes.Int64, 2, 1, 5)
	defer y.Release()
	xy, yx := hashOf(x, y), hashOf(y, x)
	if xy[0] == yx[0] || xy[0] == xy[1] {
		t.Errorf("(1,2) and (2,1) hash alike: %x %x", xy, yx)
	}
	if xy[2] == yx[2] {
		t.Errorf("(NULL,5) and (5,NULL) hash alike")
	}
}

// TestHashIsStable pins hash values: the shuffle partitions rows by them in
// every process, so a change here breaks mixed-version clusters and must be
// deliberate.
func TestHashIsStable(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	i := build(t, mem, arrow.PrimitiveTypes.Int64, 0, 1, nil)
	defer i.Release()
	s := build(t, mem, arrow.BinaryTypes.String, "", "ember", nil)
	defer s.Release()
	got := append(hashOf(i), hashOf(s)...)
	got = append(got, hashOf(i, s)...)
	want := []uint64{
		0xe39eb746afff40cf, 0xa3d68a32a48df144, 0xa90444edd5f17fa8, // 0, 1, NULL
		0x1def485ee767b206, 0x8eac82dfe5d3931a, 0xa90444edd5f17fa8, // '', 'ember', NULL
		0x12e98fe9db8cb9cb, 0x83cca227bc0d8a2d, 0x77a24affd135afc1, // (0,''), (1,'ember'), (NULL,NULL)
	}
	for k := range want {
		if got[k] != want[k] {
			t.Errorf("hash %d = %#x, want %#x", k, got[k], want[k])
		}
	}
}

// TestHashStringsApart hashes every string of up to 3 bytes over a small
// alphabet (with NUL, so "a" and "a\x00" meet) and longer strings that
// differ in one byte at each position: no two may collide.
func TestHashStringsApart(t *testing.T) {
	alphabet := []byte{0, 'a', 'b', 'Z', 0xff}
	strs := []string{""}
	for n := 1; n <= 3; n++ {
		for _, prefix := range strs {
			if len(prefix) == n-1 {
				for _, c := range alphabet {
					strs = append(strs, prefix+string(c))
				}
			}
		}
	}
	for _, n := range []int{4, 5, 7, 8, 9, 15, 16, 17, 40} {
		base := []byte(strings.Repeat("k", n))
		strs = append(strs, string(base))
		for i := 0; i < n; i++ {
			b := append([]byte(nil), base...)
			b[i] = 'x'
			strs = append(strs, string(b))
		}
	}
	seen := map[uint64]string{}
	for _, s := range strs {
		h := hashBytes([]byte(s))
		if o, ok := seen[h]; ok && o != s {
			t.Errorf("%q and %q hash alike", o, s)
		}
		seen[h] = s
	}
}

func TestHashSpreadsLowAndHighBits(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	const n = 1 << 16
	b := array.NewInt64Builder(mem)
	for i := 0; i < n; i++ {
		b.Append(int64(i) * 1024) // sequential keys with identical low bits
	}
	arr := b.NewArray()
	b.Release()
	defer arr.Release()
	h := hashOf(arr)
	var low, high [64]int
	seen := make(map[uint64]bool, n)
	for _, x := range h {
		low[x%64]++
		high[x>>58]++
		seen[x] = true
	}
	if len(seen) != n {
		t.Errorf("%d collisions among %d integers", n-len(seen), n)
	}
	for k := 0; k < 64; k++ {
		// Expected 1024 per bucket; 20% off would mean a poor mix.
		if low[k] < 820 || low[k] > 1230 || high[k] < 820 || high[k] > 1230 {
			t.Errorf("bucket %d: %d by low bits, %d by high bits, want about 1024", k, low[k], high[k])
		}
	}
}

func BenchmarkHashArrays(b *testing.B) {
	mem := memory.NewGoAllocator()
	ib := array.NewInt64Builder(mem)
	sb := array.NewStringBuilder(mem)
	for i := 0; i < 8192; i++ {
		ib.Append(int64(i * 7))
		sb.Append("key-" + string(rune('a'+i%26)))
	}
	ints, strs := ib.NewArray(), sb.NewArray()
	defer ints.Release()
	defer strs.Release()
	out := make([]uint64, 8192)
	b.Run("int64", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			HashArrays([]arrow.Array{ints}, out)
		}
		b.SetBytes(8192 * 8)
	})
	b.Run("int64+utf8", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			HashArrays([]arrow.Array{ints, strs}, out)
		}
		b.SetBytes(8192 * 8)
	})
}
