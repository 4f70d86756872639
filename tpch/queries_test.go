package tpch

import (
	"strings"
	"testing"
)

func TestQueryReturnsEachQueryAndRejectsOthers(t *testing.T) {
	for n := 1; n <= QueryCount; n++ {
		q, err := Query(n)
		if err != nil {
			t.Fatalf("query %d: %v", n, err)
		}
		if !strings.Contains(strings.ToLower(q), "select") {
			t.Errorf("query %d has no SELECT: %q", n, q)
		}
	}
	for _, n := range []int{0, 23, -1} {
		if _, err := Query(n); err == nil {
			t.Errorf("Query(%d) gave no error", n)
		}
	}
	if QueryName(7) != "q07" {
		t.Errorf("QueryName(7) = %s", QueryName(7))
	}
}
