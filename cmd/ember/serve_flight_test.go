package main

import (
	"bufio"
	"bytes"
	"context"
	dbsql "database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "github.com/apache/arrow-go/v18/arrow/flight/flightsql/driver"

	"github.com/ember-sql/ember/cluster/auth"
)

// TestServeFlight runs `ember sql --serve-flight` as a user would: it
// prints where it listens, serves the session's tables (and the views its
// -e statements made) to the database/sql driver with the token of
// --secret-file, refuses calls without it, and exits cleanly on SIGINT.
func TestServeFlight(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, emberBin, "sql", "--serve-flight", "127.0.0.1:0", "--data", filepath.Join(tpchDir, "sf0.01"),
		"--secret-file", secretFile, "-e", "CREATE VIEW big_orders AS SELECT * FROM orders WHERE o_totalprice > 400000")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	addr := ""
	for addr == "" && lines.Scan() {
		addr, _ = strings.CutPrefix(lines.Text(), "serving Flight SQL on ")
	}
	if addr == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("no address printed: %v", lines.Err())
	}
	var rest strings.Builder
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for lines.Scan() {
			rest.WriteString(lines.Text() + "\n")
		}
	}()

	db, err := dbsql.Open("flightsql", "flightsql://"+addr+"?token="+auth.Token([]byte("s3cret")))
	if err != nil {
		t.Fatal(err)
	}
	var n, literal, big int64
	if err := db.QueryRow("SELECT count(*) FROM orders WHERE o_orderkey < ?", 100).Scan(&n); err != nil {
		t.Error(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM orders WHERE o_orderkey < 100").Scan(&literal); err != nil {
		t.Error(err)
	}
	if err := db.QueryRow("SELECT count(*) FROM big_orders").Scan(&big); err != nil {
		t.Error(err)
	}
	db.Close()
	if n != literal || n == 0 || big == 0 {
		t.Errorf("orders below key 100: %d with a parameter, %d without; big orders: %d", n, literal, big)
	}
	bare, err := dbsql.Open("flightsql", "flightsql://"+addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := bare.QueryRow("SELECT 1").Scan(&n); err == nil || !strings.Contains(err.Error(), "Unauthenticated") {
		t.Errorf("without the token: %v", err)
	}
	bare.Close()

	cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	wg.Wait()
	if err != nil {
		t.Errorf("exit: %v; stderr:\n%s", err, rest.String())
	}
}
