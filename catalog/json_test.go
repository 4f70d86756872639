package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func openJSONText(t *testing.T, text string) (Table, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "t.ndjson")
	writeFile(t, path, text)
	tbl, err := OpenFiles(context.Background(), "", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tbl, path
}

func TestJSONInferenceAndValues(t *testing.T) {
	text := `{"id": 1, "name": "a\"b\\c\u00e9\ud83d\ude00", "price": 1, "ok": true, "tags": ["x", {"y": null}]}` + "\n" +
		"\n" + // blank lines are skipped
		`  {"price": 2.5, "id": 2, "extra": null, "ok": false, "obj": {"k": [1, 2]}}  ` + "\r\n" +
		`{"id": 3, "mixed": 1}` + "\n" +
		`{"id": 4, "mixed": "one", "name": null}` + "\n" +
		`{}` + "\n"
	tbl, _ := openJSONText(t, text)
	// Keys in first-seen order; a key seen only with null is VARCHAR;
	// numbers and strings mix into VARCHAR.
	want := "id:BIGINT,name:VARCHAR,price:DOUBLE,ok:BOOLEAN,tags:VARCHAR,extra:VARCHAR,obj:VARCHAR,mixed:VARCHAR"
	if got := schemaString(tbl.Schema()); got != want {
		t.Fatalf("schema %s, want %s", got, want)
	}
	rows := []string{
		`1|a"b\cé😀|1|true|["x", {"y": null}]|(null)|(null)|(null)`,
		`2|(null)|2.5|false|(null)|(null)|{"k": [1, 2]}|(null)`,
		`3|(null)|(null)|(null)|(null)|(null)|(null)|1`,
		`4|(null)|(null)|(null)|(null)|(null)|(null)|one`,
		`(null)|(null)|(null)|(null)|(null)|(null)|(null)|(null)`,
	}
	for _, bs := range []int{1, 2, 100} {
		if got := csvRows(t, tbl, bs); strings.Join(got, "\n") != strings.Join(rows, "\n") {
			t.Fatalf("batch %d: rows\n%s\nwant\n%s", bs, strings.Join(got, "\n"), strings.Join(rows, "\n"))
		}
	}

	// Projection, repeated columns, and counting.
	mem := newMem(t)
	bs := readAll(t, tbl, ScanRequest{Columns: []int{7, 0, 7}}, mem, 3)
	defer releaseBatches(bs)
	if r := render(bs); len(r) != 5 || strings.Join(r[3], "|") != "one|4|one" {
		t.Fatalf("projected rows %v", r)
	}
	counts := readAll(t, tbl, ScanRequest{}, mem, 2)
	defer releaseBatches(counts)
	if totalRows(counts) != 5 {
		t.Fatalf("count %d", totalRows(counts))
	}
}

func TestJSONNumbers(t *testing.T) {
	tbl, _ := openJSONText(t, `{"i": -9223372036854775808, "big": 9223372036854775808, "e": 1e2}`+"\n")
	if got := schemaString(tbl.Schema()); got != "i:BIGINT,big:DOUBLE,e:DOUBLE" {
		t.Fatalf("schema %s", got)
	}
	if got := csvRows(t, tbl, 10); got[0] != "-9223372036854775808|9.223372036854776e+18|100" {
		t.Fatalf("rows %v", got)
	}
}

func TestJSONErrors(t *testing.T) {
	many := strings.Repeat(`{"a": 1, "b": true}`+"\n", inferMaxRows+3)
	cases := []struct {
		name, text string
		atOpen     bool
		err        string
	}{
		{name: "malformed", text: "{\"a\": 1}\n{\"a\": }\n", atOpen: true, err: ": line 2: malformed JSON: column 7: expected a value"},
		{name: "not an object", text: "[1, 2]\n", atOpen: true, err: ": line 1: malformed JSON: column 1: expected a JSON object"},
		{name: "trailing text", text: "{\"a\": 1} x\n", atOpen: true, err: ": line 1: malformed JSON: column 10: unexpected text after the object"},
		{name: "bad escape", text: "{\"a\": \"\\x\"}\n", atOpen: true, err: "bad escape"},
		{name: "unclosed", text: "{\"a\": [1, 2\n", atOpen: true, err: "value is not closed"},
		{name: "no keys", text: "{}\n\n", atOpen: true, err: ": no JSON object with keys found"},
		{name: "malformed beyond the sample", text: many + "{\"a\": 1,}\n", err: fmt.Sprintf(": line %d: malformed JSON", inferMaxRows+4)},
		{name: "type beyond the sample", text: many + "{\"a\": 1.5}\n", err: fmt.Sprintf(": line %d: column a: cannot read 1.5 as BIGINT", inferMaxRows+4)},
		{name: "bool beyond the sample", text: many + "{\"b\": \"yes\"}\n", err: `column b: cannot read "yes" as BOOLEAN`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.json")
			writeFile(t, path, c.text)
			tbl, err := OpenFiles(context.Background(), "", path, nil)
			if c.atOpen {
				if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			mem := newMem(t)
			bs, err := tryReadAll(tbl, allColumns(tbl.Schema()), mem, 100)
			releaseBatches(bs)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("err = %v, want %q", err, c.err)
			}
		})
	}
}

func TestJSONManyFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a.json"), `{"k": 1}`+"\n")
	writeFile(t, filepath.Join(dir, "sub/b.jsonl"), `{"v": "x", "k": 2.5}`+"\n")
	tbl, err := OpenFiles(context.Background(), "", filepath.Join(dir, "**"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := schemaString(tbl.Schema()); got != "k:DOUBLE,v:VARCHAR" {
		t.Fatalf("schema %s", got)
	}
	if got := csvRows(t, tbl, 10); strings.Join(got, ",") != "1|(null),2.5|x" {
		t.Fatalf("rows %v", got)
	}
}

// FuzzJSON checks that no line makes the JSON reader panic or leak.
func FuzzJSON(f *testing.F) {
	f.Add([]byte(`{"a": 1, "b": [1, {"c": "\u00e9"}], "d": null}` + "\n" + `{"a": "x"}`))
	f.Add([]byte(`{"a": "\ud800"}`))
	f.Add([]byte(`{"a": -0.5e+3, "b": tru}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "fuzz.json")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		tbl, err := OpenFiles(context.Background(), FormatJSON, path, nil)
		if err != nil {
			return
		}
		mem := newMem(t)
		batches, err := tryReadAll(tbl, allColumns(tbl.Schema()), mem, 2)
		releaseBatches(batches)
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Fatalf("error without the path: %v", err)
		}
	})
}
