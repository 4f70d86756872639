package catalog

import (
	"context"
	"fmt"
	"math/big"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Hive-style partitioned directories, as Spark writes and reads them:
//
//	path/year=2024/city=S%C3%A3o Paulo/part-00000-<id>.parquet
//	path/year=__HIVE_DEFAULT_PARTITION__/city=Oslo/part-00001-<id>.parquet
//
// Each directory level below the table's root is name=value, with the
// characters that are unsafe in paths written %XX (escapePathName); NULL
// and the empty string are __HIVE_DEFAULT_PARTITION__. The files do not
// hold the partition columns: a reader appends them after the files'
// columns, with types inferred from the values of all directories.

// DefaultPartitionName is the directory value of a NULL (or empty string)
// partition value.
const DefaultPartitionName = "__HIVE_DEFAULT_PARTITION__"

// pathEscapes marks the ASCII characters escaped in partition directory
// names: Spark's list (control characters, " # % ' * / : = ? \ DEL { [ ] ^)
// plus NUL, which no file name can hold.
var pathEscapes = func() (t [128]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for _, c := range "\"#%'*/:=?\\\x7f{[]^" {
		t[c] = true
	}
	return t
}()

// appendEscapedPathName appends s with each character of pathEscapes as %
// and two upper-case hex digits.
func appendEscapedPathName(dst, s []byte) []byte {
	const hexUpper = "0123456789ABCDEF"
	for _, c := range s {
		if c < 128 && pathEscapes[c] {
			dst = append(dst, '%', hexUpper[c>>4], hexUpper[c&0xf])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// unescapePathName undoes appendEscapedPathName: %XX becomes the byte XX;
// a % not followed by two hex digits stays as it is.
func unescapePathName(s string) string {
	if strings.IndexByte(s, '%') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				b.WriteByte(hi<<4 | lo)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// partitionable reports whether a column of type dt can partition a
// write: the types whose text reads back as a directory value.
func partitionable(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.BOOL, arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.STRING, arrow.DATE32, arrow.TIMESTAMP:
		return true
	}
	return false
}

// partitionSpec is what a directory's layout says: the partition columns
// and, per data file, its values (in the Go representation of the
// column's type, as ColumnPredicate values; nil for NULL).
type partitionSpec struct {
	fields []arrow.Field
	values map[string][]any
}

// discoverPartitions reads the partition columns of the files under the
// directory root from the directories between root and each file. It
// returns nil when no file lies in a name=value directory; files that do
// not all lie at the same depth of name=value directories with the same
// names are an error.
func discoverPartitions(root string, files []string) (*partitionSpec, error) {
	type fileParts struct {
		path  string
		names []string
		raw   []string
	}
	parsed := make([]fileParts, 0, len(files))
	partitioned := -1 // a file in partition directories
	for _, f := range files {
		rel, err := filepath.Rel(root, filepath.Dir(f))
		if err != nil {
			return nil, err
		}
		p := fileParts{path: f}
		if rel != "." {
			for _, seg := range splitPath(rel) {
				eq := strings.IndexByte(seg, '=')
				if eq <= 0 {
					p.names, p.raw = nil, nil
					break
				}
				p.names = append(p.names, unescapePathName(seg[:eq]))
				p.raw = append(p.raw, seg[eq+1:])
			}
		}
		if len(p.names) > 0 && partitioned < 0 {
			partitioned = len(parsed)
		}
		parsed = append(parsed, p)
	}
	if partitioned < 0 {
		return nil, nil
	}
	ref := parsed[partitioned]
	for _, p := range parsed {
		if !equalNames(ref.names, p.names) {
			return nil, fmt.Errorf("conflicting partition directories: %s is under %s, %s under %s",
				ref.path, describePartitionNames(ref.names), p.path, describePartitionNames(p.names))
		}
	}
	names := ref.names
	for i := range names {
		for k := range i {
			if strings.EqualFold(names[i], names[k]) {
				return nil, fmt.Errorf("%s: partition column %s appears twice in the directories", root, names[i])
			}
		}
	}
	spec := &partitionSpec{values: make(map[string][]any, len(parsed))}
	for k, name := range names {
		inf := partitionInference{}
		for _, p := range parsed {
			inf.observe(p.raw[k])
		}
		dt := inf.dataType()
		spec.fields = append(spec.fields, arrow.Field{Name: name, Type: dt, Nullable: true})
		for _, p := range parsed {
			v, err := partitionValue(p.raw[k], dt)
			if err != nil {
				return nil, fmt.Errorf("%s: partition column %s: %w", p.path, name, err)
			}
			spec.values[p.path] = append(spec.values[p.path], v)
		}
	}
	return spec, nil
}

func equalNames(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func describePartitionNames(names []string) string {
	if len(names) == 0 {
		return "no partition directory"
	}
	return "partition directories " + strings.Join(names, "/")
}

// partitionKind is an inferred partition column type, from the narrowest.
type partitionKind uint8

const (
	partNone      partitionKind = iota // only NULLs so far
	partInt                            // INT
	partBigint                         // BIGINT
	partDecimal                        // DECIMAL(p, 0): integers beyond BIGINT
	partDouble                         // DOUBLE
	partDate                           // DATE
	partTimestamp                      // TIMESTAMP
	partString                         // VARCHAR
)

// partitionInference infers a partition column's type as Spark does:
// each value is the first of INT, BIGINT, DECIMAL(p,0), DOUBLE, DATE
// (YYYY-MM-DD), TIMESTAMP (a date and a time) it parses as, else VARCHAR;
// the column takes the widest: integers widen to DECIMAL or DOUBLE, DATE
// to TIMESTAMP, anything else mixed to VARCHAR. NULLs do not decide; a
// column of NULLs only is VARCHAR. BOOLEAN is never inferred (true reads
// back as a string), as in Spark.
type partitionInference struct {
	kind      partitionKind
	precision int32 // of partDecimal
}

func (p *partitionInference) observe(raw string) {
	if raw == DefaultPartitionName {
		return
	}
	s := unescapePathName(raw)
	k, prec := partitionKindOf(s)
	switch {
	case p.kind == partNone || p.kind == k:
	case p.kind <= partDouble && k <= partDouble:
		k = max(p.kind, k)
	case (p.kind == partDate || p.kind == partTimestamp) && (k == partDate || k == partTimestamp):
		k = partTimestamp
	default:
		k = partString
	}
	p.kind = k
	p.precision = max(p.precision, prec)
}

// partitionKindOf is the narrowest type s parses as, with the digits of an
// integer beyond BIGINT.
func partitionKindOf(s string) (partitionKind, int32) {
	b := []byte(s)
	if v, ok := parseInt64(b); ok {
		if v >= -1<<31 && v <= 1<<31-1 {
			return partInt, 0
		}
		return partBigint, 0
	}
	if d, ok := parseBigInteger(s); ok {
		return partDecimal, int32(len(strings.TrimLeft(d.Abs(d).String(), "0")))
	}
	if _, ok := parseFloat64(b); ok {
		return partDouble, 0
	}
	if _, ok := parseDate(b); ok {
		return partDate, 0
	}
	if _, ok := parseTimestamp(b); ok {
		return partTimestamp, 0
	}
	return partString, 0
}

// parseBigInteger parses an integer of up to 38 digits.
func parseBigInteger(s string) (*big.Int, bool) {
	t := strings.TrimLeft(s, "+-")
	if len(t) == 0 || len(s)-len(t) > 1 || len(strings.TrimLeft(t, "0")) > 38 {
		return nil, false
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return nil, false
		}
	}
	v, ok := new(big.Int).SetString(s, 10)
	return v, ok
}

func (p *partitionInference) dataType() arrow.DataType {
	switch p.kind {
	case partInt:
		return arrow.PrimitiveTypes.Int32
	case partBigint:
		return arrow.PrimitiveTypes.Int64
	case partDecimal:
		return &arrow.Decimal128Type{Precision: max(p.precision, 19), Scale: 0}
	case partDouble:
		return arrow.PrimitiveTypes.Float64
	case partDate:
		return arrow.FixedWidthTypes.Date32
	case partTimestamp:
		return engineTimestamp
	}
	return arrow.BinaryTypes.String
}

// partitionValue converts a directory value to the Go representation of
// type dt (nil for NULL).
func partitionValue(raw string, dt arrow.DataType) (any, error) {
	if raw == DefaultPartitionName {
		return nil, nil
	}
	s := unescapePathName(raw)
	b := []byte(s)
	switch dt.ID() {
	case arrow.INT32:
		if v, ok := parseInt32(b); ok {
			return v, nil
		}
	case arrow.INT64:
		if v, ok := parseInt64(b); ok {
			return v, nil
		}
	case arrow.DECIMAL128:
		if v, ok := parseBigInteger(s); ok {
			return decimal128.FromBigInt(v), nil
		}
	case arrow.FLOAT64:
		if v, ok := parseFloat64(b); ok {
			return v, nil
		}
	case arrow.DATE32:
		if v, ok := parseDate(b); ok {
			return arrow.Date32(v), nil
		}
	case arrow.TIMESTAMP:
		if v, ok := parseTimestamp(b); ok {
			return arrow.Timestamp(v), nil
		}
	case arrow.STRING:
		return s, nil
	}
	return nil, fmt.Errorf("value %q is not a %s", s, sqlTypeName(dt))
}

// PartitionedTable is a table of files in Hive-style partition
// directories: the columns of its files (read by the table of their
// format) followed by the partition columns. A scan skips the files whose
// partition values fail a predicate of the ScanRequest.
type PartitionedTable struct {
	files  Table
	schema *arrow.Schema
	nData  int // columns from the files; the partition columns follow
	spec   *partitionSpec
}

var _ Table = (*PartitionedTable)(nil)

// newPartitionedTable puts the partition columns of spec after the columns
// of files, the table of the data files.
func newPartitionedTable(files Table, spec *partitionSpec) (*PartitionedTable, error) {
	data := files.Schema()
	fields := append([]arrow.Field(nil), data.Fields()...)
	for _, f := range spec.fields {
		for _, d := range data.Fields() {
			if strings.EqualFold(d.Name, f.Name) {
				return nil, fmt.Errorf("column %s is both in the files and a partition directory", f.Name)
			}
		}
		fields = append(fields, f)
	}
	return &PartitionedTable{files: files, schema: arrow.NewSchema(fields, nil), nData: data.NumFields(), spec: spec}, nil
}

// Schema implements Table.
func (t *PartitionedTable) Schema() *arrow.Schema { return t.schema }

// Statistics implements Table: those of the files.
func (t *PartitionedTable) Statistics() Statistics { return t.files.Statistics() }

// PartitionColumns returns the names of the partition columns, in order.
func (t *PartitionedTable) PartitionColumns() []string {
	names := make([]string, len(t.spec.fields))
	for i, f := range t.spec.fields {
		names[i] = f.Name
	}
	return names
}

// Files returns the paths of the table's files, sorted.
func (t *PartitionedTable) Files() []string {
	if f, ok := t.files.(interface{ Files() []string }); ok {
		return f.Files()
	}
	return nil
}

// String describes the table for plans.
func (t *PartitionedTable) String() string {
	return fmt.Sprintf("%v partitioned by (%s)", t.files, strings.Join(t.PartitionColumns(), ", "))
}

// split separates a request's columns and predicates into those of the
// files and those of the partition directories.
func (t *PartitionedTable) split(req ScanRequest) (files ScanRequest, parts []ColumnPredicate, err error) {
	if err := checkColumns(req.Columns, t.schema); err != nil {
		return files, nil, err
	}
	for _, c := range req.Columns {
		if c < t.nData {
			files.Columns = append(files.Columns, c)
		}
	}
	if files.Columns == nil {
		files.Columns = []int{}
	}
	for _, p := range req.Predicates {
		switch {
		case p.Column < 0 || p.Column >= t.schema.NumFields():
			return files, nil, fmt.Errorf("predicate on column %d, table has %d", p.Column, t.schema.NumFields())
		case p.Column < t.nData:
			files.Predicates = append(files.Predicates, p)
		default:
			parts = append(parts, p)
		}
	}
	return files, parts, nil
}

// Splits implements Table: the splits of the files, less those in
// directories whose values fail a predicate on a partition column.
func (t *PartitionedTable) Splits(ctx context.Context, req ScanRequest) ([]Split, error) {
	freq, parts, err := t.split(req)
	if err != nil {
		return nil, err
	}
	all, err := t.files.Splits(ctx, freq)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, s := range all {
		vals, ok := t.spec.values[s.Path]
		if !ok {
			return nil, fmt.Errorf("split of %s is not in a partition directory", s.Path)
		}
		if partitionMayMatch(vals, t.nData, t.spec.fields, parts) {
			s.Index = len(out)
			out = append(out, s)
		}
	}
	return out, nil
}

// partitionMayMatch reports whether a file's partition values satisfy
// every predicate (false only when one is certainly not satisfied).
func partitionMayMatch(vals []any, nData int, fields []arrow.Field, preds []ColumnPredicate) bool {
	for _, p := range preds {
		v := vals[p.Column-nData]
		switch p.Op {
		case CmpIsNull:
			if v != nil {
				return false
			}
			continue
		case CmpIsNotNull:
			if v == nil {
				return false
			}
			continue
		}
		if v == nil {
			return false // a comparison with NULL is never true
		}
		c, ok := compareValues(v, p.Value)
		if !ok {
			continue
		}
		var keep bool
		switch p.Op {
		case CmpEq:
			keep = c == 0
		case CmpLt:
			keep = c < 0
		case CmpLtEq:
			keep = c <= 0
		case CmpGt:
			keep = c > 0
		case CmpGtEq:
			keep = c >= 0
		default:
			keep = true
		}
		if !keep {
			return false
		}
	}
	return true
}

// compareValues compares a partition value with a predicate's value of the
// same column type; ok is false when they cannot be compared (a predicate
// of another representation, NaN).
func compareValues(v, x any) (int, bool) {
	switch a := v.(type) {
	case int32:
		b, ok := intValue(x, false)
		return cmpOrdered(int64(a), b), ok
	case int64:
		b, ok := intValue(x, false)
		return cmpOrdered(a, b), ok
	case float64:
		b, ok := x.(float64)
		if !ok || a != a || b != b {
			return 0, false
		}
		return cmpOrdered(a, b), true
	case decimal128.Num:
		b, ok := x.(decimal128.Num)
		return a.Cmp(b), ok
	case arrow.Date32:
		b, ok := x.(arrow.Date32)
		return cmpOrdered(a, b), ok
	case arrow.Timestamp:
		b, ok := x.(arrow.Timestamp)
		return cmpOrdered(a, b), ok
	case string:
		b, ok := x.(string)
		return strings.Compare(a, b), ok
	}
	return 0, false
}

func cmpOrdered[T int64 | float64 | arrow.Date32 | arrow.Timestamp](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Open implements Table: the split's file, read by the files' table, with
// the partition columns added as constants.
func (t *PartitionedTable) Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error) {
	vals, ok := t.spec.values[split.Path]
	if !ok {
		return nil, fmt.Errorf("split of %s does not belong to table %s", split.Path, t)
	}
	freq, _, err := t.split(req)
	if err != nil {
		return nil, err
	}
	r := &partitionReader{schema: projectSchema(t.schema, req.Columns), mem: mem}
	pos := 0
	for _, c := range req.Columns {
		if c < t.nData {
			r.cols = append(r.cols, partitionReaderColumn{file: pos})
			pos++
		} else {
			r.cols = append(r.cols, partitionReaderColumn{file: -1, value: vals[c-t.nData]})
		}
	}
	if r.inner, err = t.files.Open(ctx, split, freq, mem, batchSize); err != nil {
		return nil, err
	}
	return r, nil
}

// partitionReader adds constant partition columns to a file's batches.
type partitionReader struct {
	inner  BatchReader
	schema *arrow.Schema
	mem    memory.Allocator
	cols   []partitionReaderColumn
}

// partitionReaderColumn is one output column: a column of the file's
// batches, or a partition value.
type partitionReaderColumn struct {
	file  int // index in the file's batches; -1 for a partition column
	value any
	// last is the constant array made for the previous batch, reused
	// while batches keep the same length.
	last arrow.Array
}

// Next implements BatchReader.
func (r *partitionReader) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.inner == nil {
		return nil, fmt.Errorf("read after Close")
	}
	b, err := r.inner.Next(ctx)
	if err != nil {
		return nil, err
	}
	defer b.Release()
	n := b.NumRows()
	cols := make([]arrow.Array, len(r.cols))
	for i := range r.cols {
		c := &r.cols[i]
		if c.file >= 0 {
			cols[i] = b.Column(c.file)
			continue
		}
		if c.last == nil || int64(c.last.Len()) != n {
			if c.last != nil {
				c.last.Release()
				c.last = nil
			}
			arr, err := constantArray(r.mem, r.schema.Field(i).Type, c.value, int(n))
			if err != nil {
				return nil, err
			}
			c.last = arr
		}
		cols[i] = c.last
	}
	return array.NewRecordBatch(r.schema, cols, n), nil
}

// Close implements BatchReader.
func (r *partitionReader) Close() error {
	for i := range r.cols {
		if r.cols[i].last != nil {
			r.cols[i].last.Release()
			r.cols[i].last = nil
		}
	}
	if r.inner == nil {
		return nil
	}
	err := r.inner.Close()
	r.inner = nil
	return err
}

// constantArray is n copies of v (nil: NULL) of type dt.
func constantArray(mem memory.Allocator, dt arrow.DataType, v any, n int) (arrow.Array, error) {
	if v == nil {
		return array.MakeArrayOfNull(mem, dt, n), nil
	}
	switch x := v.(type) {
	case int32:
		return fillArray(array.NewInt32Builder(mem), x, n), nil
	case int64:
		return fillArray(array.NewInt64Builder(mem), x, n), nil
	case float64:
		return fillArray(array.NewFloat64Builder(mem), x, n), nil
	case decimal128.Num:
		return fillArray(array.NewDecimal128Builder(mem, dt.(*arrow.Decimal128Type)), x, n), nil
	case arrow.Date32:
		return fillArray(array.NewDate32Builder(mem), x, n), nil
	case arrow.Timestamp:
		return fillArray(array.NewTimestampBuilder(mem, dt.(*arrow.TimestampType)), x, n), nil
	case string:
		b := array.NewStringBuilder(mem)
		defer b.Release()
		b.Reserve(n)
		b.ReserveData(n * len(x))
		for range n {
			b.Append(x)
		}
		return b.NewArray(), nil
	}
	return nil, fmt.Errorf("partition value %v of type %T", v, v)
}

// fillArray builds n copies of v with b.
func fillArray[T any, B interface {
	array.Builder
	UnsafeAppend(T)
}](b B, v T, n int) arrow.Array {
	defer b.Release()
	b.Reserve(n)
	for range n {
		b.UnsafeAppend(v)
	}
	return b.NewArray()
}
