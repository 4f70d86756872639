package ember

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// BenchmarkTPCH times each TPC-H query in one session. The data comes from
// EMBER_TPCH_DATA (default: the SF 0.01 data in testdata); EMBER_TPCH_QUERIES
// may name one query ("q05"); EMBER_TPCH_CONF sets configuration keys
// ("ember.sql.broadcastRows=50000,ember.cores=1"). Run it with
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
	var opts []Option
	// EMBER_TPCH_CONF=key=value,key=value sets session configuration.
	for _, kv := range strings.Split(os.Getenv("EMBER_TPCH_CONF"), ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			opts = append(opts, WithConfig(k, v))
		}
	}
	s, err := NewSession(ctx, opts...)
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
		text, err := os.ReadFile(filepath.Join("tpch/queries", name+".sql"))
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
