package tpch

import (
	"embed"
	"fmt"
)

//go:embed queries/q*.sql
var queryFiles embed.FS

// QueryCount is the number of TPC-H queries.
const QueryCount = 22

// Query returns the SQL text of TPC-H query n (1 to 22).
func Query(n int) (string, error) {
	if n < 1 || n > QueryCount {
		return "", fmt.Errorf("TPC-H has queries 1 to %d, not %d", QueryCount, n)
	}
	b, err := queryFiles.ReadFile(fmt.Sprintf("queries/q%02d.sql", n))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// QueryName is the conventional file name stem of query n: "q01" … "q22".
func QueryName(n int) string { return fmt.Sprintf("q%02d", n) }
