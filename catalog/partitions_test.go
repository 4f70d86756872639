package catalog

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestEscapePathName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"a/b", "a%2Fb"},
		{"x=y", "x%3Dy"},
		{"10:00:00", "10%3A00%3A00"},
		{"100%", "100%25"},
		{`q"'*?\#{[]^`, "q%22%27%2A%3F%5C%23%7B%5B%5D%5E"},
		{"tab\tnl\n\x7f", "tab%09nl%0A%7F"},
		{"São Paulo", "São Paulo"},
	}
	for _, tc := range tests {
		got := string(appendEscapedPathName(nil, []byte(tc.in)))
		if got != tc.want {
			t.Errorf("escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if back := unescapePathName(got); back != tc.in {
			t.Errorf("unescape(%q) = %q, want %q", got, back, tc.in)
		}
	}
	// A % without two hex digits is left alone.
	for _, s := range []string{"50%", "%zz", "%4"} {
		if got := unescapePathName(s); got != s {
			t.Errorf("unescape(%q) = %q", s, got)
		}
	}
}

func TestPartitionTypeInference(t *testing.T) {
	tests := []struct {
		values []string
		want   string
	}{
		{[]string{"1", "-2", "007"}, "int32"},
		{[]string{"1", "3000000000"}, "int64"},
		{[]string{"1", "99999999999999999999"}, "decimal(20, 0)"},
		{[]string{"1", "1.5"}, "float64"},
		{[]string{"3000000000", "1e3"}, "float64"},
		{[]string{"2024-01-31"}, "date32"},
		{[]string{"2024-01-31", "2024-02-01 10%3A00%3A00"}, "timestamp[us]"},
		{[]string{"2024-02-01 10%3A00%3A00.5"}, "timestamp[us]"},
		{[]string{"1", "x"}, "utf8"},
		{[]string{"1", "2024-01-31"}, "utf8"},
		{[]string{"true", "false"}, "utf8"},
		{[]string{DefaultPartitionName}, "utf8"},
		{[]string{DefaultPartitionName, "5"}, "int32"},
		{[]string{"2024-13-01"}, "utf8"},
	}
	for _, tc := range tests {
		var inf partitionInference
		for _, v := range tc.values {
			inf.observe(v)
		}
		dt := inf.dataType()
		if dt.String() != tc.want {
			t.Errorf("%v: %s, want %s", tc.values, dt, tc.want)
		}
		for _, v := range tc.values {
			if _, err := partitionValue(v, dt); err != nil {
				t.Errorf("%v: %v", tc.values, err)
			}
		}
	}
	if v, _ := partitionValue("2024-02-01 10%3A00%3A00", engineTimestamp); v != arrow.Timestamp(1706781600000000) {
		t.Errorf("timestamp value %v", v)
	}
	if v, _ := partitionValue("a%2Fb", arrow.BinaryTypes.String); v != "a/b" {
		t.Errorf("string value %v", v)
	}
}

// partSchema is a table to partition: by year (with NULLs) and city
// (escaped characters, the empty string).
var partSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "year", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "amount", Type: &arrow.Decimal128Type{Precision: 10, Scale: 2}, Nullable: true},
	{Name: "city", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

var partCities = []string{"Oslo", "São Paulo", "a/b", "x=y", "", "Oslo"}

func partBatch(mem memory.Allocator, from, n int) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, partSchema)
	defer b.Release()
	for r := from; r < from+n; r++ {
		b.Field(0).(*array.Int64Builder).Append(int64(r))
		if r%5 == 4 {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.Int32Builder).Append(int32(2020 + r%3))
		}
		b.Field(2).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(r * 10)))
		if r%13 == 12 {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.StringBuilder).Append(partCities[r%len(partCities)])
		}
	}
	return b.NewRecordBatch()
}

// expectedPartRow renders row r of partBatch as read back from a table
// partitioned by year and city, columns id, year, city: the empty city is
// NULL there.
func expectedPartRow(r int) string {
	year := "NULL"
	if r%5 != 4 {
		year = strconv.Itoa(2020 + r%3)
	}
	city := "NULL"
	if r%13 != 12 && partCities[r%len(partCities)] != "" {
		city = strconv.Quote(partCities[r%len(partCities)])
	}
	return strconv.Itoa(r) + "|" + year + "|" + city
}

func TestPartitionedWriteAndRead(t *testing.T) {
	for _, format := range []string{FormatParquet, FormatCSV, FormatJSON} {
		t.Run(format, func(t *testing.T) {
			mem := newMem(t)
			dir := filepath.Join(t.TempDir(), "sales")
			// Rows of one partition arrive in several batches and out of
			// order; a file holds at most 7 rows.
			src := newSource(t, partBatch(mem, 0, 40), partBatch(mem, 40, 25), partBatch(mem, 65, 35))
			st := mustWrite(t, dir, partSchema, src, WriteOptions{Format: format, PartitionBy: []string{"YEAR", "city"},
				MaxRowsPerFile: 7, Allocator: mem})
			if st.Rows != 100 {
				t.Fatalf("stats %+v", st)
			}
			files := dataFiles(t, dir)
			if st.Files != len(files) || st.Files < st.Partitions {
				t.Fatalf("stats %+v, files %v", st, files)
			}
			dirs := map[string]bool{}
			for _, f := range files {
				dirs[filepath.ToSlash(filepath.Dir(f))] = true
			}
			for _, want := range []string{"year=2020/city=Oslo", "year=2021/city=São Paulo", "year=2022/city=a%2Fb",
				"year=2020/city=x%3Dy", "year=__HIVE_DEFAULT_PARTITION__/city=Oslo", "year=2021/city=__HIVE_DEFAULT_PARTITION__"} {
				if !dirs[want] {
					t.Errorf("no directory %s in %v", want, dirs)
				}
			}
			if len(dirs) != st.Partitions {
				t.Errorf("%d directories, stats say %d", len(dirs), st.Partitions)
			}

			tbl, err := OpenFiles(context.Background(), format, dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			pt, ok := tbl.(*PartitionedTable)
			if !ok {
				t.Fatalf("%T, want a PartitionedTable", tbl)
			}
			if got := strings.Join(pt.PartitionColumns(), ","); got != "year,city" {
				t.Fatalf("partition columns %s", got)
			}
			s := tbl.Schema()
			if s.NumFields() != 4 || s.Field(0).Name != "id" || s.Field(1).Name != "amount" ||
				s.Field(2).Name != "year" || s.Field(2).Type.ID() != arrow.INT32 ||
				s.Field(3).Name != "city" || s.Field(3).Type.ID() != arrow.STRING {
				t.Fatalf("schema %s", typesOf(s))
			}

			read := func(req ScanRequest) []string {
				bs := readAll(t, tbl, req, mem, 3)
				defer releaseBatches(bs)
				rows := canonRows(bs, false)
				sort.Slice(rows, func(i, j int) bool { return idOf(rows[i]) < idOf(rows[j]) })
				return rows
			}
			// Every row, with the partition columns from the directories.
			rows := read(ScanRequest{Columns: []int{0, 2, 3}})
			if len(rows) != 100 {
				t.Fatalf("%d rows", len(rows))
			}
			for r, got := range rows {
				if want := expectedPartRow(r); got != want {
					t.Fatalf("row %d: %s, want %s", r, got, want)
				}
			}

			// Predicates on partition columns skip whole directories.
			all, err := tbl.Splits(context.Background(), allColumns(s))
			if err != nil {
				t.Fatal(err)
			}
			preds := []struct {
				pred ColumnPredicate
				keep func(r int) bool
			}{
				{ColumnPredicate{Column: 2, Op: CmpEq, Value: int32(2021)}, func(r int) bool { return r%5 != 4 && r%3 == 1 }},
				{ColumnPredicate{Column: 2, Op: CmpGtEq, Value: int32(2021)}, func(r int) bool { return r%5 != 4 && r%3 >= 1 }},
				{ColumnPredicate{Column: 2, Op: CmpIsNull}, func(r int) bool { return r%5 == 4 }},
				{ColumnPredicate{Column: 3, Op: CmpLt, Value: "S"}, func(r int) bool {
					c := partCities[r%len(partCities)]
					return r%13 != 12 && c != "" && c < "S"
				}},
				{ColumnPredicate{Column: 3, Op: CmpIsNotNull}, func(r int) bool { return r%13 != 12 && partCities[r%len(partCities)] != "" }},
			}
			for _, p := range preds {
				req := ScanRequest{Columns: []int{0, 2, 3}, Predicates: []ColumnPredicate{p.pred}}
				splits, err := tbl.Splits(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				if len(splits) == 0 || len(splits) >= len(all) {
					t.Fatalf("%+v kept %d of %d splits", p.pred, len(splits), len(all))
				}
				for i, sp := range splits {
					if sp.Index != i {
						t.Fatalf("split %d has index %d", i, sp.Index)
					}
				}
				var want []string
				for r := range 100 {
					if p.keep(r) {
						want = append(want, expectedPartRow(r))
					}
				}
				if got := read(req); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("%+v:\n got %v\nwant %v", p.pred, got, want)
				}
			}

			// Only partition columns: no file column is read, the row
			// count is right.
			bs := readAll(t, tbl, ScanRequest{Columns: []int{3, 2}}, mem, 1000)
			if n := totalRows(bs); n != 100 {
				t.Fatalf("partition columns only: %d rows", n)
			}
			if bs[0].Schema().Field(0).Name != "city" {
				t.Fatalf("schema %s", typesOf(bs[0].Schema()))
			}
			releaseBatches(bs)
			// No column at all (count(*)).
			bs = readAll(t, tbl, ScanRequest{Columns: []int{}}, mem, 1000)
			if n := totalRows(bs); n != 100 {
				t.Fatalf("no columns: %d rows", n)
			}
			releaseBatches(bs)
		})
	}
}

func idOf(row string) int {
	n := 0
	for _, c := range row {
		if c == '|' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Appending to a partitioned directory adds files to its partitions.
func TestPartitionedAppend(t *testing.T) {
	mem := newMem(t)
	dir := filepath.Join(t.TempDir(), "sales")
	opts := WriteOptions{Format: FormatParquet, PartitionBy: []string{"year"}, Allocator: mem}
	mustWrite(t, dir, partSchema, newSource(t, partBatch(mem, 0, 30)), opts)
	opts.Mode = SaveAppend
	mustWrite(t, dir, partSchema, newSource(t, partBatch(mem, 30, 30)), opts)
	tbl, err := OpenFiles(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bs := readAll(t, tbl, ScanRequest{Columns: []int{0}}, mem, 1000)
	defer releaseBatches(bs)
	if n := totalRows(bs); n != 60 {
		t.Fatalf("%d rows after append", n)
	}
	if files := dataFiles(t, filepath.Join(dir, "year=2020")); len(files) != 2 {
		t.Fatalf("year=2020 holds %v", files)
	}
}

func TestPartitionDiscoveryErrors(t *testing.T) {
	tests := []struct {
		files []string
		want  string
	}{
		{[]string{"a=1/x.csv", "y.csv"}, "conflicting partition directories"},
		{[]string{"a=1/x.csv", "b=1/y.csv"}, "conflicting partition directories"},
		{[]string{"a=1/b=2/x.csv", "a=1/y.csv"}, "conflicting partition directories"},
		{[]string{"a=1/A=2/x.csv"}, "appears twice"},
		{[]string{"id=1/x.csv"}, "both in the files and a partition directory"},
	}
	for _, tc := range tests {
		dir := t.TempDir()
		for _, f := range tc.files {
			writeFile(t, filepath.Join(dir, f), "id,v\n1,2\n")
		}
		_, err := OpenFiles(context.Background(), "csv", dir, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.files, err, tc.want)
		}
	}
	// Directories without '=' are not partitions: today's behaviour.
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "2024", "x.csv"), "id\n1\n")
	writeFile(t, filepath.Join(dir, "2025", "y.csv"), "id\n2\n")
	tbl, err := OpenFiles(context.Background(), "csv", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tbl.(*PartitionedTable); ok || tbl.Schema().NumFields() != 1 {
		t.Fatalf("%T %s", tbl, typesOf(tbl.Schema()))
	}
	// Hidden directories (a write in progress) are not read.
	writeFile(t, filepath.Join(dir, ".ember-tmp", "z.csv"), "other\n3\n")
	if _, err := OpenFiles(context.Background(), "csv", dir, nil); err != nil {
		t.Fatal(err)
	}
}

// Partition values of every partitionable type read back as the type
// Spark infers for them.
func TestPartitionValueTypes(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "v", Type: arrow.PrimitiveTypes.Int64},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32},
		{Name: "ts", Type: engineTimestamp},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "big", Type: arrow.PrimitiveTypes.Int64},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{1, 2}, nil)
	b.Field(1).(*array.Date32Builder).AppendValues([]arrow.Date32{19000, 19001}, nil)
	b.Field(2).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1706781600000000, 1706781600500000}, nil)
	b.Field(3).(*array.Float64Builder).AppendValues([]float64{1, 2.5}, nil)
	b.Field(4).(*array.Int64Builder).AppendValues([]int64{5_000_000_000, 7}, nil)
	batch := b.NewRecordBatch()
	b.Release()
	dir := filepath.Join(t.TempDir(), "t")
	mustWrite(t, dir, schema, newSource(t, batch), WriteOptions{Format: FormatJSON,
		PartitionBy: []string{"d", "ts", "f", "big"}, Allocator: mem})
	if _, err := os.Stat(filepath.Join(dir, "d=2022-01-08", "ts=2024-02-01 10%3A00%3A00", "f=1.0", "big=5000000000")); err != nil {
		t.Fatal(err)
	}
	tbl, err := OpenFiles(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := typesOf(tbl.Schema()); got != "v:int64, d:date32, ts:timestamp[us], f:float64, big:int64" {
		t.Fatalf("types %s", got)
	}
	bs := readAll(t, tbl, allColumns(tbl.Schema()), mem, 10)
	defer releaseBatches(bs)
	rows := canonRows(bs, false)
	sort.Strings(rows)
	want := "1|date:19000|ts:1706781600000000|1|5000000000 2|date:19001|ts:1706781600500000|2.5|7"
	if got := strings.Join(rows, " "); got != want {
		t.Fatalf("rows\n got %s\nwant %s", got, want)
	}
	// Partitioning by a type with no directory text is an error.
	bin := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.BinaryTypes.Binary}, {Name: "y", Type: arrow.PrimitiveTypes.Int64}}, nil)
	if _, err := WriteFiles(context.Background(), filepath.Join(t.TempDir(), "b"), bin, newSource(t),
		WriteOptions{Format: FormatParquet, PartitionBy: []string{"x"}}); err == nil || !strings.Contains(err.Error(), "cannot partition by column x") {
		t.Fatalf("binary partition: %v", err)
	}
	if _, err := WriteFiles(context.Background(), filepath.Join(t.TempDir(), "b"), schema, newSource(t),
		WriteOptions{Format: FormatParquet, PartitionBy: []string{"v", "d", "ts", "f", "big"}}); err == nil || !strings.Contains(err.Error(), "every column") {
		t.Fatalf("all columns: %v", err)
	}
}

// Many partitions in one batch: more than maxOpenWriters files open at
// once close the least recently used ones, and every row still lands.
func TestPartitionedManyPartitions(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.PrimitiveTypes.Int64}, {Name: "k", Type: arrow.PrimitiveTypes.Int64}}, nil)
	var batches []arrow.RecordBatch
	for range 3 {
		b := array.NewRecordBuilder(mem, schema)
		for r := range 200 {
			b.Field(0).(*array.Int64Builder).Append(int64(r))
			b.Field(1).(*array.Int64Builder).Append(int64(r % 50))
		}
		batches = append(batches, b.NewRecordBatch())
		b.Release()
	}
	dir := filepath.Join(t.TempDir(), "t")
	st := mustWrite(t, dir, schema, newSource(t, batches...), WriteOptions{Format: FormatParquet, PartitionBy: []string{"k"}, Allocator: mem})
	if st.Partitions != 50 || st.Rows != 600 || st.Files < 50 {
		t.Fatalf("stats %+v", st)
	}
	tbl, err := OpenFiles(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bs := readAll(t, tbl, ScanRequest{Columns: []int{0, 1}}, mem, 1000)
	defer releaseBatches(bs)
	var sum int64
	for _, b := range bs {
		ids, ks := b.Column(0).(*array.Int64).Int64Values(), b.Column(1).(*array.Int32).Int32Values()
		for i := range ids {
			if ids[i]%50 != int64(ks[i]) {
				t.Fatalf("row id %d in partition %d", ids[i], ks[i])
			}
			sum += ids[i]
		}
	}
	if sum != 3*199*200/2 {
		t.Fatalf("sum of ids %d", sum)
	}
}
