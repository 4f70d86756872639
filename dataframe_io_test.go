package ember

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestWriteAndReadEachFormat(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	dir := t.TempDir()
	df := people(s)
	for _, format := range []string{"parquet", "csv", "json"} {
		t.Run(format, func(t *testing.T) {
			path := filepath.Join(dir, format)
			w := df.Write()
			write := map[string]func(context.Context, string) error{"parquet": w.Parquet, "csv": w.CSV, "json": w.JSON}[format]
			if err := write(ctx, path); err != nil {
				t.Fatal(err)
			}
			read := map[string]func(...string) *DataFrame{"parquet": s.Read().Parquet, "csv": s.Read().CSV, "json": s.Read().JSON}[format]
			expectRows(t, read(path).OrderBy("Name"), "Alice|1|x", "Bob|2|y", "Charlie|3|x", "Dan|NULL|y")
			// The default mode refuses to overwrite; ignore leaves it; append adds.
			if err := write(ctx, path); err == nil || !strings.Contains(err.Error(), "exists") {
				t.Errorf("second write: %v", err)
			}
			if err := df.Write().Mode("ignore").Parquet(ctx, path); err != nil {
				t.Fatal(err)
			}
			appendW := df.Filter(Col("Age").Eq(1)).Write().Mode("append")
			appendFn := map[string]func(context.Context, string) error{"parquet": appendW.Parquet, "csv": appendW.CSV, "json": appendW.JSON}[format]
			if err := appendFn(ctx, path); err != nil {
				t.Fatal(err)
			}
			expectRows(t, read(path).Agg(Count("*")), "5")
			overW := df.Limit(1).Write().Mode("overwrite")
			overFn := map[string]func(context.Context, string) error{"parquet": overW.Parquet, "csv": overW.CSV, "json": overW.JSON}[format]
			if err := overFn(ctx, path); err != nil {
				t.Fatal(err)
			}
			expectRows(t, read(path).Agg(Count("*")), "1")
		})
	}
	if err := df.Write().Mode("sometimes").Parquet(ctx, filepath.Join(dir, "x")); err == nil {
		t.Error("unknown mode gave no error")
	}
	expectErr(t, s.Read().Parquet(), "no path")
	expectErr(t, s.Read().CSV(filepath.Join(dir, "missing.csv")), "missing.csv")
}

// A write whose query fails leaves nothing behind: no target, no
// temporary files.
func TestFailedWriteLeavesNothing(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	dir := t.TempDir()
	bad := s.Range(0, 100000, 1, 4).Select(Lit(1).Div(Col("id").Sub(99999)).Alias("x"))
	err := bad.Write().Parquet(ctx, filepath.Join(dir, "out"))
	if err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("write error: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("a failed write left %v", entries)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Range(0, 10, 1, 1).Write().CSV(cancelled, filepath.Join(dir, "c")); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled write: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a cancelled write left %v", entries)
	}
}

func TestPartitionedWriteReadsBackPartitionColumns(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "by_team")
	if err := people(s).Write().PartitionBy("Team").Parquet(ctx, path); err != nil {
		t.Fatal(err)
	}
	for _, team := range []string{"Team=x", "Team=y"} {
		if _, err := os.Stat(filepath.Join(path, team)); err != nil {
			t.Errorf("partition directory %s: %v", team, err)
		}
	}
	back := s.Read().Parquet(path)
	if got := strings.Join(back.Columns(), ","); got != "Name,Age,Team" {
		t.Errorf("columns read back: %s", got)
	}
	expectRows(t, back.Filter(Col("Team").Eq("y")).Select("Name").OrderBy("Name"), "Bob", "Dan")
	if err := people(s).Write().PartitionBy("Nope").Parquet(ctx, filepath.Join(t.TempDir(), "p")); err == nil {
		t.Error("partitioning by a missing column gave no error")
	}
}

func TestReaderOptionsAndSchema(t *testing.T) {
	s := newTestSession(t)
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "t.csv")
	if err := os.WriteFile(csvPath, []byte("1;2024-01-02;x\n2;2024-02-03;y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	df := s.Read().Option("header", "false").Option("delimiter", ";").Schema("id INT, day DATE, tag STRING").CSV(csvPath)
	if err := df.Err(); err != nil {
		t.Fatal(err)
	}
	if got := df.SchemaString(); got != "root\n |-- id: int (nullable = true)\n |-- day: date (nullable = true)\n |-- tag: varchar (nullable = true)\n" {
		t.Errorf("schema:\n%s", got)
	}
	expectRows(t, df.Filter(Col("day").Gt(DateLit("2024-01-31"))).Select("id", "tag"), "2|y")
	expectErr(t, s.Read().Schema("id INT").Option("header", "false").Option("delimiter", ";").CSV(csvPath), "schema has 1 columns but the files have 3")
	expectErr(t, s.Read().Schema("id BOGUS").CSV(csvPath), "cannot parse schema")
	expectErr(t, s.Read().Schema(42).CSV(csvPath), "Schema takes")
	expectErr(t, s.Read().Option("colour", "red").CSV(csvPath), "colour")
	// Two paths are one DataFrame.
	expectRows(t, s.Read().Options(map[string]string{"header": "false", "sep": ";"}).CSV(csvPath, csvPath).Agg(Count("*")), "4")
}

func TestCreateDataFrameFromArrowKeepsItsOwnReferences(t *testing.T) {
	s := newTestSession(t)
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	schema := arrow.NewSchema([]arrow.Field{{Name: "v", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBuilder(mem, schema)
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{4, 5, 6}, nil)
	rec := b.NewRecordBatch()
	b.Release()
	df := s.CreateDataFrameFromArrow(rec)
	rec.Release() // the DataFrame holds its own reference
	expectRows(t, df.Agg(Sum("v")), "15")
	s.Close() // releases the DataFrame's data, so mem is back to zero
	expectErr(t, s.CreateDataFrameFromArrow(), "no batches")
}

func TestSessionOptions(t *testing.T) {
	ctx := context.Background()
	s, err := NewSession(ctx, WithAppName("etl"), WithMaster("local[3]"), WithConfigs(map[string]string{"ember.sql.shuffle.partitions": "5"}))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.AppName() != "etl" || s.Conf().Cores != 3 || s.Conf().shufflePartitions() != 5 {
		t.Errorf("options: %q %d %d", s.AppName(), s.Conf().Cores, s.Conf().shufflePartitions())
	}
	for _, bad := range []Option{WithMaster("local[zero]"), WithMaster("spark://h:7077"), WithConfigs(map[string]string{"ember.nope": "1"})} {
		if _, err := NewSession(ctx, bad); err == nil {
			t.Error("a bad option gave no error")
		}
	}
}

func TestRowsScanAndGetters(t *testing.T) {
	s := newTestSession(t)
	ctx := context.Background()
	rows, err := s.SQL("SELECT 7 AS i, CAST(2.5 AS DOUBLE) AS f, 'x' AS s, true AS b, DATE '2024-05-06' AS d, CAST(NULL AS INT) AS n").Rows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if err := rows.Scan(new(int64)); err == nil {
		t.Error("Scan before Next gave no error")
	}
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	var i int64
	var f float64
	var str string
	var b bool
	var d, n any
	if err := rows.Scan(&i, &f, &str, &b, &d, &n); err != nil {
		t.Fatal(err)
	}
	if i != 7 || f != 2.5 || str != "x" || !b || n != nil {
		t.Errorf("scanned %v %v %v %v %v %v", i, f, str, b, d, n)
	}
	if v, err := rows.Float64(0); err != nil || v != 7 {
		t.Errorf("Float64 of an INT: %v %v", v, err)
	}
	if v, err := rows.Time(4); err != nil || v.Format("2006-01-02") != "2024-05-06" {
		t.Errorf("Time: %v %v", v, err)
	}
	if _, err := rows.Bool(2); err == nil {
		t.Error("Bool of a string gave no error")
	}
	if _, err := rows.Int64(9); err == nil {
		t.Error("a column out of range gave no error")
	}
	if rows.Next() {
		t.Error("a second row")
	}
}
