package catalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// SpecKind tells which kind of table a TableSpec describes.
type SpecKind int

// The kinds of tables a TableSpec describes.
const (
	// SpecFiles: Parquet, CSV or NDJSON files (Format, Paths, Options,
	// Schema).
	SpecFiles SpecKind = iota + 1
	// SpecPartitioned: files in Hive-style partition directories (as
	// SpecFiles, with Schema holding the partition columns last, and
	// PartitionValues).
	SpecPartitioned
	// SpecRange: a RangeTable (Range).
	SpecRange
	// SpecMemory: a MemTable (Schema, Memory, MemoryRows).
	SpecMemory
)

var specKindText = [...]string{"invalid", "files", "partitioned", "range", "memory"}

func (k SpecKind) String() string {
	if k < 0 || int(k) >= len(specKindText) {
		return fmt.Sprintf("SpecKind(%d)", int(k))
	}
	return specKindText[k]
}

// ErrNotSendable is wrapped by SpecOf's error for a table that has no
// TableSpec: it exists only in this process.
var ErrNotSendable = errors.New("cannot be sent to the cluster")

// TableSpec describes a table as plain data, so that another process (a
// cluster worker) can open the same table: file tables carry the schema
// they resolved, so that a worker reads the files with the types the
// master planned with instead of inferring them again; a memory table
// carries its rows. Which fields are set depends on Kind (see SpecKind).
type TableSpec struct {
	Kind SpecKind
	// Format is FormatParquet, FormatCSV or FormatJSON.
	Format string
	// Paths are the data files, as the table lists them (split paths refer
	// to them, so they are not made absolute: workers share the master's
	// file system and working directory).
	Paths []string
	// Options are the reading options (CSV only), keys in lower case.
	Options map[string]string
	// Schema is the table's schema.
	Schema *arrow.Schema
	// PartitionValues holds, for SpecPartitioned, the values of the
	// partition columns of Paths[i] (in the Go representation of their
	// types, nil for NULL); the partition columns are the last
	// len(PartitionValues[i]) columns of Schema.
	PartitionValues [][]any
	// Range describes a SpecRange table.
	Range RangeSpec
	// Memory holds, for SpecMemory, one Arrow IPC stream per partition,
	// and MemoryRows the rows of each.
	Memory     [][]byte
	MemoryRows []int64
}

// RangeSpec describes a RangeTable: Rows values from Start by Step, in
// Partitions splits.
type RangeSpec struct {
	Start, Step, Rows int64
	Partitions        int
}

// Sendable is implemented by tables of other packages that can describe
// themselves as a TableSpec of one of the kinds above (a cached result
// held as a MemTable, for instance).
type Sendable interface {
	Spec() (TableSpec, error)
}

// SpecOf describes t for another process: Parquet, CSV and NDJSON tables,
// partitioned directories of them, range tables, memory tables and
// Sendable tables. Any other table is an error wrapping ErrNotSendable.
func SpecOf(t Table) (TableSpec, error) {
	switch t := t.(type) {
	case Sendable:
		return t.Spec()
	case *ParquetTable, *CSVTable, *JSONTable:
		return filesSpec(t)
	case *PartitionedTable:
		return partitionedSpec(t)
	case *RangeTable:
		return TableSpec{Kind: SpecRange, Schema: rangeSchema, Range: RangeSpec{
			Start: t.start, Step: t.step, Rows: t.rows, Partitions: t.partitions,
		}}, nil
	case *MemTable:
		return memorySpec(t)
	case *ipcTable:
		return t.spec, nil
	}
	return TableSpec{}, fmt.Errorf("table %v %w (a %T has no table spec)", t, ErrNotSendable, t)
}

// filesSpec describes a table of Parquet, CSV or NDJSON files.
func filesSpec(t Table) (TableSpec, error) {
	s := TableSpec{Kind: SpecFiles, Schema: t.Schema()}
	switch t := t.(type) {
	case *ParquetTable:
		s.Format, s.Paths = FormatParquet, t.Files()
	case *CSVTable:
		s.Format, s.Paths, s.Options = FormatCSV, t.Files(), t.opts.asMap()
	case *JSONTable:
		s.Format, s.Paths = FormatJSON, t.Files()
	default:
		return TableSpec{}, fmt.Errorf("table %v %w (a %T has no table spec)", t, ErrNotSendable, t)
	}
	return s, nil
}

// asMap renders the options the way parseCSVOptions reads them.
func (o csvOptions) asMap() map[string]string {
	quote := ""
	if o.quote != 0 {
		quote = string(o.quote)
	}
	return map[string]string{
		"header":      strconv.FormatBool(o.header),
		"delimiter":   string(o.delim),
		"quote":       quote,
		"nullvalue":   o.nullValue,
		"inferschema": strconv.FormatBool(o.inferSchema),
	}
}

func partitionedSpec(t *PartitionedTable) (TableSpec, error) {
	s, err := filesSpec(t.files)
	if err != nil {
		return TableSpec{}, err
	}
	s.Kind, s.Schema = SpecPartitioned, t.schema
	s.PartitionValues = make([][]any, len(s.Paths))
	for i, p := range s.Paths {
		vals, ok := t.spec.values[p]
		if !ok {
			return TableSpec{}, fmt.Errorf("%s: file has no partition values", p)
		}
		s.PartitionValues[i] = append([]any(nil), vals...)
	}
	return s, nil
}

// memorySpec writes each partition of t as an LZ4-compressed Arrow IPC
// stream. The writer's scratch memory comes from Go's heap and is freed
// before this returns.
func memorySpec(t *MemTable) (TableSpec, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.released {
		return TableSpec{}, errors.New("memory table was released")
	}
	s := TableSpec{Kind: SpecMemory, Schema: t.schema,
		Memory: make([][]byte, len(t.parts)), MemoryRows: append([]int64(nil), t.partRows...)}
	for i, part := range t.parts {
		var buf bytes.Buffer
		w := ipc.NewWriter(&buf, ipc.WithSchema(t.schema), ipc.WithAllocator(memory.DefaultAllocator), ipc.WithLZ4())
		for _, b := range part {
			if err := w.Write(b); err != nil {
				w.Close()
				return TableSpec{}, fmt.Errorf("memory table partition %d: %w", i, err)
			}
		}
		if err := w.Close(); err != nil {
			return TableSpec{}, fmt.Errorf("memory table partition %d: %w", i, err)
		}
		s.Memory[i] = buf.Bytes()
	}
	return s, nil
}

// OpenSpec opens the table s describes. File tables are opened with the
// spec's schema, without inferring one: a Parquet file whose schema is no
// longer that one is an error, as is a missing file.
func OpenSpec(ctx context.Context, s TableSpec) (Table, error) {
	if s.Schema == nil && s.Kind != SpecRange {
		return nil, fmt.Errorf("%s table spec has no schema", s.Kind)
	}
	switch s.Kind {
	case SpecFiles:
		return openFilesSpec(ctx, s.Format, s.Paths, s.Options, s.Schema)
	case SpecPartitioned:
		return openPartitionedSpec(ctx, s)
	case SpecRange:
		r := s.Range
		if r.Step == 0 || r.Rows < 0 || r.Partitions < 1 {
			return nil, fmt.Errorf("invalid range table spec %+v", r)
		}
		return &RangeTable{start: r.Start, step: r.Step, rows: r.Rows, partitions: r.Partitions}, nil
	case SpecMemory:
		if len(s.Memory) == 0 || len(s.Memory) != len(s.MemoryRows) {
			return nil, fmt.Errorf("memory table spec has %d partitions and %d row counts", len(s.Memory), len(s.MemoryRows))
		}
		return &ipcTable{spec: s}, nil
	}
	return nil, fmt.Errorf("unknown table spec kind %d", int(s.Kind))
}

// openFilesSpec opens a table of files with a known schema.
func openFilesSpec(ctx context.Context, format string, paths []string, options map[string]string, schema *arrow.Schema) (Table, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("%s table spec has no files", format)
	}
	switch format {
	case FormatParquet:
		if len(options) > 0 {
			return nil, noOptions("Parquet", options)
		}
		t, err := openParquet(ctx, paths)
		if err != nil {
			return nil, err
		}
		if ok, diff := sameColumns(schema, t.schema); !ok {
			return nil, fmt.Errorf("%s: the files changed since the query was planned: %s", describeFiles(format, paths), diff)
		}
		return t, nil
	case FormatCSV:
		o, err := parseCSVOptions(options, paths)
		if err != nil {
			return nil, err
		}
		t := &CSVTable{textFiles: newTextFiles(FormatCSV, append([]string(nil), paths...)), schema: schema, opts: o}
		if err := statAll(ctx, &t.textFiles); err != nil {
			return nil, err
		}
		return t, nil
	case FormatJSON:
		if len(options) > 0 {
			return nil, noOptions("JSON", options)
		}
		t := &JSONTable{textFiles: newTextFiles(FormatJSON, append([]string(nil), paths...)), schema: schema}
		if err := statAll(ctx, &t.textFiles); err != nil {
			return nil, err
		}
		return t, nil
	}
	return nil, fmt.Errorf("unknown file format %q in table spec", format)
}

// statAll records the sizes of the files, which splits are checked
// against.
func statAll(ctx context.Context, t *textFiles) error {
	for _, p := range t.files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := t.stat(p); err != nil {
			return err
		}
	}
	return nil
}

func openPartitionedSpec(ctx context.Context, s TableSpec) (Table, error) {
	if len(s.Paths) == 0 || len(s.PartitionValues) != len(s.Paths) {
		return nil, fmt.Errorf("partitioned table spec has %d files and %d partition value lists", len(s.Paths), len(s.PartitionValues))
	}
	nParts := len(s.PartitionValues[0])
	nData := s.Schema.NumFields() - nParts
	if nParts == 0 || nData < 0 {
		return nil, fmt.Errorf("partitioned table spec has %d partition columns for %d columns", nParts, s.Schema.NumFields())
	}
	spec := &partitionSpec{fields: s.Schema.Fields()[nData:], values: make(map[string][]any, len(s.Paths))}
	for i, p := range s.Paths {
		if len(s.PartitionValues[i]) != nParts {
			return nil, fmt.Errorf("%s: %d partition values, want %d", p, len(s.PartitionValues[i]), nParts)
		}
		spec.values[p] = append([]any(nil), s.PartitionValues[i]...)
	}
	files, err := openFilesSpec(ctx, s.Format, s.Paths, s.Options, arrow.NewSchema(s.Schema.Fields()[:nData], nil))
	if err != nil {
		return nil, err
	}
	return newPartitionedTable(files, spec)
}

// ipcTable is a memory table received as a TableSpec: it keeps each
// partition as an Arrow IPC stream and decodes a partition when a split
// is opened, into the reader's allocator, so that the rows are accounted
// to the query that reads them. Its splits are those of the MemTable it
// came from.
type ipcTable struct {
	spec TableSpec
}

var _ Table = (*ipcTable)(nil)

// Schema implements Table.
func (t *ipcTable) Schema() *arrow.Schema { return t.spec.Schema }

// Statistics implements Table: exact rows; bytes of the encoded streams.
func (t *ipcTable) Statistics() Statistics {
	var s Statistics
	for i, r := range t.spec.MemoryRows {
		s.Rows += r
		s.Bytes += int64(len(t.spec.Memory[i]))
	}
	return s
}

// String describes the table for plans, as MemTable does.
func (t *ipcTable) String() string { return fmt.Sprintf("memory:%d partitions", len(t.spec.Memory)) }

// Splits implements Table: one split per partition that holds rows.
func (t *ipcTable) Splits(ctx context.Context, req ScanRequest) ([]Split, error) {
	var out []Split
	for i, r := range t.spec.MemoryRows {
		if r > 0 {
			out = append(out, Split{Index: i, Length: -1, Rows: r, Bytes: int64(len(t.spec.Memory[i]))})
		}
	}
	return out, nil
}

// Open implements Table: it decodes partition split.Index into mem.
func (t *ipcTable) Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error) {
	if err := checkColumns(req.Columns, t.spec.Schema); err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	if split.Index < 0 || split.Index >= len(t.spec.Memory) {
		return nil, fmt.Errorf("memory table has no partition %d", split.Index)
	}
	batches, err := decodeIPC(ctx, t.spec.Memory[split.Index], t.spec.Schema, mem)
	if err != nil {
		return nil, fmt.Errorf("memory table partition %d: %w", split.Index, err)
	}
	return &memReader{
		batches:   batches,
		cols:      req.Columns,
		schema:    projectSchema(t.spec.Schema, req.Columns),
		batchSize: int64(batchSize),
	}, nil
}

// decodeIPC reads every batch of an IPC stream into mem, checking its
// schema.
func decodeIPC(ctx context.Context, data []byte, schema *arrow.Schema, mem memory.Allocator) (out []arrow.RecordBatch, err error) {
	r, err := ipc.NewReader(bytes.NewReader(data), ipc.WithAllocator(mem), ipc.WithSchema(schema))
	if err != nil {
		return nil, err
	}
	defer r.Release()
	defer func() {
		if err != nil {
			for _, b := range out {
				b.Release()
			}
			out = nil
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		b, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		b.Retain()
		out = append(out, b)
	}
}
