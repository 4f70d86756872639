package ember

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// BenchmarkTPCH times each TPC-H query in one session. The data comes from
// EMBER_TPCH_DATA (default: the SF 0.01 data in testdata); EMBER_TPCH_QUERIES
// may name one query ("q05"). Run it with
//
//	EMBER_TPCH_DATA=../shared/tpch/sf0.1 go test -run '^$' -bench TPCH .
func BenchmarkTPCH(b *testing.B) {
	dir := os.Getenv("EMBER_TPCH_DATA")
	if dir == "" {
		dir = "testdata/tpch/sf0.01"
	}
	if os.Getenv("GOGC") == "" {
		// As the ember binary runs (see cmd/ember's tuneGC).
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	ctx := context.Background()
	s, err := NewSession(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	registerTPCH(b, s, dir)
	only := os.Getenv("EMBER_TPCH_QUERIES")
	for q := 1; q <= 22; q++ {
		name := fmt.Sprintf("q%02d", q)
		if only != "" && only != name {
			continue
		}
		text, err := os.ReadFile(filepath.Join("testdata/tpch/queries", name+".sql"))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := queryStrings(ctx, s, string(text)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
