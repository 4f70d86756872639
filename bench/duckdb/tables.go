package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// tableNames are the eight TPC-H tables.
var tableNames = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

// parquetSource is what DuckDB reads for table name in dir: the file
// name.parquet, or every part file of the folder name/, as a read_parquet
// call.
func parquetSource(dir, name string) (string, error) {
	file := filepath.Join(dir, name+".parquet")
	if st, err := os.Stat(file); err == nil && !st.IsDir() {
		return readParquet(file)
	}
	folder := filepath.Join(dir, name)
	if st, err := os.Stat(folder); err == nil && st.IsDir() {
		parts, err := filepath.Glob(filepath.Join(folder, "*.parquet"))
		if err != nil {
			return "", err
		}
		if len(parts) == 0 {
			return "", fmt.Errorf("table %s: the folder %s holds no .parquet file", name, folder)
		}
		return readParquet(filepath.Join(folder, "*.parquet"))
	}
	return "", fmt.Errorf("table %s: neither %s nor a folder %s", name, file, folder)
}

// readParquet is read_parquet('path') with path made absolute and quoted.
func readParquet(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return "read_parquet('" + strings.ReplaceAll(abs, "'", "''") + "')", nil
}
