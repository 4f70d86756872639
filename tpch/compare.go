package tpch

import (
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// The numeric tolerance of the comparison rules: a number that is not an
// integer matches when it is within RelTolerance of the expected value, or
// within AbsTolerance of it (averages and ratios are fractions that engines
// round differently; money sums are exact decimals, which these bounds
// still hold to the cent).
const (
	RelTolerance = 1e-6
	AbsTolerance = 0.005
)

// Compare checks got against want by the TPC-H comparison rules: the same
// number of columns (matched by position, whatever their names) and of
// rows, and each cell matching the cell at the same place by CellsMatch.
// Row order matters, as it does for a query that orders its rows
// completely (all 22 do). The error says which row and column differ and
// shows both values; rows are numbered from 1, as in the answer file
// without its header.
func Compare(got, want Table) error {
	if err := compareShape(got, want); err != nil {
		return err
	}
	for r := range want.Rows {
		if err := compareRow(got.Rows[r], want.Rows[r], want.Columns); err != nil {
			return fmt.Errorf("row %d %w", r+1, err)
		}
	}
	return nil
}

// CompareUnordered is Compare for results whose row order is not fixed: it
// sorts copies of both sides' rows (numbers by value, other cells as text)
// and compares them in that order. Two rows that differ only by numbers
// closer than the tolerance may then pair up the wrong way round; no TPC-H
// result has such rows.
func CompareUnordered(got, want Table) error {
	if err := compareShape(got, want); err != nil {
		return err
	}
	g, w := slices.Clone(got.Rows), slices.Clone(want.Rows)
	slices.SortStableFunc(g, compareRowsForSort)
	slices.SortStableFunc(w, compareRowsForSort)
	for r := range w {
		if err := compareRow(g[r], w[r], want.Columns); err != nil {
			return fmt.Errorf("sorted row %d %w", r+1, err)
		}
	}
	return nil
}

// compareShape checks the column and row counts, and that every row has
// as many cells as there are columns.
func compareShape(got, want Table) error {
	if len(got.Columns) != len(want.Columns) {
		return fmt.Errorf("got %d columns %v, want %d %v", len(got.Columns), got.Columns, len(want.Columns), want.Columns)
	}
	if len(got.Rows) != len(want.Rows) {
		return fmt.Errorf("got %d rows, want %d", len(got.Rows), len(want.Rows))
	}
	for _, t := range []struct {
		side string
		rows [][]string
	}{{"got", got.Rows}, {"want", want.Rows}} {
		for r, row := range t.rows {
			if len(row) != len(want.Columns) {
				return fmt.Errorf("%s row %d has %d cells, not %d", t.side, r+1, len(row), len(want.Columns))
			}
		}
	}
	return nil
}

// compareRow returns the first cell that differs as "column NAME: …".
func compareRow(got, want, names []string) error {
	for c := range want {
		if !CellsMatch(got[c], want[c]) {
			return fmt.Errorf("column %d (%s): got %s, want %s (got row %s, want row %s)",
				c+1, names[c], showCell(got[c]), showCell(want[c]), showRow(got), showRow(want))
		}
	}
	return nil
}

// showCell quotes a cell, and shows the empty cell as NULL.
func showCell(s string) string {
	if s == "" {
		return "NULL"
	}
	return strconv.Quote(s)
}

func showRow(row []string) string {
	cells := make([]string, len(row))
	for i, c := range row {
		cells[i] = showCell(c)
	}
	return "[" + strings.Join(cells, " ") + "]"
}

// CellsMatch reports whether the cell got matches the expected cell want:
// equal text; or, when both are integers, the same integer; or, when both
// are numbers, numbers within RelTolerance × |want| or AbsTolerance of each
// other. An empty cell (NULL) matches only an empty cell.
func CellsMatch(got, want string) bool {
	if got == want {
		return true
	}
	if !isNumber(got) || !isNumber(want) {
		return false
	}
	gi, gerr := strconv.ParseInt(got, 10, 64)
	wi, werr := strconv.ParseInt(want, 10, 64)
	if gerr == nil && werr == nil {
		return gi == wi
	}
	// Exact rationals, so that a difference of exactly the tolerance is
	// within it, which binary floating point gets wrong either way.
	g, gok := new(big.Rat).SetString(got)
	w, wok := new(big.Rat).SetString(want)
	if !gok || !wok {
		return false
	}
	diff := new(big.Rat).Sub(g, w)
	diff.Abs(diff)
	if diff.Cmp(absTolerance) <= 0 {
		return true
	}
	rel := new(big.Rat).Abs(w)
	return diff.Cmp(rel.Mul(rel, relTolerance)) <= 0
}

// The tolerances as exact rationals.
var (
	absTolerance = big.NewRat(5, 1000)
	relTolerance = big.NewRat(1, 1_000_000)
)

// isNumber reports whether s is written as a decimal number: an optional
// sign, digits with at most one point, an optional exponent. It keeps
// strconv's other spellings (inf, nan, hexadecimal, underscores) and text
// with spaces from being taken for numbers.
func isNumber(s string) bool {
	i := skipSign(s, 0)
	digits, point := 0, false
	for ; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
			continue
		}
		if c == '.' && !point {
			point = true
			continue
		}
		break
	}
	if digits == 0 {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != 'e' && s[i] != 'E' {
		return false
	}
	i = skipSign(s, i+1)
	if i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// skipSign returns i, past a sign if s has one there.
func skipSign(s string, i int) int {
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		return i + 1
	}
	return i
}

// compareRowsForSort orders rows cell by cell: NULL first, numbers by
// value, then text.
func compareRowsForSort(a, b []string) int {
	for c := range a {
		if d := compareCells(a[c], b[c]); d != 0 {
			return d
		}
	}
	return 0
}

func compareCells(a, b string) int {
	if a == b {
		return 0
	}
	if a == "" || b == "" {
		if a == "" {
			return -1
		}
		return 1
	}
	an, bn := isNumber(a), isNumber(b)
	switch {
	case an && bn:
		af, _ := strconv.ParseFloat(a, 64)
		bf, _ := strconv.ParseFloat(b, 64)
		if af != bf {
			if af < bf {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(a, b)
}
