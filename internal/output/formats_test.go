package output

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

var (
	mixedNames = []string{"id", "name", "price", "day"}
	mixedTypes = []arrow.DataType{planner.TypeBigInt, planner.TypeString, planner.Decimal(12, 2), planner.TypeDate}
)

// mixedBatches returns two batches of a four-column result whose strings
// need quoting in CSV and escaping in TSV and JSON.
func mixedBatches(t *testing.T, mem memory.Allocator) []arrow.RecordBatch {
	return []arrow.RecordBatch{
		batchOf(t, mem, mixedNames, mixedTypes,
			[]any{int64(1), int64(2), int64(3)},
			[]any{"plain", "a,b", `say "hi"`},
			[]any{dec(1230), dec(-5), nil},
			[]any{18292, nil, 0}),
		batchOf(t, mem, mixedNames, mixedTypes,
			[]any{int64(4), int64(5), int64(6), nil},
			[]any{"two\nlines", " lead", "", nil},
			[]any{dec(100), dec(0), dec(-123456), dec(7)},
			[]any{1, 2, 3, 4}),
	}
}

func releaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

func TestFormatsMixedResult(t *testing.T) {
	want := map[string]string{
		"csv": `id,name,price,day
1,plain,12.30,2020-01-31
2,"a,b",-0.05,
3,"say ""hi""",,1970-01-01
4,"two
lines",1.00,1970-01-02
5," lead",0.00,1970-01-03
6,"",-1234.56,1970-01-04
,,0.07,1970-01-05
`,
		"tsv": "id\tname\tprice\tday\n" +
			"1\tplain\t12.30\t2020-01-31\n" +
			"2\ta,b\t-0.05\t\n" +
			"3\tsay \"hi\"\t\t1970-01-01\n" +
			"4\ttwo\\nlines\t1.00\t1970-01-02\n" +
			"5\t lead\t0.00\t1970-01-03\n" +
			"6\t\t-1234.56\t1970-01-04\n" +
			"\t\t0.07\t1970-01-05\n",
		"json": `[
{"id":1,"name":"plain","price":12.30,"day":"2020-01-31"},
{"id":2,"name":"a,b","price":-0.05,"day":null},
{"id":3,"name":"say \"hi\"","price":null,"day":"1970-01-01"},
{"id":4,"name":"two\nlines","price":1.00,"day":"1970-01-02"},
{"id":5,"name":" lead","price":0.00,"day":"1970-01-03"},
{"id":6,"name":"","price":-1234.56,"day":"1970-01-04"},
{"id":null,"name":null,"price":0.07,"day":"1970-01-05"}
]
`,
		"ndjson": `{"id":1,"name":"plain","price":12.30,"day":"2020-01-31"}
{"id":2,"name":"a,b","price":-0.05,"day":null}
{"id":3,"name":"say \"hi\"","price":null,"day":"1970-01-01"}
{"id":4,"name":"two\nlines","price":1.00,"day":"1970-01-02"}
{"id":5,"name":" lead","price":0.00,"day":"1970-01-03"}
{"id":6,"name":"","price":-1234.56,"day":"1970-01-04"}
{"id":null,"name":null,"price":0.07,"day":"1970-01-05"}
`,
		"table": `   id | name       |    price | day
------+------------+----------+------------
    1 | plain      |    12.30 | 2020-01-31
    2 | a,b        |    -0.05 | NULL
    3 | say "hi"   |     NULL | 1970-01-01
    4 | two\nlines |     1.00 | 1970-01-02
    5 |  lead      |     0.00 | 1970-01-03
    6 |            | -1234.56 | 1970-01-04
 NULL | NULL       |     0.07 | 1970-01-05
(7 rows)
`,
	}
	for _, format := range Formats() {
		t.Run(format, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			bs := mixedBatches(t, mem)
			defer releaseAll(bs)
			got := render(t, format, bs[0].Schema(), bs...)
			if got != want[format] {
				t.Errorf("got:\n%s\nwant:\n%s", got, want[format])
			}
		})
	}
}

// TestJSONIsValid parses the JSON and NDJSON outputs back and checks that
// decimals stay exact numbers.
func TestJSONIsValid(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	bs := mixedBatches(t, mem)
	defer releaseAll(bs)

	dec := json.NewDecoder(strings.NewReader(render(t, "json", bs[0].Schema(), bs...)))
	dec.UseNumber()
	var rows []map[string]any
	if err := dec.Decode(&rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != 7 || rows[0]["price"] != json.Number("12.30") || rows[3]["name"] != "two\nlines" || rows[6]["id"] != nil {
		t.Errorf("json read back wrong: %v", rows)
	}
	lines := strings.Split(strings.TrimSuffix(render(t, "ndjson", bs[0].Schema(), bs...), "\n"), "\n")
	if len(lines) != 7 {
		t.Fatalf("ndjson has %d lines, want 7", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || len(m) != 4 {
			t.Errorf("ndjson line %q: %v (%d keys)", l, err, len(m))
		}
	}
}

func TestCSVQuoting(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"", `""`},
		{"a,b", `"a,b"`},
		{`q"q`, `"q""q"`},
		{"cr\rx", "\"cr\rx\""},
		{"lf\nx", "\"lf\nx\""},
		{" lead", `" lead"`},
		{"trail ", `"trail "`},
		{"\ttab", "\"\ttab\""},
		{"in side", "in side"},
		{"semi;colon", "semi;colon"},
	}
	for _, tc := range cases {
		d := &delimited{sep: ','}
		if got := string(d.appendText(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("csv %q: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStreamingFormatsFlushPerBatch checks that the rows of a batch reach
// the underlying writer when Write returns, before End.
func TestStreamingFormatsFlushPerBatch(t *testing.T) {
	for _, format := range []string{"csv", "tsv", "json", "ndjson"} {
		t.Run(format, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			bs := mixedBatches(t, mem)
			defer releaseAll(bs)
			var sb stringsBuilder
			w, _ := New(format, &sb)
			if err := w.Begin(bs[0].Schema()); err != nil {
				t.Fatal(err)
			}
			if err := w.Write(bs[0]); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sb.String(), "plain") || !strings.Contains(sb.String(), "hi") {
				t.Errorf("after the first batch only %q was written", sb.String())
			}
			if strings.Contains(sb.String(), "lead") {
				t.Errorf("second batch written early: %q", sb.String())
			}
			if err := w.Write(bs[1]); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(sb.String(), "lead") {
				t.Errorf("after the second batch only %q was written", sb.String())
			}
			if err := w.End(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestEmptyResult(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: planner.TypeInt}, {Name: "b", Type: planner.TypeString}}, nil)
	want := map[string]string{
		"csv":    "a,b\n",
		"tsv":    "a\tb\n",
		"json":   "[]\n",
		"ndjson": "",
		"table":  " a | b\n---+---\n(0 rows)\n",
	}
	for _, format := range Formats() {
		if got := render(t, format, schema); got != want[format] {
			t.Errorf("%s: got %q, want %q", format, got, want[format])
		}
	}
}

// TestNoColumnsWritesNothing: statements like CREATE or DROP return a
// result without columns, which no format shows.
func TestNoColumnsWritesNothing(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := batchOf(t, mem, nil, nil)
	defer b.Release()
	for _, format := range Formats() {
		if got := render(t, format, arrow.NewSchema(nil, nil), b); got != "" {
			t.Errorf("%s wrote %q", format, got)
		}
	}
}

func TestTableCapsRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b1 := batchOf(t, mem, []string{"n"}, []arrow.DataType{planner.TypeBigInt}, []any{int64(1), int64(22)})
	defer b1.Release()
	b2 := batchOf(t, mem, []string{"n"}, []arrow.DataType{planner.TypeBigInt}, []any{int64(333), int64(4444), int64(55555)})
	defer b2.Release()
	var sb stringsBuilder
	w := NewTable(&sb, 3)
	w.Begin(b1.Schema())
	w.Write(b1)
	w.Write(b2)
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	// Widths come from the kept rows only: 55555 is not among them.
	want := "   n\n-----\n   1\n  22\n 333\n(5 rows, showing the first 3)\n"
	if sb.String() != want {
		t.Errorf("got\n%q\nwant\n%q", sb.String(), want)
	}
}

func TestTableOneRowAndWideCharacters(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := batchOf(t, mem, []string{"größe", "x"}, []arrow.DataType{planner.TypeString, planner.TypeString},
		[]any{"ä\x1bb"}, []any{"tab\there"})
	defer b.Release()
	want := " größe  | x\n--------+-----------\n ä\\x1bb | tab\\there\n(1 row)\n"
	if got := render(t, "table", b.Schema(), b); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestUnknownFormat(t *testing.T) {
	_, err := New("xml", &stringsBuilder{})
	if err == nil {
		t.Fatal("no error for format xml")
	}
	for _, f := range append(Formats(), "xml") {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q does not name %q", err, f)
		}
	}
	if _, err := New("CSV", &stringsBuilder{}); err != nil {
		t.Errorf("format names should be case-insensitive: %v", err)
	}
}

func TestWriteChecksColumns(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := batchOf(t, mem, []string{"a"}, []arrow.DataType{planner.TypeInt}, []any{1})
	defer b.Release()
	two := arrow.NewSchema([]arrow.Field{{Name: "a", Type: planner.TypeInt}, {Name: "b", Type: planner.TypeInt}}, nil)
	for _, format := range Formats() {
		w, _ := New(format, &stringsBuilder{})
		if err := w.Write(b); err == nil {
			t.Errorf("%s: Write before Begin gave no error", format)
		}
		w.Begin(two)
		if err := w.Write(b); err == nil {
			t.Errorf("%s: a batch of 1 column for a schema of 2 gave no error", format)
		}
	}
}

// TestWriterReuse: a Writer renders several results one after the other.
func TestWriterReuse(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := batchOf(t, mem, []string{"a"}, []arrow.DataType{planner.TypeInt}, []any{1})
	defer b.Release()
	want := map[string]string{
		"csv":    "a\n1\na\n1\n",
		"json":   "[\n{\"a\":1}\n]\n[\n{\"a\":1}\n]\n",
		"ndjson": "{\"a\":1}\n{\"a\":1}\n",
		"table":  " a\n---\n 1\n(1 row)\n a\n---\n 1\n(1 row)\n",
	}
	for format, w := range want {
		var sb stringsBuilder
		wr, _ := New(format, &sb)
		for k := 0; k < 2; k++ {
			wr.Begin(b.Schema())
			wr.Write(b)
			wr.End()
		}
		if sb.String() != w {
			t.Errorf("%s: got %q, want %q", format, sb.String(), w)
		}
	}
}

// TestNothingBeforeTheFirstRow: a statement that fails before its first
// batch (Begin, then an error, no End) leaves no header behind.
func TestNothingBeforeTheFirstRow(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "a", Type: planner.TypeInt}}, nil)
	for _, format := range Formats() {
		var sb stringsBuilder
		w, _ := New(format, &sb)
		if err := w.Begin(schema); err != nil {
			t.Fatal(err)
		}
		if sb.String() != "" {
			t.Errorf("%s: Begin wrote %q", format, sb.String())
		}
	}
}
