package ember

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/planner"
	"github.com/ember-sql/ember/tpch"
)

// TestTPCH runs the 22 TPC-H queries over the SF 0.01 data in testdata and
// compares each result with the official answer, by the rules of the
// answers' README: same columns and rows, integers and text exactly, other
// numbers within a relative 1e-6 or an absolute 0.005, rows in order (every
// query orders its rows completely).
//
// EMBER_TPCH_DATA and EMBER_TPCH_ANSWERS point the test at another scale
// factor's data and answers (for example ../shared/tpch/sf0.1).
func TestTPCH(t *testing.T) {
	dataDir, answerDir := "testdata/tpch/sf0.01", "testdata/tpch/answers/sf0.01"
	if d := os.Getenv("EMBER_TPCH_DATA"); d != "" {
		dataDir, answerDir = d, os.Getenv("EMBER_TPCH_ANSWERS")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	ctx := context.Background()
	s, err := NewSession(ctx, WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	registerTPCH(t, s, dataDir)
	for q := 1; q <= 22; q++ {
		name := fmt.Sprintf("q%02d", q)
		t.Run(name, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join("tpch/queries", name+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			got, err := queryStrings(ctx, s, string(text))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			t.Logf("%s: %d rows in %s", name, len(got)-1, time.Since(start))
			want := readAnswer(t, filepath.Join(answerDir, name+".csv"))
			if err := compareAnswer(got, want); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		})
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := mem.CurrentAlloc(); n != 0 {
		t.Fatalf("%d bytes left allocated after the TPC-H queries", n)
	}
}

func registerTPCH(t testing.TB, s *Session, dir string) {
	t.Helper()
	// Tables are NAME.parquet or, for large ones, a folder NAME/ of parts
	// (as ember gen tpch writes them).
	found, err := catalog.DiscoverTables(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"} {
		path, ok := found[name]
		if !ok {
			t.Fatalf("no table %s in %s", name, dir)
		}
		if err := s.RegisterPath(context.Background(), name, path); err != nil {
			t.Fatal(err)
		}
	}
}

// queryStrings runs a query and returns its header and rows as text.
func queryStrings(ctx context.Context, s *Session, text string) ([][]string, error) {
	res, err := s.Query(ctx, text)
	if err != nil {
		return nil, err
	}
	return resultStrings(ctx, res, cellText)
}

// resultStrings reads a result to the end, closes it, and returns its
// header then one row per result row, each cell rendered by cell.
func resultStrings(ctx context.Context, res *Result, cell func(arrow.Array, int) string) ([][]string, error) {
	defer res.Close()
	var header []string
	for _, f := range res.Schema().Fields() {
		header = append(header, f.Name)
	}
	out := [][]string{header}
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		for r := 0; r < int(b.NumRows()); r++ {
			row := make([]string, b.NumCols())
			for c := 0; c < int(b.NumCols()); c++ {
				row[c] = cell(b.Column(c), r)
			}
			out = append(out, row)
		}
		b.Release()
	}
}

func cellText(arr arrow.Array, i int) string {
	v := eval.ValueAt(arr, i)
	switch v := v.(type) {
	case nil:
		return ""
	case decimal128.Num:
		return planner.FormatDecimal(v, arr.DataType().(*arrow.Decimal128Type).Scale)
	case arrow.Date32:
		return planner.FormatDate(v)
	case arrow.Timestamp:
		return planner.FormatTimestamp(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// readAnswer reads an answer file as its header then its rows.
func readAnswer(t testing.TB, path string) [][]string {
	t.Helper()
	a, err := tpch.ReadAnswer(path)
	if err != nil {
		t.Fatal(err)
	}
	return append([][]string{a.Columns}, a.Rows...)
}

// compareAnswer applies the comparison rules of the TPC-H answers (see
// tpch.Compare) to two tables given as their header then their rows.
func compareAnswer(got, want [][]string) error {
	if len(got) == 0 || len(want) == 0 {
		return fmt.Errorf("missing header")
	}
	return tpch.Compare(tpch.Table{Columns: got[0], Rows: got[1:]}, tpch.Table{Columns: want[0], Rows: want[1:]})
}
