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
	// sampleRows rows took sampleBytes bytes in the schema-inference
	// sample: the basis of the row estimate.
	sampleRows, sampleBytes int64
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

// sampled records that rows rows of the sample took bytes bytes.
func (t *textFiles) sampled(rows, bytes int64) {
	t.sampleRows += rows
	t.sampleBytes += bytes
}

// Statistics implements Table: Bytes is the size of the files; Rows is
// extrapolated from the sample's bytes per row (-1 without a sample).
func (t *textFiles) Statistics() Statistics {
	var b int64
	for _, s := range t.sizes {
		b += s
	}
	rows := int64(-1)
	if t.sampleRows > 0 && t.sampleBytes > 0 {
		rows = int64(float64(b) * float64(t.sampleRows) / float64(t.sampleBytes))
	}
	return Statistics{Rows: rows, Bytes: b}
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
