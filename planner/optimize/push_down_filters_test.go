package optimize

import (
	"strings"
	"testing"

	"github.com/ember-sql/ember/planner"
)

// TestSinkSemiJoin checks that a semi join over an inner join moves to the
// input its condition reads, on either side, and through a renaming
// projection, with the output schema kept.
func TestSinkSemiJoin(t *testing.T) {
	k := decorKit{t}
	lineitem, orders, customer := k.scan("lineitem"), k.scan("orders"), k.scan("customer")
	inner := planner.NewJoin(lineitem, orders, planner.JoinInner,
		k.cmp(planner.OpEq, planner.ColumnRef(lineitem, 0), planner.ShiftColumns(planner.ColumnRef(orders, 0), 6)))
	renamed := k.projectAll(inner)
	// Semi join on o_custkey (column 7 of the join) = c_custkey.
	semi := planner.NewJoin(renamed, customer, planner.JoinSemi,
		k.cmp(planner.OpEq, planner.ColumnRef(renamed, 7), planner.ShiftColumns(planner.ColumnRef(customer, 0), 10)))

	out, _, err := PushDownFilters{}.Apply(&Context{}, semi)
	if err != nil {
		t.Fatal(err)
	}
	if !sameTypes(semi.Schema(), out.Schema()) {
		t.Fatalf("schema changed: %s → %s", semi.Schema(), out.Schema())
	}
	got := planner.Format(out)
	want := strings.Join([]string{
		"Project:",
		"  Join: Inner on (l_orderkey#0 = o_orderkey#6)",
		"    Scan: lineitem",
		"    Join: Semi on (o_custkey#1 = c_custkey#4)",
		"      Scan: orders",
		"      Scan: customer",
	}, "\n")
	if !sameShape(got, want) {
		t.Fatalf("plan:\n%s\nwant the shape:\n%s", got, want)
	}

	// A semi join reading the left input of the inner join stays there.
	semiLeft := planner.NewJoin(inner, orders, planner.JoinAnti,
		k.cmp(planner.OpEq, planner.ColumnRef(inner, 0), planner.ShiftColumns(planner.ColumnRef(orders, 0), 10)))
	out, _, err = PushDownFilters{}.Apply(&Context{}, semiLeft)
	if err != nil {
		t.Fatal(err)
	}
	got = planner.Format(out)
	want = strings.Join([]string{
		"Join: Inner on (l_orderkey#0 = o_orderkey#6)",
		"  Join: Anti on (l_orderkey#0 = o_orderkey#6)",
		"    Scan: lineitem",
		"    Scan: orders",
		"  Scan: orders",
	}, "\n")
	if !sameShape(got, want) {
		t.Fatalf("plan:\n%s\nwant the shape:\n%s", got, want)
	}
}

// sameShape compares plans line by line, each got line having to start
// with the wanted one (so column lists may be left out of want).
func sameShape(got, want string) bool {
	g := strings.Split(strings.TrimRight(got, "\n"), "\n")
	w := strings.Split(want, "\n")
	if len(g) != len(w) {
		return false
	}
	for i := range w {
		if !strings.HasPrefix(g[i], w[i]) {
			return false
		}
	}
	return true
}
