// Command flightsql is a Flight SQL client that knows nothing of Ember:
// it connects with arrow-go's database/sql driver, the way a BI tool or a
// program in another language would, runs one statement with its
// parameters as a prepared statement, and prints the rows tab-separated.
//
//	go run ./examples/flightsql -addr 127.0.0.1:7077 \
//	    "SELECT n_name FROM nation WHERE n_regionkey = ? ORDER BY n_name" 2
//
// With a cluster secret, pass -token $(ember token --secret-file F).
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"strings"

	_ "github.com/apache/arrow-go/v18/arrow/flight/flightsql/driver"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7077", "the Flight SQL server, HOST:PORT")
	token := flag.String("token", "", "bearer token (ember token --secret-file F)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: flightsql [-addr HOST:PORT] [-token T] SQL [PARAM ...]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*addr, *token, flag.Arg(0), flag.Args()[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(addr, token, query string, params []string) error {
	dsn := "flightsql://" + addr
	if token != "" {
		dsn += "?token=" + token
	}
	db, err := sql.Open("flightsql", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	args := make([]any, len(params))
	for i, p := range params {
		args[i] = p
	}
	rows, err := db.Query(query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	fmt.Println(strings.Join(cols, "\t"))
	values := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range values {
		ptrs[i] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		out := make([]string, len(values))
		for i, v := range values {
			out[i] = fmt.Sprint(v)
			if v == nil {
				out[i] = "NULL"
			}
		}
		fmt.Println(strings.Join(out, "\t"))
	}
	return rows.Err()
}
