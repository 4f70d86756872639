package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// emberBin is the ember binary built once for the tests, which run it as a
// user would.
var emberBin string

// tpchDir is the small TPC-H data set of the repository.
var tpchDir = filepath.Join("..", "..", "testdata", "tpch")

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ember-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	emberBin = filepath.Join(dir, "ember")
	build := exec.Command("go", "build", "-o", emberBin, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building ember:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary did.
type result struct {
	stdout, stderr string
	code           int
}

// runEmber runs the binary with the given standard input (none if empty)
// and arguments, with a fresh HOME, and fails the test if it hangs.
func runEmber(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, emberBin, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("ember %q hung; stderr:\n%s", args, errOut.String())
	}
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

// wantSuccess fails unless the run exited 0 with nothing on stderr.
func wantSuccess(t *testing.T, r result) {
	t.Helper()
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr:\n%s\nstdout:\n%s", r.code, r.stderr, r.stdout)
	}
}

// wantFailure fails unless the run exited 1 with one "error: " message,
// containing every one of wants, and without a trace of a Go panic.
func wantFailure(t *testing.T, r result, wants ...string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit status %d, want 1; stderr:\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "error: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr is not one error line:\n%s", r.stderr)
	}
	for _, bad := range []string{"panic", "goroutine ", ".go:"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr shows %q:\n%s", bad, r.stderr)
		}
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr does not say %q:\n%s", w, r.stderr)
		}
	}
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVersion(t *testing.T) {
	r := runEmber(t, "", "version")
	wantSuccess(t, r)
	if r.stdout != "ember version dev\n" {
		t.Errorf("version printed %q", r.stdout)
	}
}

// TestBadUsage covers mistakes found before any SQL runs, which do not
// need the engine.
func TestBadUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.sql")
	cases := []struct {
		name  string
		args  []string
		wants []string
	}{
		{"bad format", []string{"sql", "--format", "xml", "-e", "SELECT 1"}, []string{"xml", "table", "csv", "tsv", "json", "ndjson"}},
		{"missing file", []string{"sql", "-f", missing}, []string{missing}},
		{"missing file after -e", []string{"sql", "-e", "SELECT 1", "-f", missing}, []string{missing}},
		{"table without =", []string{"sql", "--table", "nation", "-e", "SELECT 1"}, []string{"NAME=PATH"}},
		{"unknown flag", []string{"sql", "--nope"}, []string{"nope"}},
		{"unknown command", []string{"frobnicate"}, []string{"frobnicate"}},
		{"extra argument", []string{"sql", "SELECT 1"}, []string{"SELECT 1"}},
		{"unterminated quote", []string{"sql", "-e", "SELECT 1;\nSELECT 'abc"}, []string{"line 2:8", "unterminated"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runEmber(t, "", tc.args...)
			wantFailure(t, r, tc.wants...)
			if r.stdout != "" {
				t.Errorf("stdout:\n%s", r.stdout)
			}
		})
	}
}

func TestEmptyStdinRunsNothing(t *testing.T) {
	r := runEmber(t, "  -- nothing here\n", "sql")
	wantSuccess(t, r)
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
}

// TestInputOrder: -e and -f run in command-line order, whatever the mix.
func TestInputOrder(t *testing.T) {
	f1 := writeFile(t, "one.sql", "SELECT 2 AS b;\nSELECT 3 AS c;\n")
	f2 := writeFile(t, "two.sql", "SELECT 5 AS e")
	r := runEmber(t, "", "sql", "--format", "csv", "-e", "SELECT 1 AS a", "-f", f1, "-e", "SELECT 4 AS d; SELECT 4.5 AS dd", "-f", f2)
	wantSuccess(t, r)
	if want := "a\n1\nb\n2\nc\n3\nd\n4\ndd\n4.5\ne\n5\n"; r.stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, want)
	}
}

func TestStdinScript(t *testing.T) {
	r := runEmber(t, "SELECT 1 AS a;\n-- a comment; with a semicolon\nSELECT 'x;y' AS b\n", "sql", "--format", "csv")
	wantSuccess(t, r)
	if want := "a\n1\nb\nx;y\n"; r.stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, want)
	}
}

func TestFormats(t *testing.T) {
	query := "SELECT 1 AS i, 'a,b' AS s, CAST(-12.3 AS DECIMAL(10,2)) AS d, DATE '2020-01-31' AS dt, CAST(NULL AS INT) AS n, 2.5E0 AS f, TRUE AS b"
	cases := map[string]string{
		"csv":    "i,s,d,dt,n,f,b\n1,\"a,b\",-12.30,2020-01-31,,2.5,true\n",
		"tsv":    "i\ts\td\tdt\tn\tf\tb\n1\ta,b\t-12.30\t2020-01-31\t\t2.5\ttrue\n",
		"json":   "[\n{\"i\":1,\"s\":\"a,b\",\"d\":-12.30,\"dt\":\"2020-01-31\",\"n\":null,\"f\":2.5,\"b\":true}\n]\n",
		"ndjson": "{\"i\":1,\"s\":\"a,b\",\"d\":-12.30,\"dt\":\"2020-01-31\",\"n\":null,\"f\":2.5,\"b\":true}\n",
		"table": ` i | s   |      d | dt         |    n |   f | b
---+-----+--------+------------+------+-----+------
 1 | a,b | -12.30 | 2020-01-31 | NULL | 2.5 | true
(1 row)
`,
	}
	for format, want := range cases {
		t.Run(format, func(t *testing.T) {
			r := runEmber(t, "", "sql", "--format", format, "-e", query)
			wantSuccess(t, r)
			if r.stdout != want {
				t.Errorf("got\n%s\nwant\n%s", r.stdout, want)
			}
		})
	}
}

// TestDDLPrintsNothing: statements without columns print nothing in a
// script, in any format.
func TestDDLPrintsNothing(t *testing.T) {
	for _, format := range []string{"table", "csv", "json"} {
		r := runEmber(t, "", "sql", "--format", format, "-e", "CREATE VIEW v AS SELECT 7 AS a", "-e", "DROP VIEW v")
		wantSuccess(t, r)
		if r.stdout != "" {
			t.Errorf("%s: stdout %q", format, r.stdout)
		}
	}
}

func TestTPCHData(t *testing.T) {
	data := filepath.Join(tpchDir, "sf0.01")
	r := runEmber(t, "", "sql", "--data", data, "--format", "csv", "-e", "SELECT count(*) AS n FROM nation; SELECT r_name FROM region ORDER BY r_name")
	wantSuccess(t, r)
	if want := "n\n25\nr_name\nAFRICA\nAMERICA\nASIA\nEUROPE\nMIDDLE EAST\n"; r.stdout != want {
		t.Errorf("got\n%s\nwant\n%s", r.stdout, want)
	}
	for _, q := range []string{"q01", "q06"} {
		t.Run(q, func(t *testing.T) {
			r := runEmber(t, "", "sql", "--data", data, "--format", "csv", "-f", filepath.Join("..", "..", "tpch", "queries", q+".sql"))
			wantSuccess(t, r)
			want, err := os.ReadFile(filepath.Join(tpchDir, "answers", "sf0.01", q+".csv"))
			if err != nil {
				t.Fatal(err)
			}
			sameCSV(t, r.stdout, string(want))
		})
	}
}

// TestTableFlag registers one file as a table under a name of our choice.
func TestTableFlag(t *testing.T) {
	path := filepath.Join(tpchDir, "sf0.01", "region.parquet")
	r := runEmber(t, "", "sql", "--table", "regions="+path, "--format", "csv", "-e", "SELECT count(*) AS n FROM regions")
	wantSuccess(t, r)
	if r.stdout != "n\n5\n" {
		t.Errorf("got %q", r.stdout)
	}
}

// sameCSV compares CSV text field by field. Numbers may differ a little:
// the answers were computed in doubles, while Ember, as Spark, averages
// decimals into a decimal of scale 6 (25.575155 for 25.575154611454693),
// and sums of doubles depend on the order of the additions.
func sameCSV(t *testing.T, got, want string) {
	t.Helper()
	gl := strings.Split(strings.TrimRight(got, "\n"), "\n")
	wl := strings.Split(strings.TrimRight(want, "\n"), "\n")
	if len(gl) != len(wl) {
		t.Fatalf("%d lines, want %d:\n%s", len(gl), len(wl), got)
	}
	for i := range wl {
		if gl[i] == wl[i] {
			continue
		}
		gf, wf := strings.Split(gl[i], ","), strings.Split(wl[i], ",")
		if len(gf) != len(wf) {
			t.Fatalf("line %d: got %q, want %q", i+1, gl[i], wl[i])
		}
		for j := range wf {
			if gf[j] == wf[j] {
				continue
			}
			g, err1 := strconv.ParseFloat(gf[j], 64)
			w, err2 := strconv.ParseFloat(wf[j], 64)
			if err1 != nil || err2 != nil || math.Abs(g-w) > 1e-6*math.Max(1, math.Abs(w)) {
				t.Errorf("line %d field %d: got %q, want %q", i+1, j+1, gf[j], wf[j])
			}
		}
	}
}

// TestSQLErrors: each mistake exits 1 with one error line that says what
// and where, after the output of the statements before it.
func TestSQLErrors(t *testing.T) {
	data := filepath.Join(tpchDir, "sf0.01")
	script := writeFile(t, "bad.sql", "SELECT 1 AS a;\n\nSELECT n_name FROM nation WHERE n_nationkey = = 1;\n")
	badCSV := writeFile(t, "short.csv", "a,b,c\n1,2,3\n4,5\n")
	whole, err := os.ReadFile(filepath.Join(data, "orders.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := writeFile(t, "truncated.parquet", string(whole[:len(whole)/2]))
	selfView := "CREATE VIEW v AS SELECT 1 AS x; CREATE OR REPLACE VIEW v AS SELECT x FROM v"
	cases := []struct {
		name   string
		args   []string
		stdout string
		wants  []string
	}{
		{"syntax", []string{"-e", "SELEC 1"}, "", []string{"line 1:1"}},
		{"syntax in a file", []string{"-f", script}, "a\n1\n", []string{"bad.sql", "line 3:"}},
		{"unknown table", []string{"-e", "SELECT * FROM nosuch"}, "", []string{"nosuch", "lineitem", "nation"}},
		{"unknown column", []string{"-e", "SELECT nosuch FROM nation"}, "", []string{"nosuch", "line 1:8"}},
		{"stops at the first failure", []string{"-e", "SELECT 1 AS a", "-e", "SELECT * FROM nosuch", "-e", "SELECT 2 AS b"}, "a\n1\n", []string{"nosuch"}},
		{"division by zero", []string{"-e", "SELECT 1 / 0 AS x"}, "", []string{"zero"}},
		{"bad cast", []string{"-e", "SELECT CAST('abc' AS INT) AS x"}, "", []string{"abc"}},
		{"missing table path", []string{"--table", "t=" + filepath.Join(t.TempDir(), "none.parquet"), "-e", "SELECT 1"}, "", []string{"none.parquet"}},
		{"missing data dir", []string{"--data", filepath.Join(t.TempDir(), "nodir"), "-e", "SELECT 1"}, "", []string{"nodir"}},
		{"type mismatch", []string{"-e", "SELECT n_name FROM nation WHERE n_nationkey = true"}, "", []string{"line 1:", "cannot compare", "BOOLEAN"}},
		{"missing file", []string{"-e", "SELECT * FROM read_parquet('/no/such/file.parquet')"}, "", []string{"line 1:15", "/no/such/file.parquet"}},
		{"truncated parquet", []string{"-e", "SELECT count(*) FROM read_parquet('" + truncated + "')"}, "", []string{"truncated.parquet", "not a valid Parquet file"}},
		{"csv row with too few fields", []string{"-e", "SELECT * FROM read_csv('" + badCSV + "')"}, "", []string{"short.csv", "line 3", "expected 3 fields, got 2"}},
		{"scalar subquery with two rows", []string{"-e", "SELECT (SELECT n_name FROM nation WHERE n_nationkey < 2) AS x"}, "", []string{"more than one row"}},
		{"view that refers to itself", []string{"-e", selfView}, "", []string{"view v refers to itself"}},
		{"unknown configuration key", []string{"--conf", "ember.nope=1", "-e", "SELECT 1"}, "", []string{"ember.nope", "ember.sql.shuffle.partitions"}},
		{"malformed --conf", []string{"--conf", "novalue", "-e", "SELECT 1"}, "", []string{"KEY=VALUE"}},
		{"query over its memory limit", []string{"--conf", "ember.sql.memoryLimit=16k", "-e", "SELECT l_returnflag, sum(l_quantity) FROM lineitem GROUP BY 1"}, "", []string{"memory limit"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"sql", "--data", data, "--format", "csv"}, tc.args...)
			r := runEmber(t, "", args...)
			wantFailure(t, r, tc.wants...)
			if r.stdout != tc.stdout {
				t.Errorf("stdout %q, want %q", r.stdout, tc.stdout)
			}
		})
	}
}

// TestNoPanicOnOddInput throws odd statements at the binary: whatever
// happens, it ends with status 0 or 1 and never shows a panic.
func TestNoPanicOnOddInput(t *testing.T) {
	inputs := []string{
		";;;", "SELECT", "SELECT FROM", "SELECT 1 +", "SELECT (((1", "DESCRIBE", "DESCRIBE nosuch",
		"SELECT * FROM nation n1, nation n2 WHERE", "SELECT 1 UNION", "SELECT $1", "EXPLAIN", "SHOW",
		"SELECT 9223372036854775807 + 1", "SELECT CAST('2020-13-45' AS DATE)", "SELECT 'ü' || NULL",
		"\x00", "SELECT '\x00'", "SELECT '\xff'", "CREATE TABLE", "INSERT INTO nation VALUES (1)", "SELECT sum(n_name) FROM nation",
	}
	data := filepath.Join(tpchDir, "sf0.01")
	for _, in := range inputs {
		r := runEmber(t, in, "sql", "--data", data)
		if r.code != 0 && r.code != 1 {
			t.Errorf("%q: exit status %d", in, r.code)
		}
		if r.code == 1 && !strings.HasPrefix(r.stderr, "error: ") {
			t.Errorf("%q: stderr %q", in, r.stderr)
		}
		if regexp.MustCompile(`panic|goroutine \d`).MatchString(r.stderr) {
			t.Errorf("%q: stderr shows a panic:\n%s", in, r.stderr)
		}
	}
}

// TestTimingGoesToStderr: --timing reports each statement's time on
// stderr, leaving the results on stdout untouched.
func TestTimingGoesToStderr(t *testing.T) {
	r := runEmber(t, "", "sql", "--timing", "--format", "csv", "-e", "SELECT 1 AS a; SELECT 2 AS b")
	if r.code != 0 || r.stdout != "a\n1\nb\n2\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !regexp.MustCompile(`^Time: [0-9.]+ m?s\nTime: [0-9.]+ m?s\n$`).MatchString(r.stderr) {
		t.Errorf("stderr %q", r.stderr)
	}
}

// TestSigintCancelsScript: SIGINT stops a script with "error: query
// cancelled" and status 130, even while it waits on standard input.
func TestSigintCancelsScript(t *testing.T) {
	cmd := exec.Command(emberBin, "sql")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	pr, pw, err := os.Pipe() // standard input that never ends
	if err != nil {
		t.Fatal(err)
	}
	defer pw.Close()
	cmd.Stdin = pr
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() // if it does not stop
	pr.Close()
	time.Sleep(300 * time.Millisecond)
	cmd.Process.Signal(os.Interrupt)
	if err := waitExit(cmd, 30*time.Second); err == nil || cmd.ProcessState.ExitCode() != exitInterrupted {
		t.Fatalf("exit %v (%v), stderr %q", cmd.ProcessState, err, errOut.String())
	}
	if errOut.String() != "error: query cancelled\n" {
		t.Errorf("stderr %q", errOut.String())
	}
}
