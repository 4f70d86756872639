package ember

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/exec/eval"
	"github.com/ember-sql/ember/sql"
)

// TestSQLLogic runs the sqllogictest files in testdata/slt. Each file runs
// in a fresh session with the TPC-H SF 0.01 tables registered. Records:
//
//	statement ok            the statement on the following lines succeeds
//	statement error <re>    it fails with an error matching the regexp
//	query <types> [rowsort] the query's rows, after "----", one row per
//	                        line, values separated by single spaces, NULL
//	                        as NULL, the empty string as (empty)
//
// Records are separated by blank lines; lines starting with # are comments.
// Types are one letter per column (I integer, R float, T text, D decimal,
// B boolean), checked against the result's column count.
func TestSQLLogic(t *testing.T) {
	files, err := filepath.Glob("testdata/slt/*.slt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no .slt files found: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".slt"), func(t *testing.T) { runSLTFile(t, f) })
	}
}

type sltRecord struct {
	line    int
	kind    string // "statement" or "query"
	wantErr string // statement error: the pattern; "" for ok
	isErr   bool
	types   string
	rowsort bool
	sql     string
	want    []string
}

func runSLTFile(t *testing.T, path string) {
	records, err := parseSLT(path)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	ctx := context.Background()
	s, err := NewSession(ctx, WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	registerTPCH(t, s, "testdata/tpch/sf0.01")
	for _, r := range records {
		got, err := runSLTStatement(ctx, s, r.sql)
		where := fmt.Sprintf("%s:%d", path, r.line)
		switch {
		case r.isErr:
			if err == nil {
				t.Errorf("%s: expected an error matching %q, statement succeeded:\n%s", where, r.wantErr, r.sql)
				continue
			}
			if ok, _ := regexp.MatchString(r.wantErr, err.Error()); !ok {
				t.Errorf("%s: error %q does not match %q", where, err, r.wantErr)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Errorf("%s: an internal error is not a user error: %v", where, err)
			}
		case err != nil:
			t.Errorf("%s: %v\n%s", where, err, r.sql)
		case r.kind == "query":
			rows := got[1:]
			if r.rowsort {
				sort.Strings(rows)
			}
			if strings.Count(got[0], "\t")+1 != len(r.types) {
				t.Errorf("%s: query has %d columns, record says %d (%s)", where, strings.Count(got[0], "\t")+1, len(r.types), r.types)
			}
			if strings.Join(rows, "\n") != strings.Join(r.want, "\n") {
				t.Errorf("%s: wrong result for\n%s\ngot:\n%s\nwant:\n%s", where, r.sql, strings.Join(rows, "\n"), strings.Join(r.want, "\n"))
			}
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := mem.CurrentAlloc(); n != 0 {
		t.Errorf("%s: %d bytes left allocated", path, n)
	}
}

// runSLTStatement runs one statement; for results with columns it returns
// a header line (names joined by tabs) then one line per row.
func runSLTStatement(ctx context.Context, s *Session, text string) ([]string, error) {
	res, err := s.Execute(ctx, sql.Source{Text: text, Line: 1, Col: 1})
	if err != nil {
		return nil, err
	}
	rows, err := resultStrings(ctx, res, sltValue)
	if err != nil {
		return nil, err
	}
	out := []string{strings.Join(rows[0], "\t")}
	for _, r := range rows[1:] {
		out = append(out, strings.Join(r, " "))
	}
	return out, nil
}

func sltValue(arr arrow.Array, i int) string {
	if arr.IsNull(i) {
		return "NULL"
	}
	if f, ok := eval.ValueAt(arr, i).(float64); ok {
		return strconv.FormatFloat(f, 'g', 12, 64)
	}
	s := cellText(arr, i)
	if s == "" {
		return "(empty)"
	}
	return s
}

func parseSLT(path string) ([]sltRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var records []sltRecord
	sc := bufio.NewScanner(f)
	lineNo := 0
	var cur *sltRecord
	inResults := false
	flush := func() {
		if cur != nil {
			cur.sql = strings.TrimSpace(cur.sql)
			records = append(records, *cur)
		}
		cur, inResults = nil, false
	}
	for sc.Scan() {
		lineNo++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && (trimmed == "" || strings.HasPrefix(trimmed, "#")):
			continue
		case cur == nil:
			fields := strings.Fields(trimmed)
			r := sltRecord{line: lineNo, kind: fields[0]}
			switch fields[0] {
			case "statement":
				if len(fields) < 2 {
					return nil, fmt.Errorf("%s:%d: statement needs ok or error", path, lineNo)
				}
				if fields[1] == "error" {
					r.isErr = true
					r.wantErr = strings.TrimSpace(strings.TrimPrefix(trimmed, "statement error"))
				}
			case "query":
				if len(fields) < 2 {
					return nil, fmt.Errorf("%s:%d: query needs column types", path, lineNo)
				}
				r.types = fields[1]
				r.rowsort = len(fields) > 2 && fields[2] == "rowsort"
			default:
				return nil, fmt.Errorf("%s:%d: unknown record %q", path, lineNo, fields[0])
			}
			cur = &r
		case trimmed == "":
			flush()
		case cur.kind == "query" && trimmed == "----":
			inResults = true
		case inResults:
			cur.want = append(cur.want, trimmed)
		default:
			cur.sql += line + "\n"
		}
	}
	flush()
	return records, sc.Err()
}
