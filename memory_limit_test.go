package ember

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// TestMemoryLimit runs a query under a limit far below what it needs: it
// must fail with an error naming the limit, leave nothing allocated, and
// leave the session usable.
func TestMemoryLimit(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	ctx := context.Background()
	s, err := NewSession(ctx, WithAllocator(mem), WithConfig("ember.sql.memoryLimit", "64k"))
	if err != nil {
		t.Fatal(err)
	}
	registerTPCH(t, s, "testdata/tpch/sf0.01")
	q1, err := os.ReadFile("tpch/queries/q01.sql")
	if err != nil {
		t.Fatal(err)
	}
	_, err = queryStrings(ctx, s, string(q1))
	if err == nil || !strings.Contains(err.Error(), "memory limit") {
		t.Fatalf("Q1 under a 64 KiB limit: got error %v, want one about the memory limit", err)
	}
	rows, err := queryStrings(ctx, s, "select count(*) from region")
	if err != nil || len(rows) != 2 || rows[1][0] != "5" {
		t.Fatalf("session after the failure: %v %v", rows, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := mem.CurrentAlloc(); n != 0 {
		t.Fatalf("%d bytes left allocated after a query failed on its memory limit", n)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	for _, kv := range [][2]string{
		{"ember.sql.shuffle.partitions", "0"},
		{"ember.sql.shuffle.partitions", "many"},
		{"ember.sql.memoryLimit", "lots"},
		{"ember.no.such.key", "1"},
	} {
		if _, err := NewSession(context.Background(), WithConfig(kv[0], kv[1])); err == nil {
			t.Errorf("WithConfig(%q, %q) was accepted", kv[0], kv[1])
		}
	}
}
