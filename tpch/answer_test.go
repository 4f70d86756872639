package tpch

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name, text string
		want       Table
	}{
		{"rows", "a,b\n1,x\n2,\"y, z\"\n", Table{Columns: []string{"a", "b"}, Rows: [][]string{{"1", "x"}, {"2", "y, z"}}}},
		{"empty cell is NULL", "a,b\n1,\n", Table{Columns: []string{"a", "b"}, Rows: [][]string{{"1", ""}}}},
		{"header only", "a,b\n", Table{Columns: []string{"a", "b"}, Rows: [][]string{}}},
		{"one column, NULL row", "avg_yearly\n\n", Table{Columns: []string{"avg_yearly"}, Rows: [][]string{{""}}}},
		{"one column, rows", "c\n1\n\n\"q\"\n", Table{Columns: []string{"c"}, Rows: [][]string{{"1"}, {""}, {"q"}}}},
		{"one column, no rows", "c\n", Table{Columns: []string{"c"}, Rows: [][]string{}}},
		{"CRLF", "c\r\n1\r\n", Table{Columns: []string{"c"}, Rows: [][]string{{"1"}}}},
	}
	for _, tt := range tests {
		got, err := ParseAnswer(tt.text)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if len(got.Rows) == 0 && len(tt.want.Rows) == 0 {
			got.Rows, tt.want.Rows = nil, nil
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, bad := range []string{"", "a,b\n1\n", "c\n\"unterminated\n"} {
		if _, err := ParseAnswer(bad); err == nil {
			t.Errorf("ParseAnswer(%q) gave no error", bad)
		}
	}
}

func TestReadAnswer(t *testing.T) {
	dir := filepath.Join("..", "testdata", "tpch", "answers", "sf0.01")
	q1, err := ReadAnswer(AnswerPath(dir, 1))
	if err != nil {
		t.Fatal(err)
	}
	if len(q1.Columns) != 10 || len(q1.Rows) != 4 || q1.Columns[0] != "l_returnflag" || q1.Rows[0][9] != "14876" {
		t.Errorf("q01 answer: %q", q1)
	}
	q17, err := ReadAnswer(AnswerPath(dir, 17))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(q17.Rows, [][]string{{""}}) {
		t.Errorf("q17 answer rows: %q, want one NULL", q17.Rows)
	}
	if _, err := ReadAnswer(filepath.Join(t.TempDir(), "missing.csv")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
	if AnswerPath("d", 3) != filepath.Join("d", "q03.csv") {
		t.Errorf("AnswerPath = %s", AnswerPath("d", 3))
	}
}
