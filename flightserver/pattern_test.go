package flightserver

import "testing"

func TestMatchPattern(t *testing.T) {
	str := func(s string) *string { return &s }
	tests := []struct {
		pattern *string
		name    string
		want    bool
	}{
		{nil, "anything", true},
		{str("%"), "", true},
		{str("%"), "lineitem", true},
		{str("line%"), "lineitem", true},
		{str("line%"), "orders", false},
		{str("%item"), "lineitem", true},
		{str("%ite%"), "lineitem", true},
		{str("l_neitem"), "lineitem", true},
		{str("l_neitem"), "lneitem", false},
		{str("LINEITEM"), "lineitem", true},
		{str("lineitem"), "LineItem", true},
		{str("lineitem"), "lineitems", false},
		{str("%a%b%c"), "xaxbxcxc", true},
		{str("%a%b%c"), "xaxbxcxd", false},
		{str(`my\_table`), "my_table", true},
		{str(`my\_table`), "myxtable", false},
		{str(`100\%`), "100%", true},
		{str(`100\%`), "1000", false},
		{str("_"), "é", true},
		{str(""), "", true},
		{str(""), "x", false},
	}
	for _, tt := range tests {
		p := "<nil>"
		if tt.pattern != nil {
			p = *tt.pattern
		}
		if got := matchPattern(tt.pattern, tt.name); got != tt.want {
			t.Errorf("matchPattern(%q, %q) = %v, want %v", p, tt.name, got, tt.want)
		}
	}
}
