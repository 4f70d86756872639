package tpch

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseQueryList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
		err  string
	}{
		{"1,3,18", []int{1, 3, 18}, ""},
		{" 18 , 3 ", []int{18, 3}, ""},
		{"1-3,7", []int{1, 2, 3, 7}, ""},
		{"q05,Q6", []int{5, 6}, ""},
		{"22", []int{22}, ""},
		{"0", nil, "no TPC-H query 0"},
		{"23", nil, "no TPC-H query 23"},
		{"1,x", nil, `"x" is not a query number`},
		{"1,,2", nil, "is not a query number"},
		{"5-3", nil, "backwards"},
		{"1-30", nil, "no TPC-H query 30"},
		{"1,2-4,3", nil, "query 3 is chosen twice"},
	}
	for _, tt := range tests {
		got, err := ParseQueryList(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseQueryList(%q) error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseQueryList(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	all, err := ParseQueryList("")
	if err != nil || len(all) != QueryCount || all[0] != 1 || all[21] != 22 {
		t.Errorf("ParseQueryList(\"\") = %v, %v", all, err)
	}
}
