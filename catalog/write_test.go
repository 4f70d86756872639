package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/internal/textfmt"
)

// batchSource hands out batches; the writer owns (and releases) each one
// it takes. It can fail or cancel a context when asked for a given batch.
type batchSource struct {
	batches  []arrow.RecordBatch
	next     int
	calls    int
	failAt   int // 1-based call that returns an error (0: never)
	cancel   func()
	cancelAt int
}

var errSource = errors.New("source failed")

func (s *batchSource) Next(ctx context.Context) (arrow.RecordBatch, error) {
	s.calls++
	if s.calls == s.failAt {
		return nil, errSource
	}
	if s.calls == s.cancelAt {
		s.cancel()
	}
	if s.next >= len(s.batches) {
		return nil, io.EOF
	}
	b := s.batches[s.next]
	s.batches[s.next] = nil
	s.next++
	return b, nil
}

// release frees the batches the writer did not take.
func (s *batchSource) release() {
	for _, b := range s.batches {
		if b != nil {
			b.Release()
		}
	}
}

func newSource(t *testing.T, batches ...arrow.RecordBatch) *batchSource {
	s := &batchSource{batches: batches}
	t.Cleanup(s.release)
	return s
}

var typesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "i32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "i64", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "d", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}, Nullable: true},
	{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "dt", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "ts", Type: engineTimestamp, Nullable: true},
}, nil)

var trickyStrings = []string{"plain", "", "a,b", `say "hi"`, "line\nbreak", " padded ", "ünïcödé", "tab\there", `back\slash`, "NULL"}

// typesBatch makes n rows of every engine type from row from on; every
// seventh row is NULL throughout. withNaN adds NaN and infinities.
func typesBatch(mem memory.Allocator, from, n int, withNaN bool) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, typesSchema)
	defer b.Release()
	for r := from; r < from+n; r++ {
		if r%7 == 3 {
			for i := range b.Fields() {
				b.Field(i).AppendNull()
			}
			continue
		}
		b.Field(0).(*array.BooleanBuilder).Append(r%2 == 0)
		b.Field(1).(*array.Int8Builder).Append(int8(r%256 - 128))
		b.Field(2).(*array.Int16Builder).Append(int16(r * 31))
		b.Field(3).(*array.Int32Builder).Append(int32(r*100_003 - 50_000_000))
		b.Field(4).(*array.Int64Builder).Append(int64(r) * 1_000_000_007_919)
		f := float64(r)*0.25 - 3
		if withNaN {
			switch r % 11 {
			case 1:
				f = math.NaN()
			case 2:
				f = math.Inf(1)
			case 4:
				f = math.Inf(-1)
			case 5:
				f = 1e300
			}
		}
		b.Field(5).(*array.Float64Builder).Append(f)
		b.Field(6).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(r*137 - 500)))
		b.Field(7).(*array.StringBuilder).Append(trickyStrings[r%len(trickyStrings)] + strings.Repeat("x", r%3))
		b.Field(8).(*array.Date32Builder).Append(arrow.Date32(r*37 - 1000))
		ts := int64(r)*3_600_000_123 - 86_400_000_000
		if r%3 == 0 {
			ts = int64(r) * 86_400_000_000 // no fraction
		}
		b.Field(9).(*array.TimestampBuilder).Append(arrow.Timestamp(ts))
	}
	return b.NewRecordBatch()
}

// canon renders row i of arr as a value, so that columns of different
// but equivalent types compare: integers as integers, DOUBLE and DECIMAL as
// float64 text; with textTime, dates and timestamps as the text the writers
// give them (how JSON reads them back).
func canon(arr arrow.Array, i int, textTime bool) string {
	if arr.IsNull(i) {
		return "NULL"
	}
	switch a := arr.(type) {
	case *array.Boolean:
		return strconv.FormatBool(a.Value(i))
	case *array.Int8:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int16:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Decimal128:
		text := textfmt.AppendDecimal128(nil, a.Value(i), a.DataType().(*arrow.Decimal128Type).Scale)
		f, _ := strconv.ParseFloat(string(text), 64)
		return strconv.FormatFloat(f, 'g', -1, 64)
	case *array.String:
		return strconv.Quote(a.Value(i))
	case *array.Date32:
		if textTime {
			return strconv.Quote(a.Value(i).ToTime().Format("2006-01-02"))
		}
		return "date:" + strconv.Itoa(int(a.Value(i)))
	case *array.Timestamp:
		if textTime {
			tm := time.UnixMicro(int64(a.Value(i))).UTC()
			layout := "2006-01-02T15:04:05"
			if tm.Nanosecond() != 0 {
				layout += ".000000"
			}
			return strconv.Quote(tm.Format(layout))
		}
		return "ts:" + strconv.FormatInt(int64(a.Value(i)), 10)
	}
	return arr.ValueStr(i)
}

// canonRows renders batches as rows of canon values.
func canonRows(bs []arrow.RecordBatch, textTime bool) []string {
	var out []string
	for _, b := range bs {
		for i := range int(b.NumRows()) {
			row := make([]string, b.NumCols())
			for j, c := range b.Columns() {
				row[j] = canon(c, i, textTime)
			}
			out = append(out, strings.Join(row, "|"))
		}
	}
	return out
}

// typesOf lists a schema's type names.
func typesOf(s *arrow.Schema) string {
	var out []string
	for _, f := range s.Fields() {
		out = append(out, f.Name+":"+f.Type.String())
	}
	return strings.Join(out, ", ")
}

// dataFiles lists the visible data files under dir, relative, sorted.
func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !hidden(d.Name()) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// snapshot records every file under dir (hidden ones too) with its
// content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		} else {
			out[p+"/"] = ""
		}
		return nil
	})
	return out
}

// noLeftovers fails if parent holds anything but the names given.
func noLeftovers(t *testing.T, parent string, want ...string) {
	t.Helper()
	entries, _ := os.ReadDir(parent)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("%s holds %v, want %v", parent, got, want)
	}
}

func mustWrite(t *testing.T, path string, schema *arrow.Schema, src BatchSource, opts WriteOptions) WriteStats {
	t.Helper()
	st, err := WriteFiles(context.Background(), path, schema, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestWriteRoundTripTypes(t *testing.T) {
	tests := []struct {
		format   string
		opts     map[string]string
		withNaN  bool
		textTime bool
		// the types the reader gives back
		types string
	}{
		{format: FormatParquet, withNaN: true, types: typesOf(typesSchema)},
		{format: FormatParquet, opts: map[string]string{"compression": "zstd"}, types: typesOf(typesSchema)},
		{format: FormatParquet, opts: map[string]string{"Compression": "none"}, types: typesOf(typesSchema)},
		{format: FormatCSV, withNaN: true,
			types: "b:bool, i8:int32, i16:int32, i32:int32, i64:int64, f:float64, d:float64, s:utf8, dt:date32, ts:timestamp[us]"},
		{format: FormatCSV, opts: map[string]string{"delimiter": "-"},
			types: "b:bool, i8:int32, i16:int32, i32:int32, i64:int64, f:float64, d:float64, s:utf8, dt:date32, ts:timestamp[us]"},
		{format: FormatCSV, opts: map[string]string{"sep": ";", "nullValue": "NULL"},
			types: "b:bool, i8:int32, i16:int32, i32:int32, i64:int64, f:float64, d:float64, s:utf8, dt:date32, ts:timestamp[us]"},
		{format: FormatJSON, textTime: true,
			types: "b:bool, i8:int64, i16:int64, i32:int64, i64:int64, f:float64, d:float64, s:utf8, dt:utf8, ts:utf8"},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.format, tc.opts), func(t *testing.T) {
			mem := newMem(t)
			dir := filepath.Join(t.TempDir(), "out")
			src := newSource(t, typesBatch(mem, 0, 40, tc.withNaN), typesBatch(mem, 40, 30, tc.withNaN))
			st := mustWrite(t, dir, typesSchema, src, WriteOptions{Format: tc.format, Options: tc.opts, Allocator: mem})
			if st.Rows != 70 || st.Files != 1 || st.Bytes <= 0 || st.Partitions != 0 {
				t.Fatalf("stats %+v", st)
			}
			files := dataFiles(t, dir)
			if len(files) != 1 || !strings.HasPrefix(files[0], "part-00000-") || !strings.HasSuffix(files[0], "."+tc.format) {
				t.Fatalf("files %v", files)
			}
			if _, err := os.Stat(filepath.Join(dir, SuccessFile)); err != nil {
				t.Fatal("no _SUCCESS:", err)
			}
			readOpts := map[string]string{}
			for k, v := range tc.opts {
				if k != "compression" && k != "Compression" {
					readOpts[k] = v
				}
			}
			tbl, err := OpenFiles(context.Background(), tc.format, dir, readOpts)
			if err != nil {
				t.Fatal(err)
			}
			if got := typesOf(tbl.Schema()); got != tc.types {
				t.Fatalf("read back types\n got %s\nwant %s", got, tc.types)
			}
			got := readAll(t, tbl, allColumns(tbl.Schema()), mem, 1000)
			defer releaseBatches(got)
			want := []arrow.RecordBatch{typesBatch(mem, 0, 70, tc.withNaN)}
			defer releaseBatches(want)
			g, w := canonRows(got, tc.textTime), canonRows(want, tc.textTime)
			if len(g) != len(w) {
				t.Fatalf("read %d rows, wrote %d", len(g), len(w))
			}
			for i := range w {
				if g[i] != w[i] {
					t.Fatalf("row %d\n got %s\nwant %s", i, g[i], w[i])
				}
			}
			if tc.format == FormatParquet {
				if len(got) != 1 {
					t.Fatalf("%d batches", len(got))
				}
				// Exactly: the same arrays.
				for c := range typesSchema.NumFields() {
					if !array.Equal(got[0].Column(c), want[0].Column(c)) && !floatsSame(got[0].Column(c), want[0].Column(c)) {
						t.Fatalf("column %d differs:\n%v\n%v", c, got[0].Column(c), want[0].Column(c))
					}
				}
			}
		})
	}
}

// floatsSame compares float columns treating NaN as equal to NaN.
func floatsSame(a, b arrow.Array) bool {
	x, ok1 := a.(*array.Float64)
	y, ok2 := b.(*array.Float64)
	if !ok1 || !ok2 || x.Len() > y.Len() {
		return false
	}
	for i := range x.Len() {
		if x.IsNull(i) != y.IsNull(i) {
			return false
		}
		if !x.IsNull(i) && math.Float64bits(x.Value(i)) != math.Float64bits(y.Value(i)) &&
			!(math.IsNaN(x.Value(i)) && math.IsNaN(y.Value(i))) {
			return false
		}
	}
	return true
}

func TestWriteTextValues(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "d", Type: &arrow.Decimal128Type{Precision: 38, Scale: 3}, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "ts", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.Float64Builder).AppendValues([]float64{1, -2, 0.5, 1e20, 1e-7}, nil)
	big, _ := decimal128.FromString("-12345678901234567890123.456", 38, 3)
	b.Field(1).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(-5), decimal128.FromI64(1230), big, {}, decimal128.FromI64(7)}, nil)
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"", "a\"b", "x", "y", "z"}, []bool{true, true, false, true, true})
	b.Field(3).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{-1, 1_500, 0, 86_400_000_000_000, 1}, nil)
	batch := b.NewRecordBatch()
	b.Release()
	defer batch.Release()

	csvWant := "f,d,s,ts\n" +
		`1.0,-0.005,"",1969-12-31T23:59:59.999999999Z` + "\n" +
		`-2.0,1.230,"a""b",1970-01-01T00:00:00.000001500Z` + "\n" +
		"0.5,-12345678901234567890123.456,,1970-01-01T00:00:00Z\n" +
		"1e+20,0.000,y,1970-01-02T00:00:00Z\n" +
		"1e-07,0.007,z,1970-01-01T00:00:00.000000001Z\n"
	jsonWant := `{"f":1.0,"d":-0.005,"s":"","ts":"1969-12-31T23:59:59.999999999Z"}` + "\n" +
		`{"f":-2.0,"d":1.230,"s":"a\"b","ts":"1970-01-01T00:00:00.000001500Z"}` + "\n" +
		`{"f":0.5,"d":-12345678901234567890123.456,"s":null,"ts":"1970-01-01T00:00:00Z"}` + "\n" +
		`{"f":1e+20,"d":0.000,"s":"y","ts":"1970-01-02T00:00:00Z"}` + "\n" +
		`{"f":1e-07,"d":0.007,"s":"z","ts":"1970-01-01T00:00:00.000000001Z"}` + "\n"
	noHeader := csvWant[strings.IndexByte(csvWant, '\n')+1:]
	for _, tc := range []struct {
		format, want string
		opts         map[string]string
	}{{FormatCSV, csvWant, nil}, {FormatCSV, noHeader, map[string]string{"header": "false"}}, {FormatJSON, jsonWant, nil}} {
		format, want := tc.format, tc.want
		dir := filepath.Join(t.TempDir(), "out")
		batch.Retain()
		mustWrite(t, dir, schema, newSource(t, batch), WriteOptions{Format: format, Options: tc.opts, Allocator: mem})
		files := dataFiles(t, dir)
		got, err := os.ReadFile(filepath.Join(dir, files[0]))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s:\n got %s\nwant %s", format, got, want)
		}
	}
}

// A DOUBLE column of whole numbers stays DOUBLE through CSV and JSON.
func TestWriteWholeDoublesStayDouble(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Float64}}, nil)
	for _, format := range []string{FormatCSV, FormatJSON} {
		b := array.NewFloat64Builder(mem)
		b.AppendValues([]float64{1, 2, -3}, nil)
		col := b.NewArray()
		b.Release()
		batch := array.NewRecordBatch(schema, []arrow.Array{col}, 3)
		col.Release()
		dir := filepath.Join(t.TempDir(), "out")
		mustWrite(t, dir, schema, newSource(t, batch), WriteOptions{Format: format, Allocator: mem})
		tbl, err := OpenFiles(context.Background(), format, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := tbl.Schema().Field(0).Type; got.ID() != arrow.FLOAT64 {
			t.Errorf("%s: x reads back as %s", format, got)
		}
	}
}

func TestWriteModes(t *testing.T) {
	type check struct {
		err     string // substring of the error; "" none
		skipped bool
		rows    int64 // rows read back from the target
		calls   int   // source calls (-1: any)
	}
	tests := []struct {
		mode     SaveMode
		existing check
		missing  check
	}{
		{SaveErrorIfExists, check{err: "already exists", rows: 10, calls: 0}, check{rows: 5, calls: -1}},
		{SaveOverwrite, check{rows: 5, calls: -1}, check{rows: 5, calls: -1}},
		{SaveAppend, check{rows: 15, calls: -1}, check{rows: 5, calls: -1}},
		{SaveIgnore, check{skipped: true, rows: 10, calls: 0}, check{rows: 5, calls: -1}},
	}
	for _, tc := range tests {
		for _, exists := range []bool{true, false} {
			want := tc.missing
			if exists {
				want = tc.existing
			}
			t.Run(fmt.Sprintf("%s/exists=%v", tc.mode, exists), func(t *testing.T) {
				mem := newMem(t)
				parent := t.TempDir()
				dir := filepath.Join(parent, "table")
				var before []string
				if exists {
					mustWrite(t, dir, typesSchema, newSource(t, typesBatch(mem, 0, 10, false)),
						WriteOptions{Format: FormatParquet, Allocator: mem})
					before = dataFiles(t, dir)
				}
				src := newSource(t, typesBatch(mem, 100, 5, false))
				st, err := WriteFiles(context.Background(), dir, typesSchema, src, WriteOptions{Format: FormatParquet, Mode: tc.mode, Allocator: mem})
				if want.err != "" {
					if err == nil || !strings.Contains(err.Error(), want.err) || !strings.Contains(err.Error(), dir) {
						t.Fatalf("error %v, want one naming %s and saying %q", err, dir, want.err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				if st.Skipped != want.skipped {
					t.Fatalf("skipped %v", st.Skipped)
				}
				if want.calls >= 0 && src.calls != want.calls {
					t.Fatalf("source read %d times, want %d", src.calls, want.calls)
				}
				noLeftovers(t, parent, "table")
				tbl, err := OpenFiles(context.Background(), FormatParquet, dir, nil)
				if err != nil {
					t.Fatal(err)
				}
				bs := readAll(t, tbl, allColumns(tbl.Schema()), mem, 100)
				defer releaseBatches(bs)
				if n := totalRows(bs); n != want.rows {
					t.Fatalf("target has %d rows, want %d", n, want.rows)
				}
				after := dataFiles(t, dir)
				switch {
				case tc.mode == SaveAppend && exists:
					if len(after) != 2 || !contains(after, before[0]) {
						t.Fatalf("files after append %v (before %v)", after, before)
					}
				case tc.mode == SaveOverwrite && exists:
					if len(after) != 1 || after[0] == before[0] {
						t.Fatalf("files after overwrite %v (before %v)", after, before)
					}
				case exists:
					if strings.Join(after, ",") != strings.Join(before, ",") {
						t.Fatalf("files %v, before %v", after, before)
					}
				}
			})
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestParseSaveMode(t *testing.T) {
	for in, want := range map[string]SaveMode{"": SaveErrorIfExists, "error": SaveErrorIfExists, "ErrorIfExists": SaveErrorIfExists,
		"default": SaveErrorIfExists, "OVERWRITE": SaveOverwrite, "append": SaveAppend, "Ignore": SaveIgnore} {
		got, err := ParseSaveMode(in)
		if err != nil || got != want {
			t.Errorf("ParseSaveMode(%q) = %v, %v", in, got, err)
		}
		if in != "" && in != "error" && in != "default" && !strings.EqualFold(got.String(), in) {
			t.Errorf("%v.String() = %s", got, got.String())
		}
	}
	if _, err := ParseSaveMode("replace"); err == nil || !strings.Contains(err.Error(), "replace") {
		t.Errorf("bad mode: %v", err)
	}
}

// A source failing on its third batch, or a context cancelled mid-write,
// leaves the target exactly as it was, no temporary files, and no
// directory the write made.
func TestWriteFailureLeavesNothing(t *testing.T) {
	for _, how := range []string{"source error", "cancel"} {
		for _, mode := range []SaveMode{SaveErrorIfExists, SaveOverwrite, SaveAppend, SaveIgnore} {
			for _, partitioned := range []bool{false, true} {
				for _, exists := range []bool{false, true} {
					if exists && (mode == SaveErrorIfExists || mode == SaveIgnore) {
						continue // no write happens
					}
					name := fmt.Sprintf("%s/%s/partitioned=%v/exists=%v", how, mode, partitioned, exists)
					t.Run(name, func(t *testing.T) {
						mem := newMem(t)
						root := t.TempDir()
						parent := filepath.Join(root, "a", "b")
						dir := filepath.Join(parent, "table")
						opts := WriteOptions{Format: FormatCSV, Mode: mode, Allocator: mem}
						if partitioned {
							opts.PartitionBy = []string{"b"}
						}
						if exists {
							mustWrite(t, dir, typesSchema, newSource(t, typesBatch(mem, 0, 10, false)), opts)
						}
						before := snapshot(t, root)
						ctx, cancel := context.WithCancel(context.Background())
						defer cancel()
						src := newSource(t, typesBatch(mem, 0, 10, false), typesBatch(mem, 10, 10, false),
							typesBatch(mem, 20, 10, false), typesBatch(mem, 30, 10, false))
						wantErr := errSource
						if how == "cancel" {
							src.cancel, src.cancelAt = cancel, 3
							wantErr = context.Canceled
						} else {
							src.failAt = 3
						}
						_, err := WriteFiles(ctx, dir, typesSchema, src, opts)
						if !errors.Is(err, wantErr) {
							t.Fatalf("error %v, want %v", err, wantErr)
						}
						after := snapshot(t, root)
						if fmt.Sprint(after) != fmt.Sprint(before) {
							t.Fatalf("the write left changes:\nbefore %v\nafter  %v", keys(before), keys(after))
						}
					})
				}
			}
		}
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestWriteSplitsFiles(t *testing.T) {
	mem := newMem(t)
	dir := filepath.Join(t.TempDir(), "out")
	var batches []arrow.RecordBatch
	for i := range 5 {
		batches = append(batches, typesBatch(mem, i*700, 700, false))
	}
	st := mustWrite(t, dir, typesSchema, newSource(t, batches...),
		WriteOptions{Format: FormatParquet, MaxRowsPerFile: 1000, Allocator: mem})
	if st.Files != 4 || st.Rows != 3500 {
		t.Fatalf("stats %+v", st)
	}
	files := dataFiles(t, dir)
	if len(files) != 4 {
		t.Fatalf("files %v", files)
	}
	tbl, err := OpenFiles(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// File by file (they sort by their number): 1000, 1000, 1000, 500 rows,
	// in the order written.
	want := []int64{1000, 1000, 1000, 500}
	for i, f := range tbl.(*ParquetTable).files {
		var n int64
		for rg := range f.meta.NumRowGroups() {
			n += f.meta.RowGroup(rg).NumRows()
		}
		if n != want[i] {
			t.Fatalf("file %d has %d rows, want %d", i, n, want[i])
		}
	}
	bs := readAll(t, tbl, ScanRequest{Columns: []int{4}}, mem, 4096)
	defer releaseBatches(bs)
	k := 0
	for _, b := range bs {
		for _, v := range canonRows([]arrow.RecordBatch{b}, false) {
			exp := typesBatch(mem, k, 1, false)
			if w := canon(exp.Column(4), 0, false); v != w {
				exp.Release()
				t.Fatalf("row %d: %s, want %s", k, v, w)
			}
			exp.Release()
			k++
		}
	}

	// The option spelled as Spark spells it does the same.
	dir2 := filepath.Join(t.TempDir(), "out")
	st = mustWrite(t, dir2, typesSchema, newSource(t, typesBatch(mem, 0, 25, false)),
		WriteOptions{Format: FormatJSON, Options: map[string]string{"maxRecordsPerFile": "10"}, Allocator: mem})
	if st.Files != 3 {
		t.Fatalf("maxRecordsPerFile: %+v", st)
	}
}

// An empty write still leaves a file with the schema.
func TestWriteNoRows(t *testing.T) {
	mem := newMem(t)
	dir := filepath.Join(t.TempDir(), "out")
	st := mustWrite(t, dir, typesSchema, newSource(t), WriteOptions{Format: FormatParquet, Allocator: mem})
	if st.Files != 1 || st.Rows != 0 {
		t.Fatalf("stats %+v", st)
	}
	tbl, err := OpenFiles(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := typesOf(tbl.Schema()); got != typesOf(typesSchema) {
		t.Fatalf("schema %s", got)
	}
}

func TestWriteErrors(t *testing.T) {
	mem := newMem(t)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file.txt")
	writeFile(t, file, "x")
	tests := []struct {
		name string
		path string
		opts WriteOptions
		want string
	}{
		{"format", filepath.Join(tmp, "x"), WriteOptions{Format: "orc"}, `unknown file format "orc"`},
		{"option", filepath.Join(tmp, "x"), WriteOptions{Format: "parquet", Options: map[string]string{"header": "true"}}, `unknown parquet write option "header"`},
		{"compression", filepath.Join(tmp, "x"), WriteOptions{Format: "parquet", Options: map[string]string{"compression": "lzo"}}, `unknown Parquet compression "lzo"`},
		{"header", filepath.Join(tmp, "x"), WriteOptions{Format: "csv", Options: map[string]string{"header": "yes"}}, `must be true or false`},
		{"delimiter", filepath.Join(tmp, "x"), WriteOptions{Format: "csv", Options: map[string]string{"delimiter": "ab"}}, `one ASCII character`},
		{"nullValue", filepath.Join(tmp, "x"), WriteOptions{Format: "csv", Options: map[string]string{"nullValue": "a,b"}}, `nullValue must not`},
		{"max rows", filepath.Join(tmp, "x"), WriteOptions{Format: "json", Options: map[string]string{"maxRecordsPerFile": "many"}}, `maxRecordsPerFile`},
		{"partition column", filepath.Join(tmp, "x"), WriteOptions{Format: "csv", PartitionBy: []string{"nope"}}, `no column nope (columns: b, i8`},
		{"partition twice", filepath.Join(tmp, "x"), WriteOptions{Format: "csv", PartitionBy: []string{"s", "S"}}, `given twice`},
		{"empty path", "", WriteOptions{Format: "csv"}, `no path`},
		{"append to a file", file, WriteOptions{Format: "csv", Mode: SaveAppend}, `it is a file`},
		{"exists", file, WriteOptions{Format: "csv"}, "already exists"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Allocator = mem
			_, err := WriteFiles(context.Background(), tc.path, typesSchema, newSource(t, typesBatch(mem, 0, 3, false)), tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
	noLeftovers(t, tmp, "file.txt")

	// A batch that does not match the schema.
	other := arrow.NewSchema([]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, nil)
	_, err := WriteFiles(context.Background(), filepath.Join(tmp, "y"), other, newSource(t, typesBatch(mem, 0, 3, false)),
		WriteOptions{Format: "csv", Allocator: mem})
	if err == nil || !strings.Contains(err.Error(), "batch has 10 columns") {
		t.Fatalf("mismatched batch: %v", err)
	}
	noLeftovers(t, tmp, "file.txt")
}

// Overwriting a single file replaces it with a directory.
func TestWriteOverwriteFile(t *testing.T) {
	mem := newMem(t)
	tmp := t.TempDir()
	file := filepath.Join(tmp, "t")
	writeFile(t, file, "x")
	mustWrite(t, file, typesSchema, newSource(t, typesBatch(mem, 0, 3, false)),
		WriteOptions{Format: FormatJSON, Mode: SaveOverwrite, Allocator: mem})
	if st, err := os.Stat(file); err != nil || !st.IsDir() {
		t.Fatalf("%s is not a directory: %v", file, err)
	}
	noLeftovers(t, tmp, "t")
}

// BenchmarkWrite writes 1M rows of (int64, decimal, string, date) in 64K
// row batches, plain and partitioned by a column of 16 values.
func BenchmarkWrite(b *testing.B) {
	mem := memory.NewGoAllocator()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "price", Type: &arrow.Decimal128Type{Precision: 12, Scale: 2}},
		{Name: "name", Type: arrow.BinaryTypes.String},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32},
		{Name: "k", Type: arrow.PrimitiveTypes.Int32},
	}, nil)
	const rows, per = 1 << 20, 64 << 10
	var batches []arrow.RecordBatch
	for from := 0; from < rows; from += per {
		bld := array.NewRecordBuilder(mem, schema)
		for r := from; r < from+per; r++ {
			bld.Field(0).(*array.Int64Builder).Append(int64(r))
			bld.Field(1).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(r % 100000)))
			bld.Field(2).(*array.StringBuilder).Append("customer#" + strconv.Itoa(r%5000))
			bld.Field(3).(*array.Date32Builder).Append(arrow.Date32(8000 + r%2500))
			bld.Field(4).(*array.Int32Builder).Append(int32(r % 16))
		}
		batches = append(batches, bld.NewRecordBatch())
		bld.Release()
	}
	for _, format := range []string{FormatParquet, FormatCSV, FormatJSON} {
		for _, part := range [][]string{nil, {"k"}} {
			b.Run(fmt.Sprint(format, part), func(b *testing.B) {
				for b.Loop() {
					for _, bt := range batches {
						bt.Retain()
					}
					src := &batchSource{batches: append([]arrow.RecordBatch(nil), batches...)}
					dir := filepath.Join(b.TempDir(), "out")
					if _, err := WriteFiles(context.Background(), dir, schema, src, WriteOptions{Format: format, PartitionBy: part}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestWriteJSONLineSeparators checks that NDJSON files escape U+2028 and
// U+2029 as the CLI's JSON does (internal/textfmt), and that the strings
// read back unchanged.
func TestWriteJSONLineSeparators(t *testing.T) {
	mem := newMem(t)
	schema := arrow.NewSchema([]arrow.Field{{Name: "s", Type: arrow.BinaryTypes.String}}, nil)
	b := array.NewStringBuilder(mem)
	b.AppendValues([]string{"a\u2028b\u2029c", "tab\there\x01"}, nil)
	col := b.NewArray()
	b.Release()
	batch := array.NewRecordBatch(schema, []arrow.Array{col}, 2)
	col.Release()
	dir := filepath.Join(t.TempDir(), "out")
	mustWrite(t, dir, schema, newSource(t, batch), WriteOptions{Format: FormatJSON, Allocator: mem})
	files := dataFiles(t, dir)
	text, err := os.ReadFile(filepath.Join(dir, files[0]))
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"s":"a\u2028b\u2029c"}` + "\n" + `{"s":"tab\there\u0001"}` + "\n"; string(text) != want {
		t.Fatalf("file:\n got %s\nwant %s", text, want)
	}
	tbl, err := OpenFiles(context.Background(), FormatJSON, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, tbl, allColumns(tbl.Schema()), mem, 1000)
	defer releaseBatches(got)
	if g := canonRows(got, false); len(g) != 2 || g[0] != strconv.Quote("a\u2028b\u2029c") || g[1] != strconv.Quote("tab\there\x01") {
		t.Fatalf("read back %v", g)
	}
}
