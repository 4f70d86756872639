package ember

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// DataFrameWriter writes a DataFrame's rows to files or to a table
// (DataFrame.Write). Files are written into a hidden temporary directory
// and committed by rename: a failed or cancelled write leaves nothing
// half-written.
type DataFrameWriter struct {
	df          *DataFrame
	mode        string
	partitionBy []string
	options     map[string]string
}

// Write starts writing the DataFrame: df.Write().Mode("overwrite").
// PartitionBy("year").Parquet(ctx, "out/sales").
func (df *DataFrame) Write() *DataFrameWriter {
	return &DataFrameWriter{df: df, options: map[string]string{}}
}

// Mode says what to do when the target exists, as Spark's SaveMode:
// "errorifexists" (the default: fail), "overwrite" (replace it, once the
// new data is complete), "append" (add files or rows) or "ignore" (write
// nothing).
func (w *DataFrameWriter) Mode(mode string) *DataFrameWriter {
	w.mode = mode
	return w
}

// PartitionBy writes one directory per value of cols (Hive style:
// year=2024/), without those columns in the files; reading the directory
// back restores them.
func (w *DataFrameWriter) PartitionBy(cols ...string) *DataFrameWriter {
	w.partitionBy = append(w.partitionBy, cols...)
	return w
}

// Option sets a format option. CSV: header (default true), delimiter,
// nullValue. Parquet: compression (snappy, zstd or none). All:
// maxRecordsPerFile.
func (w *DataFrameWriter) Option(key, value string) *DataFrameWriter {
	w.options[key] = value
	return w
}

// Parquet writes the rows as a directory of Parquet files at path.
func (w *DataFrameWriter) Parquet(ctx context.Context, path string) error {
	return w.save(ctx, catalog.FormatParquet, path)
}

// CSV writes the rows as a directory of CSV files at path.
func (w *DataFrameWriter) CSV(ctx context.Context, path string) error {
	return w.save(ctx, catalog.FormatCSV, path)
}

// JSON writes the rows as a directory of newline-delimited JSON files at
// path.
func (w *DataFrameWriter) JSON(ctx context.Context, path string) error {
	return w.save(ctx, catalog.FormatJSON, path)
}

func (w *DataFrameWriter) save(ctx context.Context, format, path string) error {
	mode, err := catalog.ParseSaveMode(w.mode)
	if err != nil {
		return err
	}
	if strings.TrimSpace(path) == "" {
		return fmt.Errorf("write %s: empty path", format)
	}
	res, err := w.df.Execute(ctx)
	if err != nil {
		return err
	}
	defer res.Close()
	_, err = catalog.WriteFiles(ctx, path, res.Schema(), res, catalog.WriteOptions{
		Format: format, Mode: mode, PartitionBy: w.partitionBy, Options: w.options, Allocator: w.df.s.mem,
	})
	if err != nil {
		return fmt.Errorf("write %s to %s: %w", format, path, err)
	}
	return nil
}

// SaveAsTable stores the rows as a table of the session's catalog, held in
// memory for the session's life, which SQL and Session.Table can then
// read. The mode applies to an existing table of that name: append adds
// the rows (the columns must match), overwrite replaces it.
func (w *DataFrameWriter) SaveAsTable(ctx context.Context, name string) error {
	df := w.df
	if df.err != nil {
		return df.err
	}
	mode, err := catalog.ParseSaveMode(w.mode)
	if err != nil {
		return err
	}
	if len(w.partitionBy) > 0 {
		return fmt.Errorf("SaveAsTable: PartitionBy applies to files; tables in memory are not partitioned")
	}
	existing := df.s.cat.Lookup(name)
	if existing != nil {
		switch mode {
		case catalog.SaveErrorIfExists:
			return fmt.Errorf("SaveAsTable: table %s already exists", name)
		case catalog.SaveIgnore:
			return nil
		case catalog.SaveAppend:
			mt, ok := existing.Table.(*catalog.MemTable)
			if !ok {
				return fmt.Errorf("SaveAsTable: cannot append to %s: it is not a table held in memory", name)
			}
			if err := sameColumnTypes(mt.Schema(), df.Schema()); err != nil {
				return fmt.Errorf("SaveAsTable: cannot append to %s: %w", name, err)
			}
			batches, err := df.Collect(ctx)
			if err != nil {
				return err
			}
			defer releaseAll(batches)
			// The rows take the table's column names and nullability.
			fixed := make([]arrow.RecordBatch, len(batches))
			for i, b := range batches {
				fixed[i] = array.NewRecordBatch(mt.Schema(), b.Columns(), b.NumRows())
			}
			defer releaseAll(fixed)
			return mt.Append(fixed...)
		}
	}
	batches, err := df.Collect(ctx)
	if err != nil {
		return err
	}
	t := catalog.NewMemTable(df.Schema(), batches, df.s.conf.Cores)
	releaseAll(batches)
	if existing != nil {
		if r, ok := existing.Table.(interface{ Release() }); ok {
			defer r.Release()
		}
	}
	return df.s.cat.Put(&catalog.Entry{Name: name, Kind: catalog.KindTable, Table: t, Schema: df.Schema()}, true)
}

// sameColumnTypes checks that got has want's number of columns and types.
func sameColumnTypes(want, got *arrow.Schema) error {
	if want.NumFields() != got.NumFields() {
		return fmt.Errorf("the table has %d columns, the rows %d", want.NumFields(), got.NumFields())
	}
	for i, f := range want.Fields() {
		if g := got.Field(i); !arrow.TypeEqual(f.Type, g.Type) {
			return fmt.Errorf("column %d (%s) is %s in the table but %s in the rows", i+1, f.Name, planner.TypeName(f.Type), planner.TypeName(g.Type))
		}
	}
	return nil
}

func releaseAll(batches []arrow.RecordBatch) {
	for _, b := range batches {
		b.Release()
	}
}
