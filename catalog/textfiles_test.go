package catalog

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestTextRowEstimate checks that CSV and NDJSON tables estimate their row
// count from the sample, close to the truth, so that joins over them are
// ordered by size rather than treating them as huge.
func TestTextRowEstimate(t *testing.T) {
	dir := t.TempDir()
	var csv, json strings.Builder
	csv.WriteString("id,name\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&csv, "%d,name-%d\n", i, i%37)
		fmt.Fprintf(&json, "{\"id\":%d,\"name\":\"name-%d\"}\n", i, i%37)
	}
	writeFile(t, filepath.Join(dir, "t.csv"), csv.String())
	writeFile(t, filepath.Join(dir, "t.json"), json.String())
	for _, name := range []string{"t.csv", "t.json"} {
		tbl, err := OpenFiles(context.Background(), "", filepath.Join(dir, name), nil)
		if err != nil {
			t.Fatal(err)
		}
		if rows := tbl.Statistics().Rows; rows < 950 || rows > 1050 {
			t.Errorf("%s: estimated %d rows, want about 1000", name, rows)
		}
	}
}
