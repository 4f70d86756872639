package main
import (
 _ "github.com/apache/arrow-go/v18/arrow"
 _ "github.com/apache/arrow-go/v18/arrow/array"
 _ "github.com/apache/arrow-go/v18/arrow/compute"
 _ "github.com/apache/arrow-go/v18/arrow/csv"
 _ "github.com/apache/arrow-go/v18/arrow/ipc"
 _ "github.com/apache/arrow-go/v18/parquet/pqarrow"
 _ "github.com/apache/arrow-go/v18/parquet/file"
 _ "github.com/pganalyze/pg_query_go/v6"
 _ "github.com/cespare/xxhash/v2"
 _ "github.com/chzyer/readline"
 _ "github.com/spf13/cobra"
 _ "go.uber.org/goleak"
 _ "golang.org/x/term"
)
func main(){}
