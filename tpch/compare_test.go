package tpch

import (
	"strings"
	"testing"
)

func TestCellsMatch(t *testing.T) {
	tests := []struct {
		got, want string
		match     bool
	}{
		// text exactly
		{"BUILDING", "BUILDING", true},
		{"BUILDING ", "BUILDING", false},
		{"building", "BUILDING", false},
		{"25-989-741-2988", "25-989-741-2989", false},
		// integers exactly, however close
		{"14876", "14876", true},
		{"14877", "14876", false},
		{"-3", "-3", true},
		{"+3", "3", true},
		{"1000000001", "1000000000", false},
		// other numbers within 0.005 absolute ...
		{"0.0549", "0.0500", true},
		{"10.005", "10.00", true},
		{"10.0051", "10.00", false},
		{"9.995", "10.00", true},
		{"9.9949", "10.00", false},
		{"-0.004", "0.00", true},
		{"505822441.4861", "505822441.49", true},
		{"12.30", "12.3", true},
		{"100", "100.00", true},
		{"100.01", "100", false},
		// ... or 1e-6 relative
		{"1000000999.9", "1000000000", true},
		{"1000001000", "1000000000.0", true},
		{"1000001000.1", "1000000000", false},
		{"0.999999", "1.0", true},
		{"526165934.000839", "526165934.0008", true},
		{"1.5e3", "1500.001", true},
		// NULL is the empty cell and matches only itself
		{"", "", true},
		{"", "0", false},
		{"0", "", false},
		{"", "NULL", false},
		// strconv's other spellings are not numbers
		{"inf", "Inf", false},
		{"NaN", "nan", false},
		{"0x10", "16", false},
		{"1_000", "1000", false},
		{" 5", "5", false},
	}
	for _, tt := range tests {
		if got := CellsMatch(tt.got, tt.want); got != tt.match {
			t.Errorf("CellsMatch(%q, %q) = %v, want %v", tt.got, tt.want, got, tt.match)
		}
	}
}

func TestIsNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"1": true, "-1.5": true, ".5": true, "5.": true, "1e5": true, "1E-5": true, "+2": true,
		"": false, "-": false, ".": false, "1.2.3": false, "1e": false, "e5": false, "1e+": false,
		"12a": false, "Customer#000000001": false, "1995-03-15": false,
	} {
		if got := isNumber(s); got != want {
			t.Errorf("isNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

func table(cols string, rows ...string) Table {
	t := Table{Columns: strings.Split(cols, ",")}
	for _, r := range rows {
		t.Rows = append(t.Rows, strings.Split(r, ","))
	}
	return t
}

func TestCompare(t *testing.T) {
	want := table("flag,qty,avg", "A,10,0.5", "N,20,0.25", "R,,1.0")
	tests := []struct {
		name string
		got  Table
		err  []string // substrings of the error; none: the tables match
	}{
		{"same", table("flag,qty,avg", "A,10,0.5", "N,20,0.25", "R,,1.0"), nil},
		{"other names, close numbers", table("f,sum(qty),a", "A,10,0.5049", "N,20,0.25", "R,,1.0000001"), nil},
		{"integer differs", table("flag,qty,avg", "A,10,0.5", "N,21,0.25", "R,,1.0"),
			[]string{"row 2", "column 2 (qty)", `got "21"`, `want "20"`}},
		{"number out of tolerance", table("flag,qty,avg", "A,10,0.506", "N,20,0.25", "R,,1.0"),
			[]string{"row 1", "column 3 (avg)", `got "0.506"`, `want "0.5"`}},
		{"text differs", table("flag,qty,avg", "A,10,0.5", "O,20,0.25", "R,,1.0"),
			[]string{"row 2", "column 1 (flag)", `got "O"`, `want "N"`}},
		{"NULL for a value", table("flag,qty,avg", "A,10,0.5", "N,20,0.25", "R,0,1.0"),
			[]string{"row 3", "column 2 (qty)", `got "0"`, "want NULL"}},
		{"value for a NULL", table("flag,qty,avg", "A,,0.5", "N,20,0.25", "R,,1.0"),
			[]string{"row 1", "column 2", "got NULL", `want "10"`}},
		{"order", table("flag,qty,avg", "N,20,0.25", "A,10,0.5", "R,,1.0"),
			[]string{"row 1", "column 1 (flag)"}},
		{"fewer rows", table("flag,qty,avg", "A,10,0.5", "N,20,0.25"), []string{"got 2 rows, want 3"}},
		{"more rows", table("flag,qty,avg", "A,10,0.5", "N,20,0.25", "R,,1.0", "R,,1.0"), []string{"got 4 rows, want 3"}},
		{"fewer columns", table("flag,qty", "A,10", "N,20", "R,"), []string{"got 2 columns", "want 3"}},
		{"ragged row", Table{Columns: want.Columns, Rows: [][]string{{"A", "10", "0.5"}, {"N", "20"}, {"R", "", "1.0"}}},
			[]string{"got row 2 has 2 cells, not 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, Compare(tt.got, want), tt.err)
		})
	}
}

func TestCompareUnordered(t *testing.T) {
	want := table("flag,qty,avg", "A,10,0.5", "N,9,0.25", "N,10,", "R,,1.0")
	tests := []struct {
		name string
		got  Table
		err  []string
	}{
		{"same order", table("flag,qty,avg", "A,10,0.5", "N,9,0.25", "N,10,", "R,,1.0"), nil},
		{"other order", table("flag,qty,avg", "R,,1.0", "N,10,", "A,10,0.5", "N,9,0.25"), nil},
		{"other order, close numbers", table("flag,qty,avg", "N,10,", "R,,0.9999999", "N,9,0.2501", "A,10,0.5"), nil},
		// numbers order by value, not as text: 9 before 10 on both sides
		{"numeric order", table("flag,qty,avg", "N,10,", "N,9,0.25", "A,10,0.5", "R,,1.0"), nil},
		{"a row differs", table("flag,qty,avg", "R,,1.0", "N,10,", "A,10,0.5", "N,9,0.3"),
			[]string{"sorted row 2", "column 3 (avg)", `got "0.3"`, `want "0.25"`}},
		{"a row twice", table("flag,qty,avg", "R,,1.0", "N,10,", "A,10,0.5", "A,10,0.5"), []string{"sorted row"}},
		{"fewer rows", table("flag,qty,avg", "R,,1.0", "N,10,", "A,10,0.5"), []string{"got 3 rows, want 4"}},
		{"more columns", table("flag,qty,avg,x", "R,,1.0,1", "N,10,,1", "A,10,0.5,1", "N,9,0.25,1"), []string{"got 4 columns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, CompareUnordered(tt.got, want), tt.err)
		})
	}
	// the inputs are not reordered
	got := table("flag,qty,avg", "R,,1.0", "N,10,", "A,10,0.5", "N,9,0.25")
	if err := CompareUnordered(got, want); err != nil || got.Rows[0][0] != "R" || want.Rows[0][0] != "A" {
		t.Errorf("CompareUnordered changed its inputs or failed: %v", err)
	}
}

// checkErr fails unless err is nil when wants is empty, or else an error
// saying each of wants.
func checkErr(t *testing.T, err error, wants []string) {
	t.Helper()
	if len(wants) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("no error, want one saying %q", wants)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not say %q", err, w)
		}
	}
}
