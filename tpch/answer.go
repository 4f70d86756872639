package tpch

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AnswerPath is the answer file of query n in dir: dir/q01.csv … dir/q22.csv.
func AnswerPath(dir string, n int) string { return filepath.Join(dir, QueryName(n)+".csv") }

// ReadAnswer reads an answer file: CSV with a header line, an empty cell
// for NULL.
func ReadAnswer(path string) (Table, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Table{}, err
	}
	t, err := ParseAnswer(string(data))
	if err != nil {
		return Table{}, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// ParseAnswer reads the text of an answer file. In a one-column answer an
// empty line is a row holding NULL (Q17 at SF 0.01 averages no rows), a
// line that encoding/csv would skip; so those answers are read line by line.
func ParseAnswer(text string) (Table, error) {
	r := csv.NewReader(strings.NewReader(text))
	records, err := r.ReadAll()
	if err != nil {
		return Table{}, err
	}
	if len(records) == 0 {
		return Table{}, fmt.Errorf("no header line")
	}
	t := Table{Columns: records[0], Rows: records[1:]}
	if len(t.Columns) != 1 {
		return t, nil
	}
	lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n")
	t.Rows = t.Rows[:0]
	for i, l := range lines[1:] {
		if l == "" {
			t.Rows = append(t.Rows, []string{""})
			continue
		}
		rec, err := csv.NewReader(strings.NewReader(l)).Read()
		if err != nil {
			return Table{}, fmt.Errorf("line %d: %w", i+2, err)
		}
		if len(rec) != 1 {
			return Table{}, fmt.Errorf("line %d: %d fields, the header has 1", i+2, len(rec))
		}
		t.Rows = append(t.Rows, rec)
	}
	return t, nil
}
