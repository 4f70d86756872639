package hashing

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// rowKey renders row i of cols as text, for comparing against a Go map.
func keyText(cols []arrow.Array, i int) string {
	s := ""
	for _, c := range cols {
		if c.IsNull(i) || c.DataType().ID() == arrow.NULL {
			s += "|NULL"
		} else {
			s += "|" + c.ValueStr(i)
		}
	}
	return s
}

// renumber maps group ids to 0, 1, ... in order of first appearance
// (NoGroup stays), returning the new ids and, per new id, the original.
func renumber(groups []uint32) ([]uint32, []uint32) {
	ids := map[uint32]uint32{}
	var orig []uint32
	out := make([]uint32, len(groups))
	for i, g := range groups {
		if g == NoGroup {
			out[i] = g
			continue
		}
		id, ok := ids[g]
		if !ok {
			id = uint32(len(orig))
			ids[g] = id
			orig = append(orig, g)
		}
		out[i] = id
	}
	return out, orig
}

func TestTableGroups(t *testing.T) {
	dec := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	type column struct {
		dt   arrow.DataType
		vals []any
	}
	cases := []struct {
		name       string
		cols       []column
		nullIsKey  []bool
		wantGroups []uint32
		wantKeys   []string // rowKey of each group's stored key
	}{
		{
			name:       "int64 with NULL as key",
			cols:       []column{{arrow.PrimitiveTypes.Int64, []any{5, 7, nil, 5, nil, -1}}},
			wantGroups: []uint32{0, 1, 2, 0, 2, 3},
			wantKeys:   []string{"|5", "|7", "|NULL", "|-1"},
		},
		{
			name:       "int32 with NULL never matching",
			cols:       []column{{arrow.PrimitiveTypes.Int32, []any{5, nil, 5, 6}}},
			nullIsKey:  []bool{false},
			wantGroups: []uint32{0, NoGroup, 0, 1},
			wantKeys:   []string{"|5", "|6"},
		},
		{
			name:       "date32",
			cols:       []column{{arrow.FixedWidthTypes.Date32, []any{10, 10, 11}}},
			wantGroups: []uint32{0, 0, 1},
			wantKeys:   []string{"|1970-01-11", "|1970-01-12"},
		},
		{
			name: "two strings",
			cols: []column{
				{arrow.BinaryTypes.String, []any{"A", "N", "A", "R", "N", nil, nil}},
				{arrow.BinaryTypes.String, []any{"F", "O", "F", "F", "F", nil, ""}},
			},
			wantGroups: []uint32{0, 1, 0, 2, 3, 4, 5},
			wantKeys:   []string{"|A|F", "|N|O", "|R|F", "|N|F", "|NULL|NULL", "|NULL|"},
		},
		{
			name: "decimal and bool, NULL skip on the first",
			cols: []column{
				{dec, []any{"1.50", "1.50", nil, "-2.00", "1.50"}},
				{arrow.FixedWidthTypes.Boolean, []any{true, false, true, nil, true}},
			},
			nullIsKey:  []bool{false, true},
			wantGroups: []uint32{0, 1, NoGroup, 2, 0},
			wantKeys:   []string{"|1.5|true", "|1.5|false", "|-2|NULL"},
		},
		{
			name:       "float64 -0 and NaN",
			cols:       []column{{arrow.PrimitiveTypes.Float64, []any{0.0, -0.0 * 1, 1.5, nil, 1.5}}},
			wantGroups: []uint32{0, 0, 1, 2, 1},
			wantKeys:   []string{"|0", "|1.5", "|NULL"},
		},
		{
			name:       "large_utf8",
			cols:       []column{{arrow.BinaryTypes.LargeString, []any{"x", "yy", "x", ""}}},
			wantGroups: []uint32{0, 1, 0, 2},
			wantKeys:   []string{"|x", "|yy", "|"},
		},
		{
			name: "bigint pair: small values pack, large ones do not",
			cols: []column{
				{arrow.PrimitiveTypes.Int64, []any{1, 1 << 40, 1, 1 << 40, nil, -1 << 40, nil}},
				{arrow.PrimitiveTypes.Int32, []any{7, 7, 7, 7, 7, 7, 7}},
			},
			wantGroups: []uint32{0, 1, 0, 1, 2, 3, 2},
			wantKeys:   []string{"|1|7", "|1099511627776|7", "|NULL|7", "|-1099511627776|7"},
		},
		{
			name: "decimal, int8, bool and a long string: general path",
			cols: []column{
				{dec, []any{"1.00", "99999999.99", "1.00", nil, "99999999.99"}},
				{arrow.PrimitiveTypes.Int8, []any{-1, -1, -1, nil, -1}},
				{arrow.FixedWidthTypes.Boolean, []any{nil, false, nil, true, false}},
				{arrow.BinaryTypes.String, []any{"x", "a long string", "x", nil, "a long string"}},
			},
			wantGroups: []uint32{0, 1, 0, 2, 1},
			wantKeys:   []string{"|1|-1|NULL|x", "|99999999.99|-1|false|a long string", "|NULL|NULL|true|NULL"},
		},
		{
			name: "packed keys with NULL never matching",
			cols: []column{
				{arrow.BinaryTypes.String, []any{"ab", nil, "ab", "abcdefghij", "ab"}},
				{arrow.PrimitiveTypes.Int16, []any{3, 3, nil, 3, 3}},
			},
			nullIsKey:  []bool{false, true},
			wantGroups: []uint32{0, NoGroup, 1, 2, 0},
			wantKeys:   []string{"|ab|3", "|ab|NULL", "|abcdefghij|3"},
		},
		{
			name:       "NULL-typed key",
			cols:       []column{{arrow.Null, []any{nil, nil}}, {arrow.BinaryTypes.String, []any{"a", "b"}}},
			wantGroups: []uint32{0, 1},
			wantKeys:   []string{"|NULL|a", "|NULL|b"},
		},
		{
			name:       "no key columns",
			cols:       []column{},
			wantGroups: []uint32{0, 0, 0},
			wantKeys:   []string{""},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			types := make([]arrow.DataType, len(c.cols))
			cols := make([]arrow.Array, len(c.cols))
			for i, col := range c.cols {
				types[i] = col.dt
				cols[i] = build(t, mem, col.dt, col.vals...)
				defer cols[i].Release()
			}
			tab, err := NewTable(types, c.nullIsKey)
			if err != nil {
				t.Fatal(err)
			}
			groups := make([]uint32, len(c.wantGroups))
			if err := tab.Insert(cols, groups); err != nil {
				t.Fatal(err)
			}
			// Ids are compared up to renumbering in order of appearance.
			canon, orig := renumber(groups)
			if fmt.Sprint(canon) != fmt.Sprint(c.wantGroups) {
				t.Errorf("groups %v (renumbered from %v), want %v", canon, groups, c.wantGroups)
			}
			if tab.Len() != len(c.wantKeys) {
				t.Fatalf("Len %d, want %d", tab.Len(), len(c.wantKeys))
			}
			keys, err := tab.Keys(mem, 0, tab.Len())
			if err != nil {
				t.Fatal(err)
			}
			for g, want := range c.wantKeys {
				if got := keyText(keys, int(orig[g])); got != want {
					t.Errorf("key of group %d = %q, want %q", g, got, want)
				}
			}
			for _, k := range keys {
				if !arrow.TypeEqual(k.DataType(), types[0]) && len(types) == 1 {
					t.Errorf("key type %s, want %s", k.DataType(), types[0])
				}
				k.Release()
			}
			// Looking the same rows up finds the same groups.
			again := make([]uint32, len(groups))
			if err := tab.Lookup(cols, again); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(again) != fmt.Sprint(groups) {
				t.Errorf("lookup %v, insert %v", again, groups)
			}
		})
	}
}

func TestTableLookupMisses(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for _, dt := range []arrow.DataType{arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String} {
		var build1, probe []any
		if dt.ID() == arrow.INT64 {
			build1, probe = []any{1, 2, nil}, []any{2, 3, nil, 1}
		} else {
			build1, probe = []any{"1", "2", nil}, []any{"2", "3", nil, "1"}
		}
		for _, nullIsKey := range []bool{true, false} {
			b := build(t, mem, dt, build1...)
			p := build(t, mem, dt, probe...)
			tab, err := NewTable([]arrow.DataType{dt}, []bool{nullIsKey})
			if err != nil {
				t.Fatal(err)
			}
			if err := tab.Insert([]arrow.Array{b}, make([]uint32, 3)); err != nil {
				t.Fatal(err)
			}
			got := make([]uint32, 4)
			if err := tab.Lookup([]arrow.Array{p}, got); err != nil {
				t.Fatal(err)
			}
			want := []uint32{1, NoGroup, 2, 0}
			if !nullIsKey {
				want = []uint32{1, NoGroup, NoGroup, 0}
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s nullIsKey=%v: lookup %v, want %v", dt, nullIsKey, got, want)
			}
			b.Release()
			p.Release()
		}
	}
}

// TestTableSurvivesCollisions gives every row the same hash: the table
// must still tell keys apart by comparing them.
func TestTableSurvivesCollisions(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	saved := hashRows
	defer func() { hashRows = saved }()
	hashRows = func(_ []arrow.Array, out []uint64) {
		for i := range out {
			out[i] = 42
		}
	}
	s := build(t, mem, arrow.BinaryTypes.String, "a", "b", "a", "c", "b", nil, "c", nil)
	defer s.Release()
	tab, err := NewTable([]arrow.DataType{arrow.BinaryTypes.String}, nil)
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]uint32, s.Len())
	if err := tab.Insert([]arrow.Array{s}, groups); err != nil {
		t.Fatal(err)
	}
	if want := "[0 1 0 2 1 3 2 3]"; fmt.Sprint(groups) != want {
		t.Errorf("groups %v, want %s", groups, want)
	}
	probe := build(t, mem, arrow.BinaryTypes.String, "c", "d", nil)
	defer probe.Release()
	got := make([]uint32, 3)
	if err := tab.Lookup([]arrow.Array{probe}, got); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(got) != fmt.Sprint([]uint32{2, NoGroup, 3}) {
		t.Errorf("lookup %v", got)
	}
}

// TestTableMatchesGoMap inserts random keys over many batches and slices
// (so the table grows several times) and checks every id against a map:
// one id per key, one key per id. Keys of mixed lengths take both the
// packed and the general path.
func TestTableMatchesGoMap(t *testing.T) {
	cases := []struct {
		name  string
		types []arrow.DataType
	}{
		{"int64", []arrow.DataType{arrow.PrimitiveTypes.Int64}},
		{"int32+utf8", []arrow.DataType{arrow.PrimitiveTypes.Int32, arrow.BinaryTypes.String}},
		{"float64", []arrow.DataType{arrow.PrimitiveTypes.Float64}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rng := rand.New(rand.NewSource(1))
			tab, err := NewTable(c.types, nil)
			if err != nil {
				t.Fatal(err)
			}
			ref := map[string]uint32{}
			owner := map[uint32]string{}
			for batch := 0; batch < 20; batch++ {
				n := 1 + rng.Intn(10000)
				cols := make([]arrow.Array, len(c.types))
				for i, dt := range c.types {
					b := array.NewBuilder(mem, dt)
					b.AppendNull() // dropped by the slice below
					for r := 0; r < n; r++ {
						k := rng.Intn(30000)
						if k == 0 {
							b.AppendNull()
							continue
						}
						switch b := b.(type) {
						case *array.Int64Builder:
							b.Append(int64(k))
						case *array.Int32Builder:
							b.Append(int32(k % 100))
						case *array.StringBuilder:
							b.Append(fmt.Sprint("s", k%300)) // "s0" packs, "s128" does not
						case *array.Float64Builder:
							b.Append(float64(k) / 4)
						}
					}
					whole := b.NewArray()
					b.Release()
					cols[i] = array.NewSlice(whole, 1, int64(n+1))
					whole.Release()
				}
				groups := make([]uint32, n)
				if err := tab.Insert(cols, groups); err != nil {
					t.Fatal(err)
				}
				for r := 0; r < n; r++ {
					k := keyText(cols, r)
					g, ok := ref[k]
					if !ok {
						if o, taken := owner[groups[r]]; taken {
							t.Fatalf("batch %d row %d: keys %s and %s share group %d", batch, r, o, k, groups[r])
						}
						g = groups[r]
						ref[k], owner[g] = g, k
					}
					if groups[r] != g || int(g) >= tab.Len() {
						t.Fatalf("batch %d row %d key %s: group %d, want %d (of %d)", batch, r, k, groups[r], g, tab.Len())
					}
				}
				for _, col := range cols {
					col.Release()
				}
			}
			if tab.Len() != len(ref) {
				t.Fatalf("Len %d, want %d", tab.Len(), len(ref))
			}
			keys, err := tab.Keys(mem, 0, tab.Len())
			if err != nil {
				t.Fatal(err)
			}
			for g := 0; g < tab.Len(); g++ {
				if ref[keyText(keys, g)] != uint32(g) {
					t.Fatalf("stored key of group %d is %s", g, keyText(keys, g))
				}
			}
			part, err := tab.Keys(mem, 5, 9)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 4; i++ {
				if keyText(part, i) != keyText(keys, 5+i) {
					t.Errorf("Keys(5, 9) row %d = %s, want %s", i, keyText(part, i), keyText(keys, 5+i))
				}
			}
			for _, k := range append(keys, part...) {
				k.Release()
			}
		})
	}
}

func TestTableRejectsBadInput(t *testing.T) {
	if _, err := NewTable([]arrow.DataType{arrow.ListOf(arrow.PrimitiveTypes.Int64)}, nil); err == nil {
		t.Error("NewTable accepted list keys")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	tab, err := NewTable([]arrow.DataType{arrow.PrimitiveTypes.Int64}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := build(t, mem, arrow.BinaryTypes.String, "x")
	defer s.Release()
	if err := tab.Insert([]arrow.Array{s}, make([]uint32, 1)); err == nil {
		t.Error("Insert accepted a string column into an int64 table")
	}
	if _, err := tab.Keys(mem, 0, 1); err == nil {
		t.Error("Keys accepted a range beyond Len")
	}
}

func benchmarkTable(b *testing.B, distinct int, strings bool) {
	mem := memory.NewGoAllocator()
	const rows = 1 << 20
	var cols [][]arrow.Array
	var types []arrow.DataType
	rng := rand.New(rand.NewSource(1))
	for lo := 0; lo < rows; lo += 8192 {
		ib := array.NewInt64Builder(mem)
		sb := array.NewStringBuilder(mem)
		for i := 0; i < 8192; i++ {
			k := rng.Intn(distinct)
			ib.Append(int64(k) * 7919)
			sb.Append(fmt.Sprint(k))
		}
		if strings {
			cols = append(cols, []arrow.Array{sb.NewArray()})
			types = []arrow.DataType{arrow.BinaryTypes.String}
		} else {
			cols = append(cols, []arrow.Array{ib.NewArray()})
			types = []arrow.DataType{arrow.PrimitiveTypes.Int64}
		}
		ib.Release()
		sb.Release()
	}
	groups := make([]uint32, 8192)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tab, _ := NewTable(types, nil)
		for _, c := range cols {
			if err := tab.Insert(c, groups); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}

func BenchmarkTableInsert(b *testing.B) {
	b.Run("int64/4", func(b *testing.B) { benchmarkTable(b, 4, false) })
	b.Run("int64/500K", func(b *testing.B) { benchmarkTable(b, 500000, false) })
	b.Run("utf8/4", func(b *testing.B) { benchmarkTable(b, 4, true) })
	b.Run("utf8/500K", func(b *testing.B) { benchmarkTable(b, 500000, true) })
}
