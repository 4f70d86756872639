package catalog

import (
	"context"
	"fmt"
	"os"
)

// textFiles is what the tables of text files (CSV, NDJSON) share: their
// files and sizes, one split per non-empty file, read whole.
type textFiles struct {
	format string
	files  []string
	sizes  map[string]int64
}

func newTextFiles(format string, files []string) textFiles {
	return textFiles{format: format, files: files, sizes: make(map[string]int64, len(files))}
}

// stat records the size of one of the files.
func (t *textFiles) stat(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	t.sizes[path] = st.Size()
	return nil
}

// Statistics implements Table: the row count is unknown; Bytes is the size
// of the files.
func (t *textFiles) Statistics() Statistics {
	var b int64
	for _, s := range t.sizes {
		b += s
	}
	return Statistics{Rows: -1, Bytes: b}
}

// Files returns the paths of the table's files, sorted.
func (t *textFiles) Files() []string { return append([]string(nil), t.files...) }

// String describes the table for plans.
func (t *textFiles) String() string { return describeFiles(t.format, t.files) }

// Splits implements Table: one split per non-empty file. Predicates are not
// used.
func (t *textFiles) Splits(ctx context.Context, req ScanRequest) ([]Split, error) {
	var out []Split
	for _, f := range t.files {
		if t.sizes[f] == 0 {
			continue
		}
		out = append(out, Split{Path: f, Length: -1, Index: len(out), Rows: -1, Bytes: t.sizes[f]})
	}
	return out, nil
}

// checkSplit rejects a split that is not one of the table's whole files.
func (t *textFiles) checkSplit(split Split) error {
	size, ok := t.sizes[split.Path]
	if !ok {
		return fmt.Errorf("split of %s does not belong to table %s", split.Path, t)
	}
	if split.Offset != 0 || (split.Length >= 0 && split.Length != size) {
		return fmt.Errorf("%s: %s splits cover whole files", split.Path, t.format)
	}
	return nil
}
