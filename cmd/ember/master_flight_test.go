package main

import (
	dbsql "database/sql"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/apache/arrow-go/v18/arrow/flight/flightsql/driver"

	"github.com/ember-sql/ember/cluster/auth"
)

// TestMasterServesFlightSQL connects arrow-go's database/sql driver to a
// real `ember master` process, with the cluster's token: it registers a
// table by DDL, runs TPC-H Q6 with its constants as parameters of a
// prepared statement, and gets the official answer; without the token it
// is refused.
func TestMasterServesFlightSQL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("flight-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, m := startProcess(t, masterReady, "master", "--port", "0", "--gossip-port", "0", "--ui-port", "-1",
		"--work-dir", t.TempDir(), "--local-executors", "2", "--secret-file", secretFile)
	rpc := m[1]
	lineitem, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01", "lineitem.parquet"))
	if err != nil {
		t.Fatal(err)
	}

	db, err := dbsql.Open("flightsql", "flightsql://"+rpc+"?token="+auth.Token([]byte("flight-secret")))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE OR REPLACE TEMPORARY VIEW lineitem AS SELECT * FROM read_parquet('" + lineitem + "')"); err != nil {
		t.Fatal(err)
	}
	stmt, err := db.Prepare(`SELECT sum(l_extendedprice * l_discount) AS revenue FROM lineitem
		WHERE l_shipdate >= CAST(? AS DATE) AND l_shipdate < CAST(? AS DATE) + INTERVAL '1' YEAR
		AND l_discount BETWEEN CAST(? AS DECIMAL(15,2)) - 0.01 AND CAST(? AS DECIMAL(15,2)) + 0.01
		AND l_quantity < ?`)
	if err != nil {
		t.Fatal(err)
	}
	defer stmt.Close()
	// The driver turns DECIMAL into float64.
	var revenue float64
	if err := stmt.QueryRow("1994-01-01", "1994-01-01", 0.06, 0.06, 24).Scan(&revenue); err != nil {
		t.Fatal(err)
	}
	answer, err := os.ReadFile(filepath.Join(tpchDir, "answers", "sf0.01", "q06.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := strconv.ParseFloat(strings.Split(strings.TrimSpace(string(answer)), "\n")[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(revenue-want) > 0.00005 {
		t.Errorf("Q6 revenue %v, want %v", revenue, want)
	}
	// (A DOUBLE parameter would make the bounds inexact: 0.06 - 0.01 is
	// 0.049999... as a double, which leaves out discounts of 0.05.)
	// Another year gives another answer: the parameters are used.
	var other float64
	if err := stmt.QueryRow("1995-01-01", "1995-01-01", 0.06, 0.06, 24).Scan(&other); err != nil {
		t.Fatal(err)
	}
	if other == revenue {
		t.Errorf("1995 and 1994 give the same revenue %v", other)
	}

	bare, err := dbsql.Open("flightsql", "flightsql://"+rpc)
	if err != nil {
		t.Fatal(err)
	}
	defer bare.Close()
	var n int
	if err := bare.QueryRow("SELECT 1").Scan(&n); err == nil || !strings.Contains(err.Error(), "Unauthenticated") {
		t.Errorf("without the token: %v", err)
	}
}

// TestTokenCommand checks that `ember token` prints the token the cluster
// checks, and that it needs the secret file.
func TestTokenCommand(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("flight-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runEmber(t, "", "token", "--secret-file", secretFile)
	wantSuccess(t, r)
	if got, want := strings.TrimSpace(r.stdout), auth.Token([]byte("flight-secret")); got != want || want == "" {
		t.Errorf("token %q, want %q", got, want)
	}
	r = runEmber(t, "", "token")
	if r.code != 1 || !strings.Contains(r.stderr, "error: --secret-file is required") {
		t.Errorf("without --secret-file: exit %d, stderr %q", r.code, r.stderr)
	}
}
