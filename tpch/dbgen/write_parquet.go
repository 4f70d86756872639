package dbgen

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// parquetWriter writes chunks as the row groups of one Parquet file, with
// the physical and logical types of dbgen's Parquet files as DuckDB writes
// them: INT32/INT64 integers, DECIMAL(15,2) on INT64, DATE on INT32,
// STRING on BYTE_ARRAY, all optional (nullable, though never null).
//
// It uses the column writers of package parquet/file directly rather than
// pqarrow: the chunk's plain slices go to the encoders as they are, with
// no Arrow arrays built in between.
type parquetWriter struct {
	fw   *file.Writer
	defs []int16             // all 1: every value is defined
	ba   []parquet.ByteArray // a text column's values, reused
	// dicts holds, for each enum column, its values as the dictionary
	// given to the encoder.
	dicts []arrow.Array
	seen  []bool // which values of an enum a chunk uses
}

// dictionaryEncoder is what the writer needs of a column's dictionary
// encoder (an internal type of arrow-go): to be given the dictionary, so
// that the chunk's codes can be written as they are, unhashed.
type dictionaryEncoder interface {
	PutDictionary(values arrow.Array) error
	NumEntries() int
}

// parquetSchema is the file schema of t.
func parquetSchema(t *table) (*schema.GroupNode, error) {
	fields := make(schema.FieldList, len(t.columns))
	for i, c := range t.columns {
		var (
			logical  schema.LogicalType
			physical parquet.Type
		)
		switch c.kind {
		case kindInt32:
			logical, physical = schema.NewIntLogicalType(32, true), parquet.Types.Int32
		case kindInt64:
			logical, physical = schema.NewIntLogicalType(64, true), parquet.Types.Int64
		case kindMoney:
			logical, physical = schema.NewDecimalLogicalType(15, 2), parquet.Types.Int64
		case kindDate:
			logical, physical = schema.DateLogicalType{}, parquet.Types.Int32
		case kindText, kindEnum:
			logical, physical = schema.StringLogicalType{}, parquet.Types.ByteArray
		}
		n, err := schema.NewPrimitiveNodeLogical(c.name, parquet.Repetitions.Optional, logical, physical, -1, -1)
		if err != nil {
			return nil, err
		}
		fields[i] = n
	}
	return schema.NewGroupNode("schema", parquet.Repetitions.Required, fields, -1)
}

// newParquetWriter starts a Parquet file of table t on w. Buffers of the
// encoders come from mem.
func newParquetWriter(w io.Writer, t *table, mem memory.Allocator) (*parquetWriter, error) {
	sc, err := parquetSchema(t)
	if err != nil {
		return nil, err
	}
	opts := []parquet.WriterProperty{
		parquet.WithAllocator(mem),
		parquet.WithCompression(compress.Codecs.Snappy),
		parquet.WithDictionaryDefault(false),
		parquet.WithStats(true),
		parquet.WithCreatedBy("Ember dbgen"),
		// A chunk is one row group, however many rows it has.
		parquet.WithMaxRowGroupLength(1 << 30),
	}
	for _, c := range t.columns {
		if c.dict || c.kind == kindEnum {
			opts = append(opts, parquet.WithDictionaryFor(c.name, true))
		}
	}
	p := &parquetWriter{dicts: make([]arrow.Array, len(t.columns))}
	for i, c := range t.columns {
		if c.kind == kindEnum {
			b := array.NewStringBuilder(mem)
			b.AppendValues(c.enum, nil)
			p.dicts[i] = b.NewArray()
			b.Release()
		}
	}
	p.fw, err = file.NewParquetWriterWithError(w, sc, file.WithWriterProps(parquet.NewWriterProperties(opts...)))
	if err != nil {
		p.release()
		return nil, err
	}
	return p, nil
}

// release releases the dictionaries.
func (p *parquetWriter) release() {
	for i, d := range p.dicts {
		if d != nil {
			d.Release()
			p.dicts[i] = nil
		}
	}
}

// writeChunk writes c as one row group.
func (p *parquetWriter) writeChunk(c *chunk) (err error) {
	if c.rows == 0 {
		return nil
	}
	for len(p.defs) < c.rows {
		p.defs = append(p.defs, 1)
	}
	defs := p.defs[:c.rows]
	rg, err := p.fw.AppendRowGroupChecked()
	if err != nil {
		return err
	}
	for i := range c.cols {
		col := &c.cols[i]
		cw, err := rg.NextColumn()
		if err != nil {
			return err
		}
		switch w := cw.(type) {
		case *file.Int64ColumnChunkWriter:
			_, err = w.WriteBatch(col.ints, defs, nil)
		case *file.Int32ColumnChunkWriter:
			_, err = w.WriteBatch(col.ints32, defs, nil)
		case *file.ByteArrayColumnChunkWriter:
			if col.kind == kindEnum {
				err = p.writeEnum(w, col, i, defs)
				break
			}
			p.ba = p.ba[:0]
			for r := range c.rows {
				p.ba = append(p.ba, col.value(r))
			}
			_, err = w.WriteBatch(p.ba, defs, nil)
		default:
			err = fmt.Errorf("dbgen: unexpected column writer %T", cw)
		}
		if cerr := cw.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return rg.Close()
}

// writeEnum writes the codes of an enum column as the indices of its
// dictionary, and the statistics of the values they stand for.
func (p *parquetWriter) writeEnum(w *file.ByteArrayColumnChunkWriter, col *column, i int, defs []int16) error {
	enc, ok := w.CurrentEncoder().(dictionaryEncoder)
	if !ok {
		return fmt.Errorf("dbgen: column %d is not dictionary-encoded", i)
	}
	if err := enc.PutDictionary(p.dicts[i]); err != nil {
		return err
	}
	if enc.NumEntries() != len(col.enum) {
		return fmt.Errorf("dbgen: column %d: the enum has duplicate values", i)
	}
	if st, ok := w.PageStatistics().(*metadata.ByteArrayStatistics); ok {
		if cap(p.seen) < len(col.enum) {
			p.seen = make([]bool, len(col.enum))
		}
		p.seen = p.seen[:len(col.enum)]
		clear(p.seen)
		for _, code := range col.ints32 {
			p.seen[code] = true
		}
		var lo, hi string
		first := true
		for code, used := range p.seen {
			v := col.enum[code]
			switch {
			case !used:
			case first:
				lo, hi, first = v, v, false
			case v < lo:
				lo = v
			case v > hi:
				hi = v
			}
		}
		st.IncNumValues(int64(len(col.ints32)))
		st.SetMinMax(parquet.ByteArray(lo), parquet.ByteArray(hi))
	}
	codes := memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(col.ints32))
	data := array.NewData(arrow.PrimitiveTypes.Int32, len(col.ints32), []*memory.Buffer{nil, codes}, nil, 0, 0)
	indices := array.NewInt32Data(data)
	data.Release()
	defer indices.Release()
	return w.WriteDictIndices(indices, defs, nil)
}

// close writes the footer.
func (p *parquetWriter) close() error {
	defer p.release()
	return p.fw.Close()
}
