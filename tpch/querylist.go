package tpch

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseQueryList reads a choice of queries: numbers and ranges separated by
// commas ("1,3,18", "1-5,7"), kept in the order given. The empty string
// chooses all 22. A number out of 1..22, a repeated query or a malformed
// item is an error.
func ParseQueryList(s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		all := make([]int, QueryCount)
		for i := range all {
			all[i] = i + 1
		}
		return all, nil
	}
	var out []int
	seen := map[int]bool{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		lo, hi, isRange := strings.Cut(item, "-")
		first, err := queryNumber(lo, item)
		if err != nil {
			return nil, err
		}
		last := first
		if isRange {
			if last, err = queryNumber(hi, item); err != nil {
				return nil, err
			}
			if last < first {
				return nil, fmt.Errorf("query range %q runs backwards", item)
			}
		}
		for n := first; n <= last; n++ {
			if seen[n] {
				return nil, fmt.Errorf("query %d is chosen twice", n)
			}
			seen[n] = true
			out = append(out, n)
		}
	}
	return out, nil
}

// queryNumber reads one query number ("3", "q03" or "Q3") of item.
func queryNumber(s, item string) (int, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "q"), "Q")
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a query number (like 1,3,18 or 1-5)", item)
	}
	if n < 1 || n > QueryCount {
		return 0, fmt.Errorf("there is no TPC-H query %d: the queries are 1 to %d", n, QueryCount)
	}
	return n, nil
}
