package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// maxOpenWriters bounds the data files a partitioned write keeps open at
// once: each holds a buffered row group (Parquet) or a write buffer. When a
// batch brings a new partition past the bound, the least recently used
// file is finished, and that partition's next rows start a new file.
const maxOpenWriters = 32

// fileWriter writes one data file of the temporary directory.
type fileWriter interface {
	write(batch arrow.RecordBatch) error
	// finish flushes, syncs and closes the file.
	finish() error
	// abort closes the file, ignoring errors (the directory is removed).
	abort()
}

// writeJob routes the batches of one write into data files.
type writeJob struct {
	cfg        *writeConfig
	mem        memory.Allocator
	id         string
	dir        string        // the temporary directory
	input      *arrow.Schema // the source's schema
	dataSchema *arrow.Schema // what the files hold: all nullable, no partition columns
	dataCols   []int         // input columns written into the files
	partCols   []int         // input columns partitioned by
	// partPrefix[k] is `name=` of partition column k, escaped.
	partPrefix []string

	groups   map[string]*partGroup
	all      []*partGroup // in the order they were made
	touched  []*partGroup // groups of the current batch
	open     int          // files open
	clock    int64        // counts uses, for least-recently-used
	nextFile int
	key, val []byte
	renders  []textColumn
	stats    WriteStats
}

// partGroup is one output directory: a partition, or the whole write.
type partGroup struct {
	dir     string // relative, slash-separated; "" unpartitioned
	made    bool   // the directory exists
	w       fileWriter
	path    string // of the open file
	rows    int64  // rows in the open file
	lastUse int64
	idx     []int32 // rows of the current batch
}

func newWriteJob(schema *arrow.Schema, cfg *writeConfig, opts WriteOptions) (*writeJob, error) {
	if schema == nil {
		return nil, fmt.Errorf("write: no schema given")
	}
	j := &writeJob{cfg: cfg, mem: opts.Allocator, id: newWriteID(), input: schema, groups: map[string]*partGroup{}}
	if j.mem == nil {
		j.mem = memory.DefaultAllocator
	}
	isPart := make([]bool, schema.NumFields())
	for _, name := range opts.PartitionBy {
		i, err := resolveColumn(schema, name)
		if err != nil {
			return nil, fmt.Errorf("partition column: %w", err)
		}
		if isPart[i] {
			return nil, fmt.Errorf("partition column %s is given twice", schema.Field(i).Name)
		}
		if !partitionable(schema.Field(i).Type) {
			return nil, fmt.Errorf("cannot partition by column %s of type %s", schema.Field(i).Name, schema.Field(i).Type)
		}
		isPart[i] = true
		j.partCols = append(j.partCols, i)
		esc := appendEscapedPathName(nil, []byte(schema.Field(i).Name))
		j.partPrefix = append(j.partPrefix, string(esc)+"=")
	}
	if len(j.partCols) > 0 && len(j.partCols) == schema.NumFields() {
		return nil, fmt.Errorf("cannot partition by every column: the files would hold none")
	}
	var fields []arrow.Field
	for i, f := range schema.Fields() {
		if isPart[i] {
			continue
		}
		if cfg.format != FormatParquet && !textWritable(f.Type) {
			return nil, fmt.Errorf("column %s of type %s cannot be written to %s", f.Name, f.Type, cfg.format)
		}
		j.dataCols = append(j.dataCols, i)
		// Written columns are all nullable, as Spark writes them: a
		// schema's NOT NULL is not a promise the files keep.
		fields = append(fields, arrow.Field{Name: f.Name, Type: f.Type, Nullable: true})
	}
	j.dataSchema = arrow.NewSchema(fields, nil)
	return j, nil
}

// resolveColumn finds a column by name: exactly, else case-insensitively
// when that is unambiguous.
func resolveColumn(schema *arrow.Schema, name string) (int, error) {
	if idx := schema.FieldIndices(name); len(idx) == 1 {
		return idx[0], nil
	}
	found := -1
	for i, f := range schema.Fields() {
		if strings.EqualFold(f.Name, name) {
			if found >= 0 {
				return 0, fmt.Errorf("column name %s is ambiguous", name)
			}
			found = i
		}
	}
	if found < 0 {
		names := make([]string, schema.NumFields())
		for i, f := range schema.Fields() {
			names[i] = f.Name
		}
		return 0, fmt.Errorf("no column %s (columns: %s)", name, strings.Join(names, ", "))
	}
	return found, nil
}

// run reads the source to its end and writes every batch, then finishes
// the files and writes the marker.
func (j *writeJob) run(ctx context.Context, src BatchSource) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		batch, err := src.Next(ctx)
		if ioEOF(err) {
			break
		}
		if err != nil {
			return err
		}
		err = j.add(ctx, batch)
		batch.Release()
		if err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(j.partCols) == 0 && j.nextFile == 0 {
		// No rows: one empty file keeps the schema.
		g := j.group("")
		if err := j.openFile(g); err != nil {
			return err
		}
	}
	for _, g := range j.all {
		if err := j.closeFile(g); err != nil {
			return err
		}
	}
	j.stats.Partitions = 0
	if len(j.partCols) > 0 {
		j.stats.Partitions = len(j.all)
	}
	f, err := os.Create(filepath.Join(j.dir, SuccessFile))
	if err != nil {
		return err
	}
	return f.Close()
}

// add writes one batch.
func (j *writeJob) add(ctx context.Context, batch arrow.RecordBatch) error {
	if err := j.checkBatch(batch); err != nil {
		return err
	}
	n := batch.NumRows()
	if n == 0 {
		return nil
	}
	cols := make([]arrow.Array, len(j.dataCols))
	for k, c := range j.dataCols {
		cols[k] = batch.Column(c)
	}
	data := array.NewRecordBatch(j.dataSchema, cols, n)
	defer data.Release()
	if len(j.partCols) == 0 {
		return j.writeRows(j.group(""), data)
	}
	if err := j.route(batch); err != nil {
		return err
	}
	for _, g := range j.touched {
		sub, err := j.rowsOf(ctx, data, g.idx)
		if err != nil {
			return err
		}
		err = j.writeRows(g, sub)
		sub.Release()
		if err != nil {
			return err
		}
	}
	return nil
}

// checkBatch verifies that batch matches the write's schema.
func (j *writeJob) checkBatch(batch arrow.RecordBatch) error {
	if int(batch.NumCols()) != j.input.NumFields() {
		return fmt.Errorf("write: batch has %d columns, the schema %d", batch.NumCols(), j.input.NumFields())
	}
	for i, f := range j.input.Fields() {
		if dt := batch.Column(i).DataType(); !arrow.TypeEqual(dt, f.Type) {
			return fmt.Errorf("write: column %s of a batch is %s, the schema says %s", f.Name, dt, f.Type)
		}
	}
	return nil
}

// route sorts the rows of batch into partition groups by their directory
// name, filling each touched group's idx.
func (j *writeJob) route(batch arrow.RecordBatch) error {
	j.renders = j.renders[:0]
	for _, c := range j.partCols {
		r, err := newTextColumn(batch.Column(c), stylePath)
		if err != nil {
			return err
		}
		j.renders = append(j.renders, r)
	}
	for _, g := range j.touched {
		g.idx = g.idx[:0]
	}
	j.touched = j.touched[:0]
	var last *partGroup
	lastKey := ""
	n := int(batch.NumRows())
	for i := range n {
		j.key = j.key[:0]
		for k := range j.renders {
			if k > 0 {
				j.key = append(j.key, '/')
			}
			j.key = append(j.key, j.partPrefix[k]...)
			r := &j.renders[k]
			if r.arr.IsNull(i) {
				j.key = append(j.key, DefaultPartitionName...)
				continue
			}
			j.val = r.app(j.val[:0], i)
			if len(j.val) == 0 {
				// The empty string has no directory name: it is NULL
				// once written, as in Spark.
				j.key = append(j.key, DefaultPartitionName...)
				continue
			}
			j.key = appendEscapedPathName(j.key, j.val)
		}
		g := last
		if g == nil || string(j.key) != lastKey {
			g = j.groups[string(j.key)]
			if g == nil {
				g = j.group(string(j.key))
			}
			last, lastKey = g, g.dir
		}
		if len(g.idx) == 0 {
			j.touched = append(j.touched, g)
		}
		g.idx = append(g.idx, int32(i))
	}
	return nil
}

// group returns the group of a directory, making it.
func (j *writeJob) group(dir string) *partGroup {
	if g := j.groups[dir]; g != nil {
		return g
	}
	g := &partGroup{dir: dir}
	j.groups[dir] = g
	j.all = append(j.all, g)
	return g
}

// rowsOf returns the rows idx (ascending) of data: a zero-copy slice when
// they are consecutive, else a gather.
func (j *writeJob) rowsOf(ctx context.Context, data arrow.RecordBatch, idx []int32) (arrow.RecordBatch, error) {
	first, last := int64(idx[0]), int64(idx[len(idx)-1])
	if last-first+1 == int64(len(idx)) {
		return data.NewSlice(first, last+1), nil
	}
	indices := array.NewInt32Data(array.NewData(arrow.PrimitiveTypes.Int32, len(idx),
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(idx))}, nil, 0, 0))
	defer indices.Release()
	ctx = compute.WithAllocator(ctx, j.mem)
	out, err := compute.Take(ctx, *compute.DefaultTakeOptions(), compute.NewDatumWithoutOwning(data),
		compute.NewDatumWithoutOwning(indices))
	if err != nil {
		return nil, err
	}
	rec := out.(*compute.RecordDatum).Value
	rec.Retain()
	out.Release()
	return rec, nil
}

// writeRows writes rows to g's files, starting a new file whenever the
// open one is full.
func (j *writeJob) writeRows(g *partGroup, rows arrow.RecordBatch) error {
	n, done := rows.NumRows(), int64(0)
	for done < n {
		if g.w == nil {
			if err := j.openFile(g); err != nil {
				return err
			}
		}
		j.clock++
		g.lastUse = j.clock
		take := min(n-done, j.cfg.maxRows-g.rows)
		part := rows
		if take != n {
			part = rows.NewSlice(done, done+take)
		}
		err := g.w.write(part)
		if take != n {
			part.Release()
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", g.path, err)
		}
		g.rows += take
		done += take
		j.stats.Rows += take
		if g.rows >= j.cfg.maxRows {
			if err := j.closeFile(g); err != nil {
				return err
			}
		}
	}
	return nil
}

// openFile starts g's next data file, first finishing the least recently
// used open file when too many are open.
func (j *writeJob) openFile(g *partGroup) error {
	if j.open >= maxOpenWriters {
		var lru *partGroup
		for _, o := range j.all {
			if o.w != nil && o != g && (lru == nil || o.lastUse < lru.lastUse) {
				lru = o
			}
		}
		if lru != nil {
			if err := j.closeFile(lru); err != nil {
				return err
			}
		}
	}
	dir := filepath.Join(j.dir, filepath.FromSlash(g.dir))
	if !g.made {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		g.made = true
	}
	name := fmt.Sprintf("part-%05d-%s.%s", j.nextFile, j.id, j.cfg.ext)
	j.nextFile++
	g.path = filepath.Join(dir, name)
	var err error
	switch j.cfg.format {
	case FormatParquet:
		g.w, err = newParquetFileWriter(g.path, j.dataSchema, j.cfg, j.mem)
	case FormatCSV:
		g.w, err = newCSVFileWriter(g.path, j.dataSchema, j.cfg)
	default:
		g.w, err = newJSONFileWriter(g.path, j.dataSchema)
	}
	if err != nil {
		g.w = nil
		return fmt.Errorf("write %s: %w", g.path, err)
	}
	g.rows = 0
	j.open++
	return nil
}

// closeFile finishes g's open file, if any.
func (j *writeJob) closeFile(g *partGroup) error {
	if g.w == nil {
		return nil
	}
	w := g.w
	g.w = nil
	j.open--
	if err := w.finish(); err != nil {
		return fmt.Errorf("write %s: %w", g.path, err)
	}
	st, err := os.Stat(g.path)
	if err != nil {
		return err
	}
	j.stats.Files++
	j.stats.Bytes += st.Size()
	return nil
}

// abort closes every open file after a failure.
func (j *writeJob) abort() {
	for _, g := range j.all {
		if g.w != nil {
			g.w.abort()
			g.w = nil
		}
	}
	j.open = 0
}
