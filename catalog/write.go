package catalog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/compress"
)

// BatchSource is a stream of record batches ending with io.EOF, such as a
// query's result or a BatchReader. Whoever calls Next owns the batch it
// returns and releases it: WriteFiles releases every batch it takes from a
// source, also when it fails, and never closes the source.
type BatchSource interface {
	Next(ctx context.Context) (arrow.RecordBatch, error)
}

// SaveMode says what WriteFiles does when its path already exists, with
// the meanings of Spark's SaveMode.
type SaveMode uint8

const (
	// SaveErrorIfExists fails, naming the path, when it exists (the
	// default).
	SaveErrorIfExists SaveMode = iota
	// SaveOverwrite replaces what is at the path, once the new data is
	// completely written.
	SaveOverwrite
	// SaveAppend adds the new files to the directory at the path.
	SaveAppend
	// SaveIgnore does nothing when the path exists: the source is not
	// read.
	SaveIgnore
)

// ParseSaveMode reads a mode's name as Spark spells it, in any case:
// errorifexists (or error, default), overwrite, append, ignore.
func ParseSaveMode(s string) (SaveMode, error) {
	switch strings.ToLower(s) {
	case "errorifexists", "error", "default", "":
		return SaveErrorIfExists, nil
	case "overwrite":
		return SaveOverwrite, nil
	case "append":
		return SaveAppend, nil
	case "ignore":
		return SaveIgnore, nil
	}
	return 0, fmt.Errorf("unknown save mode %q (want errorifexists, overwrite, append or ignore)", s)
}

// String returns the mode's name as ParseSaveMode reads it.
func (m SaveMode) String() string {
	switch m {
	case SaveErrorIfExists:
		return "errorifexists"
	case SaveOverwrite:
		return "overwrite"
	case SaveAppend:
		return "append"
	case SaveIgnore:
		return "ignore"
	}
	return "SaveMode(" + strconv.Itoa(int(m)) + ")"
}

// DefaultMaxRowsPerFile is how many rows a data file holds at most unless
// WriteOptions says otherwise: a large write becomes many files, which
// readers then read in parallel.
const DefaultMaxRowsPerFile = 1 << 20

// WriteOptions configure WriteFiles.
type WriteOptions struct {
	// Format is FormatParquet, FormatCSV or FormatJSON (NDJSON).
	Format string
	// Mode says what to do when the path exists.
	Mode SaveMode
	// PartitionBy names columns (case-insensitively) whose values become
	// directories, Hive style: path/year=2024/month=1/part-....parquet.
	// The columns are not written into the files.
	PartitionBy []string
	// Options are format options, keys case-insensitive. CSV: header
	// (default true), delimiter or sep (default ","), nullValue (default
	// ""). Parquet: compression (snappy, the default, zstd or none). All
	// formats: maxRecordsPerFile, as MaxRowsPerFile.
	Options map[string]string
	// MaxRowsPerFile caps the rows of one data file (0:
	// DefaultMaxRowsPerFile).
	MaxRowsPerFile int64
	// Allocator is where the writer's Arrow memory comes from (nil:
	// memory.DefaultAllocator).
	Allocator memory.Allocator
}

// WriteStats tells what WriteFiles wrote.
type WriteStats struct {
	Files      int   // data files written
	Rows       int64 // rows written
	Bytes      int64 // size of the data files
	Partitions int   // distinct partition directories (0 unpartitioned)
	Skipped    bool  // SaveIgnore found the path and wrote nothing
}

// SuccessFile is the empty marker a completed write leaves in its
// directory, as Spark does. Readers skip it, as every name starting with
// '_' or '.'.
const SuccessFile = "_SUCCESS"

// WriteFiles writes the batches of src, whose schema is schema, as a
// directory of data files at path:
//
//	path/_SUCCESS
//	path/part-00000-<id>.parquet           unpartitioned
//	path/year=2024/part-00001-<id>.parquet with PartitionBy year
//
// Files are numbered in the order they are started and share the write's
// random <id>, so that appended files never collide. A file holds at most
// MaxRowsPerFile rows; each partition directory gets one or more files. An
// unpartitioned write of no rows still writes one (empty) file, so that
// the directory can be read back with its schema.
//
// Nothing is ever half-written: the files are written into a hidden
// temporary directory beside path (same file system) and committed by
// renaming. SaveOverwrite moves the old path aside, renames the new
// directory in and only then deletes the old one; SaveAppend renames each
// new file into the existing directory. A failed or cancelled write, up to
// the commit, leaves path as it was and removes the temporary directory.
// Directories above path are created when missing (and removed again when
// the write fails).
//
// WriteFiles reads src until io.EOF and releases every batch it reads; see
// BatchSource.
func WriteFiles(ctx context.Context, path string, schema *arrow.Schema, src BatchSource, opts WriteOptions) (WriteStats, error) {
	cfg, err := parseWriteOptions(opts)
	if err != nil {
		return WriteStats{}, err
	}
	j, err := newWriteJob(schema, cfg, opts)
	if err != nil {
		return WriteStats{}, err
	}
	t, err := newWriteTarget(path, opts.Mode)
	if err != nil {
		return WriteStats{}, err
	}
	if t.skip {
		return WriteStats{Skipped: true}, nil
	}
	if err := t.begin(j.id); err != nil {
		return WriteStats{}, err
	}
	j.dir = t.tmp
	if err := j.run(ctx, src); err != nil {
		j.abort()
		t.rollback()
		return WriteStats{}, err
	}
	skipped, err := t.commit(ctx)
	if err != nil {
		return WriteStats{}, err
	}
	if skipped {
		return WriteStats{Skipped: true}, nil
	}
	return j.stats, nil
}

// writeConfig is WriteOptions checked and parsed.
type writeConfig struct {
	format    string
	ext       string
	header    bool
	delimiter byte
	nullValue string
	codec     compress.Compression
	maxRows   int64
}

func parseWriteOptions(opts WriteOptions) (*writeConfig, error) {
	cfg := &writeConfig{format: strings.ToLower(opts.Format), header: true, delimiter: ',', codec: compress.Codecs.Snappy,
		maxRows: opts.MaxRowsPerFile}
	switch cfg.format {
	case FormatParquet, FormatCSV, FormatJSON:
	case "ndjson", "jsonl":
		cfg.format = FormatJSON
	default:
		return nil, fmt.Errorf("unknown file format %q (want parquet, csv or json)", opts.Format)
	}
	cfg.ext = cfg.format
	if opts.Mode > SaveIgnore {
		return nil, fmt.Errorf("unknown save mode %d", opts.Mode)
	}
	if cfg.maxRows < 0 {
		return nil, fmt.Errorf("MaxRowsPerFile must not be negative, not %d", cfg.maxRows)
	}
	for k, v := range opts.Options {
		key := strings.ToLower(k)
		var err error
		switch {
		case key == "maxrecordsperfile":
			n, perr := strconv.ParseInt(v, 10, 64)
			if perr != nil || n < 0 {
				return nil, fmt.Errorf("option maxRecordsPerFile must be a count of rows, not %q", v)
			}
			cfg.maxRows = n
		case cfg.format == FormatCSV && key == "header":
			cfg.header, err = parseBoolOption(k, v)
		case cfg.format == FormatCSV && (key == "delimiter" || key == "sep"):
			cfg.delimiter, err = parseCharOption(k, v, false)
			if err == nil && (cfg.delimiter == '"' || cfg.delimiter == '\n' || cfg.delimiter == '\r') {
				err = fmt.Errorf("CSV delimiter must not be a quote or a line break")
			}
		case cfg.format == FormatCSV && key == "nullvalue":
			cfg.nullValue = v
		case cfg.format == FormatParquet && key == "compression":
			var ok bool
			if cfg.codec, ok = parquetCodec(strings.ToLower(v)); !ok {
				err = fmt.Errorf("unknown Parquet compression %q (want snappy, zstd or none)", v)
			}
		default:
			err = fmt.Errorf("unknown %s write option %q (known: %s)", cfg.format, k, knownWriteOptions(cfg.format))
		}
		if err != nil {
			return nil, err
		}
	}
	if strings.ContainsAny(cfg.nullValue, "\"\n\r") || strings.IndexByte(cfg.nullValue, cfg.delimiter) >= 0 {
		return nil, fmt.Errorf("CSV option nullValue must not hold quotes, line breaks or the delimiter")
	}
	if cfg.maxRows == 0 {
		cfg.maxRows = DefaultMaxRowsPerFile
	}
	return cfg, nil
}

func knownWriteOptions(format string) string {
	switch format {
	case FormatCSV:
		return "header, delimiter, sep, nullValue, maxRecordsPerFile"
	case FormatParquet:
		return "compression, maxRecordsPerFile"
	}
	return "maxRecordsPerFile"
}

// writeTarget is the path a write commits to and how.
type writeTarget struct {
	path, parent string
	mode         SaveMode
	skip         bool     // SaveIgnore and the path exists
	tmp          string   // the temporary directory
	made         []string // directories made above path, outermost first
}

// newWriteTarget checks path against the mode.
func newWriteTarget(path string, mode SaveMode) (*writeTarget, error) {
	if path == "" {
		return nil, errors.New("write: no path given")
	}
	clean := filepath.Clean(path)
	base := filepath.Base(clean)
	if base == "." || base == ".." || base == string(filepath.Separator) {
		return nil, fmt.Errorf("cannot write to %s: not a name of a directory to create", path)
	}
	t := &writeTarget{path: clean, parent: filepath.Dir(clean), mode: mode}
	_, err := os.Lstat(clean)
	switch {
	case err == nil:
		switch mode {
		case SaveErrorIfExists:
			return nil, fmt.Errorf("path %s already exists (use mode overwrite, append or ignore)", path)
		case SaveIgnore:
			t.skip = true
		}
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	return t, nil
}

// begin makes the missing directories above path and the temporary
// directory beside it. Its hidden name keeps readers of the parent
// directory from seeing it.
func (t *writeTarget) begin(id string) error {
	for d := t.parent; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, os.ErrNotExist) {
			return err
		}
		t.made = append([]string{d}, t.made...)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(t.parent, 0o755); err != nil {
		t.removeMade()
		return err
	}
	name := ".ember-" + id + "-" + filepath.Base(t.path)
	if len(name) > 200 {
		name = name[:200]
	}
	t.tmp = filepath.Join(t.parent, name)
	if err := os.Mkdir(t.tmp, 0o755); err != nil {
		t.removeMade()
		return err
	}
	return nil
}

// rollback removes everything the write made.
func (t *writeTarget) rollback() {
	if t.tmp != "" {
		os.RemoveAll(t.tmp)
	}
	t.removeMade()
}

// removeMade removes the directories begin made, innermost first, as long
// as they are empty (someone else may have put something there).
func (t *writeTarget) removeMade() {
	for i := len(t.made) - 1; i >= 0; i-- {
		if os.Remove(t.made[i]) != nil {
			return
		}
	}
}

// newWriteID returns the random id naming a write's files.
func newWriteID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ioEOF tells the end of a source.
func ioEOF(err error) bool { return errors.Is(err, io.EOF) }
