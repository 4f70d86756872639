package catalog

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// Split sizing: consecutive row groups of one file are merged into one split
// up to these sizes, and less when the table is small, so that every core
// gets work (see planSplits).
const (
	maxSplitBytes = 64 << 20
	maxSplitRows  = 1 << 20
)

// ParquetTable is a table of one or more Parquet files sharing a schema.
// Each file's footer is read once, when the table is opened (or taken from
// the process's footer cache), and reused by every split's reader.
type ParquetTable struct {
	schema *arrow.Schema
	files  []*parquetFile
	byPath map[string]*parquetFile
	rows   int64
	bytes  int64
}

// parquetFile is what a table keeps of one file: its footer and the
// mapping from table columns to the file's Parquet leaf columns.
type parquetFile struct {
	path string
	meta *metadata.FileMetaData
	// leaves[i] is the Parquet leaf column of table column i.
	leaves []int
	// stats[i] tells how to read the min/max statistics of table column i.
	stats []statColumn
}

var _ Table = (*ParquetTable)(nil)

// openParquet reads the footers of files and checks they share a schema.
func openParquet(ctx context.Context, files []string) (*ParquetTable, error) {
	t := &ParquetTable{byPath: make(map[string]*parquetFile, len(files))}
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pf, s, err := footers.read(path)
		if err != nil {
			return nil, err
		}
		if t.schema == nil {
			t.schema = s
		} else if ok, diff := sameColumns(t.schema, s); !ok {
			return nil, fmt.Errorf("%s: schema differs from %s: %s", path, t.files[0].path, diff)
		}
		t.files = append(t.files, pf)
		t.byPath[path] = pf
		for rg := range pf.meta.NumRowGroups() {
			m := pf.meta.RowGroup(rg)
			t.rows += m.NumRows()
			t.bytes += m.TotalByteSize()
		}
	}
	return t, nil
}

// readParquetFooter parses the footer of the file at path and derives its
// normalized Arrow schema. arrow-go can panic on a corrupt footer, so a
// panic becomes an error here.
func readParquetFooter(path string) (pf *parquetFile, s *arrow.Schema, err error) {
	defer func() {
		if r := recover(); r != nil {
			pf, s, err = nil, nil, fmt.Errorf("%s: not a valid Parquet file: %v", path, r)
		}
	}()
	// The footer lives as long as the table, beyond any query, so it is
	// allocated from Go's heap rather than a query's allocator.
	props := parquet.NewReaderProperties(memory.DefaultAllocator)
	rdr, err := file.OpenParquetFile(path, false, file.WithReadProps(props))
	if err != nil {
		if os.IsNotExist(err) || os.IsPermission(err) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%s: not a valid Parquet file: %v", path, err)
	}
	meta := rdr.MetaData()
	if err := rdr.Close(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if meta.NumRowGroups() > 0 && meta.RowGroup(0).NumColumns() != meta.Schema.NumColumns() {
		return nil, nil, fmt.Errorf("%s: not a valid Parquet file: row groups do not match the schema", path)
	}
	arrowProps := pqarrow.ArrowReadProperties{}
	fileArrow, err := pqarrow.FromParquet(meta.Schema, &arrowProps, meta.KeyValueMetadata())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: unsupported Parquet schema: %v", path, err)
	}
	s, err = fileSchema(fileArrow)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	manifest, err := pqarrow.NewSchemaManifest(meta.Schema, meta.KeyValueMetadata(), &arrowProps)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: unsupported Parquet schema: %v", path, err)
	}
	pf = &parquetFile{path: path, meta: meta}
	for i, f := range manifest.Fields {
		// NormalizeType rejected nested types, so every top-level field is
		// one leaf.
		if !f.IsLeaf() {
			return nil, nil, fmt.Errorf("%s: column %s is nested, which is not supported", path, s.Field(i).Name)
		}
		pf.leaves = append(pf.leaves, f.ColIndex)
		pf.stats = append(pf.stats, statColumnOf(meta.Schema.Column(f.ColIndex), fileArrow.Field(i).Type))
	}
	return pf, s, nil
}

// Schema implements Table.
func (t *ParquetTable) Schema() *arrow.Schema { return t.schema }

// Statistics implements Table: the exact row count from the footers, and
// the uncompressed size of the data.
func (t *ParquetTable) Statistics() Statistics { return Statistics{Rows: t.rows, Bytes: t.bytes} }

// Files returns the paths of the table's files, sorted.
func (t *ParquetTable) Files() []string {
	out := make([]string, len(t.files))
	for i, f := range t.files {
		out[i] = f.path
	}
	return out
}

// String describes the table for plans: "parquet:<path>" or the first path
// and the number of files.
func (t *ParquetTable) String() string { return describeFiles(FormatParquet, t.Files()) }

// describeFiles names a file table in plans.
func describeFiles(format string, files []string) string {
	if len(files) == 1 {
		return format + ":" + files[0]
	}
	return fmt.Sprintf("%s:%s (+%d files)", format, files[0], len(files)-1)
}

// Splits implements Table. Row groups that the predicates exclude by their
// statistics are skipped; the others are grouped, per file and in order,
// into splits of up to 64 MB (uncompressed) or 1M rows, smaller when the
// table is small so that there are at least two splits per core (as far as
// row groups allow).
func (t *ParquetTable) Splits(ctx context.Context, req ScanRequest) ([]Split, error) {
	for _, p := range req.Predicates {
		if p.Column < 0 || p.Column >= t.schema.NumFields() {
			return nil, fmt.Errorf("predicate on column %d, table has %d", p.Column, t.schema.NumFields())
		}
	}
	type group struct {
		file *parquetFile
		rgs  []int
	}
	var (
		kept       []group
		keptBytes  int64
		keptRows   int64
		rowGroupsN int
	)
	for _, f := range t.files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		g := group{file: f}
		for rg := range f.meta.NumRowGroups() {
			m := f.meta.RowGroup(rg)
			if m.NumRows() == 0 || !f.rowGroupMayMatch(rg, m, req.Predicates) {
				continue
			}
			g.rgs = append(g.rgs, rg)
			keptBytes += m.TotalByteSize()
			keptRows += m.NumRows()
		}
		if len(g.rgs) > 0 {
			kept = append(kept, g)
			rowGroupsN += len(g.rgs)
		}
	}
	minSplits := int64(2 * runtime.GOMAXPROCS(0))
	targetBytes := min(maxSplitBytes, max(1, keptBytes/minSplits))
	targetRows := min(maxSplitRows, max(1, keptRows/minSplits))
	splits := make([]Split, 0, rowGroupsN)
	for _, g := range kept {
		var cur *Split
		for _, rg := range g.rgs {
			m := g.file.meta.RowGroup(rg)
			rows, bytes := m.NumRows(), m.TotalByteSize()
			if cur != nil && (cur.Bytes+bytes > targetBytes || cur.Rows+rows > targetRows) {
				splits = append(splits, *cur)
				cur = nil
			}
			if cur == nil {
				cur = &Split{Path: g.file.path, Length: -1}
			}
			cur.RowGroups = append(cur.RowGroups, rg)
			cur.Rows += rows
			cur.Bytes += bytes
		}
		if cur != nil {
			splits = append(splits, *cur)
		}
	}
	for i := range splits {
		splits[i].Index = i
	}
	return splits, nil
}

// Open implements Table: it reads the split's row groups, only the
// requested columns, in batches of batchSize rows.
func (t *ParquetTable) Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error) {
	f, ok := t.byPath[split.Path]
	if !ok {
		return nil, fmt.Errorf("split of %s does not belong to table %s", split.Path, t)
	}
	var rows int64
	for _, rg := range split.RowGroups {
		if rg < 0 || rg >= f.meta.NumRowGroups() {
			return nil, fmt.Errorf("%s: no row group %d (file has %d)", f.path, rg, f.meta.NumRowGroups())
		}
		rows += f.meta.RowGroup(rg).NumRows()
	}
	if err := checkColumns(req.Columns, t.schema); err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	// An empty list reads nothing (pqarrow would take nil as every row
	// group).
	if len(req.Columns) == 0 || len(split.RowGroups) == 0 {
		return &rowCountReader{rows: rows, batchSize: int64(batchSize)}, nil
	}
	return openParquetSplit(ctx, t.schema, f, split.RowGroups, req.Columns, mem, batchSize)
}

// defaultBatchSize is used when Open is given no batch size.
const defaultBatchSize = 64 << 10

// checkColumns validates column indexes of a ScanRequest.
func checkColumns(cols []int, s *arrow.Schema) error {
	for _, c := range cols {
		if c < 0 || c >= s.NumFields() {
			return fmt.Errorf("column %d requested, table has %d", c, s.NumFields())
		}
	}
	return nil
}

// projectSchema is the schema of the columns cols of s, in that order.
func projectSchema(s *arrow.Schema, cols []int) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fields[i] = s.Field(c)
	}
	return arrow.NewSchema(fields, nil)
}
