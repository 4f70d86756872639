package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/sql"
)

// runScriptLocally runs script with runStatements in a local session.
func runScriptLocally(t *testing.T, script string) (path string, rows int64, err error) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	ctx := context.Background()
	sess, err := ember.NewSession(ctx, ember.WithMaster("local[2]"), ember.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	stmts, err := sql.Split(script)
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(t.TempDir(), "result.parquet.tmp")
	rows, err = runStatements(ctx, sess, stmts, path, mem)
	return path, rows, err
}

func TestRunStatements(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		want   []int64 // nil: no result file
	}{
		{"one select", "SELECT CAST(v AS BIGINT) AS x FROM (VALUES (3), (1)) AS t(v) ORDER BY x", []int64{1, 3}},
		// The first SELECT would fail if it ran (a division by zero): a
		// later SELECT replaces it, so it is only bound.
		{"replaced select is not run", "SELECT a / 0 AS x FROM (VALUES (1)) AS t(a);\nSELECT CAST(2 AS BIGINT) AS x", []int64{2}},
		// DDL after the last SELECT: the SELECT is still the result.
		{"select then ddl", "SELECT CAST(7 AS BIGINT) AS x;\nCREATE VIEW v AS SELECT 1 AS a;\nDROP VIEW v", []int64{7}},
		{"view then select", "CREATE VIEW v AS SELECT CAST(5 AS BIGINT) AS x;\nSELECT x FROM v", []int64{5}},
		{"no rows", "CREATE VIEW v AS SELECT 1 AS a", nil},
		{"empty select", "SELECT CAST(1 AS BIGINT) AS x WHERE false", []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, rows, err := runScriptLocally(t, tc.script)
			if err != nil {
				t.Fatal(err)
			}
			if rows != int64(len(tc.want)) {
				t.Errorf("%d rows, want %d", rows, len(tc.want))
			}
			_, statErr := os.Stat(path)
			if tc.want == nil {
				if !os.IsNotExist(statErr) {
					t.Errorf("a script without rows wrote a result: %v", statErr)
				}
				return
			}
			if got := readInts(t, path); !slices.Equal(got, tc.want) && !(len(got) == 0 && len(tc.want) == 0) {
				t.Errorf("result %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRunStatementsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, script string
		prefix       string
		permanent    bool
	}{
		{"unknown column in a replaced select", "SELECT nope FROM (VALUES (1)) AS t(a);\nSELECT 1", "statement 1: line 1:8:", true},
		{"unknown table", "CREATE VIEW v AS SELECT 1 AS a;\n\n  SELECT * FROM missing", "statement 2: line 3:17:", true},
		// The values cause it, so every attempt would fail the same way.
		{"division by zero while streaming", "SELECT a / 0 AS x FROM (VALUES (1)) AS t(a)", "statement 1 (line 1): ", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, _, err := runScriptLocally(t, tc.script)
			if err == nil || !strings.HasPrefix(err.Error(), tc.prefix) {
				t.Fatalf("error %v, want one starting %q", err, tc.prefix)
			}
			if IsPermanent(err) != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v (%v)", IsPermanent(err), tc.permanent, err)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a failed script left a result: %v", err)
			}
		})
	}
}

func TestSurelyReturnsRows(t *testing.T) {
	for text, want := range map[string]bool{
		"SELECT 1":                             true,
		"select\n1":                            true,
		"(SELECT 1) UNION (SELECT 2)":          true,
		"VALUES (1)":                           true,
		"TABLE t":                              true,
		"EXPLAIN SELECT 1":                     true,
		"SHOW TABLES":                          true,
		"DESCRIBE t":                           true,
		"desc t":                               true,
		"WITH x AS (SELECT 1) SELECT * FROM x": false,
		"CREATE VIEW v AS SELECT 1":            false,
		"INSERT INTO t VALUES (1)":             false,
		"DROP TABLE t":                         false,
		"SELECTED":                             false,
	} {
		if got := surelyReturnsRows(text); got != want {
			t.Errorf("surelyReturnsRows(%q) = %v", text, got)
		}
	}
}

func TestPermanent(t *testing.T) {
	base := errors.New("bad")
	p := Permanent(base)
	if !IsPermanent(p) || !errors.Is(p, base) || p.Error() != "bad" {
		t.Errorf("Permanent(%v) = %v", base, p)
	}
	if wrapped := errors.Join(errors.New("context"), p); !IsPermanent(wrapped) {
		t.Error("a wrapped permanent error is not permanent")
	}
	if IsPermanent(base) || Permanent(nil) != nil || Permanent(p) != p {
		t.Error("Permanent marks what it should not")
	}
}
