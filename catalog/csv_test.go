package catalog

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// openCSVText writes text to a CSV file in a temporary directory and opens
// it as a table.
func openCSVText(t *testing.T, text string, opts map[string]string) (*CSVTable, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.csv")
	writeFile(t, path, text)
	tbl, err := OpenFiles(context.Background(), "", path, opts)
	if err != nil {
		t.Fatal(err)
	}
	return tbl.(*CSVTable), path
}

// schemaString renders a schema as "name:type,...".
func schemaString(s *arrow.Schema) string {
	var parts []string
	for _, f := range s.Fields() {
		parts = append(parts, f.Name+":"+sqlTypeName(f.Type))
	}
	return strings.Join(parts, ",")
}

func allColumns(s *arrow.Schema) ScanRequest {
	var req ScanRequest
	for i := range s.NumFields() {
		req.Columns = append(req.Columns, i)
	}
	return req
}

// csvRows reads all of tbl as rendered rows joined by "|".
func csvRows(t *testing.T, tbl Table, batchSize int) []string {
	t.Helper()
	mem := newMem(t)
	bs := readAll(t, tbl, allColumns(tbl.Schema()), mem, batchSize)
	defer releaseBatches(bs)
	var out []string
	for _, r := range render(bs) {
		out = append(out, strings.Join(r, "|"))
	}
	return out
}

func TestCSVInference(t *testing.T) {
	cases := []struct {
		name, text, schema string
		rows               []string
	}{
		{
			name: "first row misleads",
			text: "a,b,c,d\n1,1,x,true\n1.5,3000000000,2,FALSE\n",
			// a: 1 then 1.5; b: fits INT then not; c: text then a number.
			schema: "a:DOUBLE,b:BIGINT,c:VARCHAR,d:BOOLEAN",
			rows:   []string{"1|1|x|true", "1.5|3000000000|2|false"},
		},
		{
			name:   "dates and timestamps",
			text:   "d,ts,mix\n2024-02-29,2024-01-02T03:04:05,2024-01-01\n1969-12-31,2024-01-02 03:04:05.123456Z,2024-01-01T10:00:00\n",
			schema: "d:DATE,ts:TIMESTAMP,mix:TIMESTAMP",
			rows: []string{
				"2024-02-29|2024-01-02T03:04:05|2024-01-01T00:00:00",
				"1969-12-31|2024-01-02T03:04:05.123456|2024-01-01T10:00:00",
			},
		},
		{
			name:   "empty fields are NULL and do not decide",
			text:   "i,s,e\n,x,\n7,,\n",
			schema: "i:INT,s:VARCHAR,e:VARCHAR",
			rows:   []string{"(null)|x|(null)", "7|(null)|(null)"},
		},
		{
			name:   "numbers with signs and exponents",
			text:   "i,f\n-5,1e3\n+6,-2.5E-1\n",
			schema: "i:INT,f:DOUBLE",
			rows:   []string{"-5|1000", "6|-0.25"},
		},
		{
			name:   "not numbers",
			text:   "h,u,t\n0x10,1_000,2024-13-01\n",
			schema: "h:VARCHAR,u:VARCHAR,t:VARCHAR",
			rows:   []string{"0x10|1_000|2024-13-01"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tbl, _ := openCSVText(t, c.text, nil)
			if got := schemaString(tbl.Schema()); got != c.schema {
				t.Fatalf("schema %s, want %s", got, c.schema)
			}
			got := csvRows(t, tbl, 100)
			if strings.Join(got, "\n") != strings.Join(c.rows, "\n") {
				t.Fatalf("rows\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.rows, "\n"))
			}
		})
	}
}

func TestCSVOptions(t *testing.T) {
	text := "1;x\n2;NA\n;\"NA\"\n"
	cases := []struct {
		name   string
		opts   map[string]string
		schema string
		rows   []string
	}{
		{"no header", map[string]string{"header": "false", "SEP": ";"}, "_c0:INT,_c1:VARCHAR",
			[]string{"1|x", "2|NA", `(null)|NA`}},
		{"null value", map[string]string{"header": "false", "delimiter": ";", "nullValue": "NA"}, "_c0:INT,_c1:VARCHAR",
			// An unquoted NA is NULL, a quoted one is text; an unquoted empty
			// field is NULL for numbers, an empty string for VARCHAR.
			[]string{"1|x", "2|(null)", "(null)|NA"}},
		{"no inference", map[string]string{"header": "false", "sep": ";", "inferSchema": "false"}, "_c0:VARCHAR,_c1:VARCHAR",
			[]string{"1|x", "2|NA", "(null)|NA"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tbl, _ := openCSVText(t, text, c.opts)
			if got := schemaString(tbl.Schema()); got != c.schema {
				t.Fatalf("schema %s, want %s", got, c.schema)
			}
			if got := csvRows(t, tbl, 100); strings.Join(got, "\n") != strings.Join(c.rows, "\n") {
				t.Fatalf("rows %q, want %q", got, c.rows)
			}
		})
	}
	// The empty string of a VARCHAR column with a null value set.
	tbl, _ := openCSVText(t, "a,b\nx,\n", map[string]string{"nullValue": "NA"})
	mem := newMem(t)
	bs := readAll(t, tbl, ScanRequest{Columns: []int{1}}, mem, 10)
	defer releaseBatches(bs)
	if c := bs[0].Column(0); c.IsNull(0) || c.ValueStr(0) != "" {
		t.Fatalf("got %v", c)
	}
}

func TestCSVQuoting(t *testing.T) {
	text := "id,text,n\r\n" +
		"1,\"a,b\",10\r\n" +
		"2,\"say \"\"hi\"\"\",20\r\n" +
		"\r\n" + // empty lines are skipped
		"3,\"two\nlines\",30\r\n" +
		"4,\"\",\r\n" + // quoted empty: an empty string, not NULL
		"5,,\"40\"\r\n" + // a quoted number is a number
		"6,x\"y,50" // no final line break; a quote inside a field is literal
	tbl, _ := openCSVText(t, text, nil)
	if got := schemaString(tbl.Schema()); got != "id:INT,text:VARCHAR,n:INT" {
		t.Fatalf("schema %s", got)
	}
	want := []string{"1|a,b|10", `2|say "hi"|20`, "3|two\nlines|30", "4||(null)", "5|(null)|40", `6|x"y|50`}
	for _, bs := range []int{1, 2, 100} {
		if got := csvRows(t, tbl, bs); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("batch %d: rows %q, want %q", bs, got, want)
		}
	}
}

func TestCSVErrors(t *testing.T) {
	ctx := context.Background()
	big := strings.Repeat("1,2\n", inferMaxRows+5)
	cases := []struct {
		name, text string
		opts       map[string]string
		atOpen     bool
		err        string // after the path
	}{
		{name: "short row", text: "a,b,c\n1,2,3\n\"x\ny\",2,3\n4,5\n", err: ": line 5: expected 3 fields, got 2", atOpen: true},
		{name: "short row beyond the sample", text: "a,b\n" + big + "4\n", err: fmt.Sprintf(": line %d: expected 2 fields, got 1", inferMaxRows+7)},
		{name: "long row", text: "a,b\n1,2\n1,2,3\n", err: ": line 3: expected 2 fields, got 3", atOpen: true},
		{name: "bad value beyond the sample", text: "a,b\n" + big + "x,7\n", err: fmt.Sprintf(`: line %d: column a: cannot read "x" as INT`, inferMaxRows+7)},
		{name: "int overflow beyond the sample", text: "a,b\n" + big + "1,99999999999\n", err: fmt.Sprintf(`: line %d: column b: cannot read "99999999999" as INT`, inferMaxRows+7)},
		{name: "unclosed quote", text: "a,b\n1,\"abc\n2,3\n", err: ": line 2: quoted field is not closed", atOpen: true},
		{name: "text after quote", text: "a,b\n1,\"abc\"d\n", err: `: line 2: unexpected 'd' after the closing quote of field 2`, atOpen: true},
		{name: "empty file", text: "", err: ": CSV file is empty", atOpen: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.csv")
			writeFile(t, path, c.text)
			tbl, err := OpenFiles(ctx, "", path, c.opts)
			if c.atOpen {
				if err == nil || !strings.Contains(err.Error(), path+c.err) {
					t.Fatalf("err = %v, want %q", err, path+c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mem := newMem(t)
			bs, err := tryReadAll(tbl, allColumns(tbl.Schema()), mem, 1000)
			releaseBatches(bs)
			if err == nil || !strings.Contains(err.Error(), path+c.err) {
				t.Fatalf("err = %v, want %q", err, path+c.err)
			}
		})
	}
}

func TestCSVHeaderOnlyAndProjection(t *testing.T) {
	tbl, _ := openCSVText(t, "x,y,x,\n", nil)
	if got := schemaString(tbl.Schema()); got != "x0:VARCHAR,y:VARCHAR,x2:VARCHAR,_c3:VARCHAR" {
		t.Fatalf("schema %s", got)
	}
	if rows := csvRows(t, tbl, 10); len(rows) != 0 {
		t.Fatalf("rows %v", rows)
	}

	var sb strings.Builder
	sb.WriteString("a,b,c\n")
	for i := range 1000 {
		fmt.Fprintf(&sb, "%d,s%d,%d.5\n", i, i, i)
	}
	tbl, _ = openCSVText(t, sb.String(), nil)
	mem := newMem(t)
	bs := readAll(t, tbl, ScanRequest{Columns: []int{2, 0}}, mem, 300)
	defer releaseBatches(bs)
	if len(bs) != 4 || bs[0].NumRows() != 300 || bs[3].NumRows() != 100 {
		t.Fatalf("%d batches", len(bs))
	}
	rows := render(bs)
	if strings.Join(rows[999], "|") != "999.5|999" || bs[0].Schema().Field(0).Name != "c" {
		t.Fatalf("last row %v", rows[999])
	}
	counts := readAll(t, tbl, ScanRequest{}, mem, 300)
	defer releaseBatches(counts)
	if totalRows(counts) != 1000 || counts[0].NumCols() != 0 {
		t.Fatalf("count %d", totalRows(counts))
	}
}

func TestCSVManyFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.csv"), "k,v\n1,2\n")
	writeFile(t, filepath.Join(dir, "b.csv"), "k,v\n3,4.5\n")
	writeFile(t, filepath.Join(dir, "c.csv"), "") // empty files are skipped
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("\xEF\xBB\xBFk,v\n5,6\n")) // with a byte order mark
	zw.Close()
	writeFile(t, filepath.Join(dir, "d.csv.gz"), gz.String())
	tbl, err := OpenFiles(context.Background(), "", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	// v is INT in a.csv, DOUBLE in b.csv: the table takes DOUBLE.
	if got := schemaString(tbl.Schema()); got != "k:INT,v:DOUBLE" {
		t.Fatalf("schema %s", got)
	}
	splits, _ := tbl.Splits(context.Background(), ScanRequest{})
	if len(splits) != 3 {
		t.Fatalf("%d splits", len(splits))
	}
	if got := csvRows(t, tbl, 10); strings.Join(got, ",") != "1|2,3|4.5,5|6" {
		t.Fatalf("rows %v", got)
	}

	writeFile(t, filepath.Join(dir, "e.csv"), "k,w\n1,2\n")
	_, err = OpenFiles(context.Background(), "", dir, nil)
	if want := filepath.Join(dir, "e.csv") + `: column 2 is "w"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("err = %v, want %q", err, want)
	}
}

func TestCSVTabSeparated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.tsv")
	writeFile(t, path, "a\tb\n1\tx y\n")
	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := csvRows(t, tbl, 10); len(got) != 1 || got[0] != "1|x y" {
		t.Fatalf("rows %v", got)
	}
}

func TestCSVLongLines(t *testing.T) {
	long := strings.Repeat("z", textBufferSize*2+17)
	tbl, _ := openCSVText(t, "a,b\n"+long+",1\n\""+long+"\n"+long+"\",2\n", nil)
	got := csvRows(t, tbl, 10)
	if len(got) != 2 || got[0] != long+"|1" || got[1] != long+"\n"+long+"|2" {
		t.Fatalf("long lines misread (%d rows)", len(got))
	}
}

func TestCSVValueParsers(t *testing.T) {
	ints := map[string]bool{"0": true, "-0": true, "007": true, "9223372036854775807": true, "-9223372036854775808": true,
		"9223372036854775808": false, "": false, "-": false, "1.0": false, " 1": false, "00000000000000000000001": true}
	for s, ok := range ints {
		if _, got := parseInt64([]byte(s)); got != ok {
			t.Errorf("parseInt64(%q) ok = %v", s, got)
		}
	}
	floats := map[string]bool{"1": true, "-1.5e10": true, "NaN": true, "-Inf": true, "Infinity": true, "0x1p3": false,
		"1_0": false, "1e999": false, ".": false, "e": false, "inf": false}
	for s, ok := range floats {
		if _, got := parseFloat64([]byte(s)); got != ok {
			t.Errorf("parseFloat64(%q) ok = %v", s, got)
		}
	}
	dates := map[string]int32{"1970-01-01": 0, "2000-03-01": 11017, "1969-12-31": -1, "0001-01-01": -719162}
	for s, want := range dates {
		if got, ok := parseDate([]byte(s)); !ok || got != want {
			t.Errorf("parseDate(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"2023-02-29", "2024-04-31", "2024-1-01", "2024-01-01x", "20240101"} {
		if _, ok := parseDate([]byte(s)); ok {
			t.Errorf("parseDate(%q) ok", s)
		}
	}
	stamps := map[string]int64{
		"1970-01-01T00:00:00":         0,
		"1970-01-01 00:00:01.5":       1_500_000,
		"1970-01-01T00:00":            0,
		"1970-01-01T01:00:00+01:00":   0,
		"1970-01-01T00:00:00-0130":    5_400_000_000,
		"1970-01-01T00:00:00.0000019": 1,
		"1969-12-31T23:59:59.999999Z": -1,
		"2000-01-01":                  946_684_800_000_000,
	}
	for s, want := range stamps {
		if got, ok := parseTimestamp([]byte(s)); !ok || got != want {
			t.Errorf("parseTimestamp(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	for _, s := range []string{"1970-01-01T24:00:00", "1970-01-01T00:00:00.", "1970-01-01T00:00:00+", "1970-01-01X00:00", "1970-01-01T00:00:00.1234567890"} {
		if _, ok := parseTimestamp([]byte(s)); ok {
			t.Errorf("parseTimestamp(%q) ok", s)
		}
	}
}

// FuzzCSV feeds arbitrary text to schema inference and the reader: they
// may fail, but must not panic nor leak.
func FuzzCSV(f *testing.F) {
	f.Add([]byte("a,b\n1,2\n"), false)
	f.Add([]byte("a,\"b\nc\",d\n\"\"\"\",1,2.5\n"), true)
	f.Add([]byte("\"unclosed\n1,2"), false)
	f.Add([]byte("x\r\n\r\n2024-01-01\r\n"), true)
	f.Add([]byte("\xEF\xBB\xBF,,,\n,,\n"), false)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, header bool) {
		path := filepath.Join(dir, "fuzz.csv")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tbl, err := OpenFiles(context.Background(), FormatCSV, path, map[string]string{"header": fmt.Sprint(header)})
		if err != nil {
			return
		}
		mem := newMem(t)
		for _, bs := range []int{1, 3} {
			batches, err := tryReadAll(tbl, allColumns(tbl.Schema()), mem, bs)
			releaseBatches(batches)
			if err != nil && !strings.Contains(err.Error(), path) {
				t.Fatalf("error without the path: %v", err)
			}
		}
	})
}

// BenchmarkCSV reads 200,000 rows of an integer, a double, a string and a
// date column.
func BenchmarkCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,price,comment,day\n")
	for i := range 200_000 {
		fmt.Fprintf(&sb, "%d,%d.%02d,\"comment, number %d\",199%d-0%d-1%d\n", i, i%1000, i%100, i, i%10, 1+i%9, i%10)
	}
	path := filepath.Join(b.TempDir(), "bench.csv")
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		b.Fatal(err)
	}
	if got := schemaString(tbl.Schema()); got != "id:INT,price:DOUBLE,comment:VARCHAR,day:DATE" {
		b.Fatalf("schema %s", got)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(b, 0)
	b.SetBytes(int64(sb.Len()))
	b.ResetTimer()
	for range b.N {
		bs, err := tryReadAll(tbl, allColumns(tbl.Schema()), mem, 64<<10)
		if err != nil {
			b.Fatal(err)
		}
		releaseBatches(bs)
	}
}
