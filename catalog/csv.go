package catalog

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// CSVTable is a table of one or more CSV files sharing a header (or, without
// header, a number of columns). Column types are inferred when the table is
// opened from a sample of each file (see csvGuess); a later value that does
// not parse as its column's type is an error when it is read.
//
// Each file is one split: a byte range of a file cannot be read on its own
// without knowing whether it starts inside a quoted field, which only
// reading from the start tells.
type CSVTable struct {
	textFiles
	schema *arrow.Schema
	opts   csvOptions
}

var _ Table = (*CSVTable)(nil)

// csvOptions are the CSV reading options.
type csvOptions struct {
	header      bool
	delim       byte
	quote       byte // 0: quoting off
	nullValue   string
	inferSchema bool
}

// How much of each file type inference reads: the first rows, up to a size,
// and no more over all files (later files then only have their header
// checked).
const (
	inferMaxRows       = 10_000
	inferMaxBytes      = 4 << 20
	inferMaxTotalBytes = 64 << 20
)

// parseCSVOptions reads the options map (keys already lower case).
func parseCSVOptions(opts map[string]string, files []string) (csvOptions, error) {
	o := csvOptions{header: true, delim: ',', quote: '"', inferSchema: true}
	tsv := true
	for _, f := range files {
		if !strings.HasSuffix(strings.TrimSuffix(strings.ToLower(f), ".gz"), ".tsv") {
			tsv = false
		}
	}
	if tsv {
		o.delim = '\t'
	}
	for k, v := range opts {
		var err error
		switch k {
		case "header":
			o.header, err = parseBoolOption(k, v)
		case "inferschema":
			o.inferSchema, err = parseBoolOption(k, v)
		case "delimiter", "sep":
			o.delim, err = parseCharOption(k, v, false)
		case "quote":
			o.quote, err = parseCharOption(k, v, true)
		case "nullvalue":
			o.nullValue = v
		default:
			err = fmt.Errorf("unknown CSV option %q (known: header, delimiter, sep, quote, nullValue, inferSchema)", k)
		}
		if err != nil {
			return o, err
		}
	}
	if o.delim == o.quote || o.delim == '\n' || o.delim == '\r' || o.quote == '\n' || o.quote == '\r' {
		return o, errors.New("CSV delimiter and quote must differ and not be line breaks")
	}
	return o, nil
}

func parseBoolOption(k, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, fmt.Errorf("CSV option %s must be true or false, not %q", k, v)
}

// parseCharOption reads a one-character option; \t stands for a tab. An
// empty quote turns quoting off.
func parseCharOption(k, v string, emptyOK bool) (byte, error) {
	switch {
	case v == `\t`:
		return '\t', nil
	case v == "" && emptyOK:
		return 0, nil
	case len(v) == 1 && v[0] < 0x80:
		return v[0], nil
	}
	return 0, fmt.Errorf("CSV option %s must be one ASCII character, not %q", k, v)
}

// openTextFile opens a text data file, decompressing .gz files.
func openTextFile(path string) (io.Reader, io.Closer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	if !strings.HasSuffix(strings.ToLower(path), ".gz") {
		return f, f, nil
	}
	gz, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		if errors.Is(err, io.EOF) {
			return strings.NewReader(""), io.NopCloser(nil), nil
		}
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return gz, closers{gz, f}, nil
}

type closers []io.Closer

func (c closers) Close() error {
	var errs []error
	for _, x := range c {
		errs = append(errs, x.Close())
	}
	return errors.Join(errs...)
}

// openCSV reads the header and a sample of each file to build the schema.
func openCSV(ctx context.Context, files []string, options map[string]string) (*CSVTable, error) {
	o, err := parseCSVOptions(options, files)
	if err != nil {
		return nil, err
	}
	t := &CSVTable{textFiles: newTextFiles(FormatCSV, files), opts: o}
	var (
		names     []string
		namesFrom string
		guesses   []csvGuess
		sampled   int64
	)
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := t.stat(path); err != nil {
			return nil, err
		}
		budget := int64(0)
		if o.inferSchema && sampled < inferMaxTotalBytes {
			budget = inferMaxBytes
		}
		fileNames, n, rows, err := sampleCSV(path, o, budget, &guesses)
		if err != nil {
			return nil, err
		}
		sampled += n
		t.sampled(rows, n)
		if fileNames == nil {
			continue // empty file
		}
		if names == nil {
			names, namesFrom = fileNames, path
			continue
		}
		if len(fileNames) != len(names) {
			return nil, fmt.Errorf("%s: has %d columns, %s has %d", path, len(fileNames), namesFrom, len(names))
		}
		for i := range names {
			if fileNames[i] != names[i] {
				return nil, fmt.Errorf("%s: column %d is %q, in %s it is %q", path, i+1, fileNames[i], namesFrom, names[i])
			}
		}
	}
	if names == nil {
		return nil, fmt.Errorf("%s: CSV file is empty", files[0])
	}
	fields := make([]arrow.Field, len(names))
	for i, name := range names {
		dt := arrow.DataType(arrow.BinaryTypes.String)
		if o.inferSchema && i < len(guesses) {
			dt = guesses[i].dataType()
		}
		fields[i] = arrow.Field{Name: name, Type: dt, Nullable: true}
	}
	t.schema = arrow.NewSchema(fields, nil)
	return t, nil
}

// sampleCSV reads the header of path (or makes up names from the first
// record) and feeds the first rows, up to budget bytes, to guesses. It
// returns nil names for an empty file, and the bytes sampled.
func sampleCSV(path string, o csvOptions, budget int64, guesses *[]csvGuess) (names []string, sampled, sampledRows int64, err error) {
	r, c, err := openTextFile(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer c.Close()
	sc := newCSVScanner(r, path, o.delim, o.quote)
	if o.header {
		n, err := sc.next()
		if errors.Is(err, io.EOF) {
			return nil, 0, 0, nil
		}
		if err != nil {
			return nil, 0, 0, err
		}
		names = headerNames(sc, n)
		sc.reset()
	}
	for rows := 0; rows < inferMaxRows && sampled < budget || names == nil; rows++ {
		n, err := sc.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, 0, err
		}
		if names == nil {
			names = make([]string, n)
			for i := range names {
				names[i] = fmt.Sprintf("_c%d", i)
			}
		}
		if n != len(names) {
			return nil, 0, 0, fmt.Errorf("%s: line %d: expected %d fields, got %d", path, sc.recLine, len(names), n)
		}
		for len(*guesses) < n {
			*guesses = append(*guesses, newCSVGuess())
		}
		if budget > 0 {
			for k := range n {
				f := sc.field(k)
				if len(f) == 0 || csvIsNull(f, sc.quoted[k], o.nullValue) {
					continue // NULLs and empty strings do not decide a type
				}
				(*guesses)[k].observe(f)
			}
		}
		sampled += int64(len(sc.data))
		sampledRows++
		sc.reset()
		if budget == 0 && names != nil {
			break
		}
	}
	return names, sampled, sampledRows, nil
}

// headerNames makes column names of the header record's fields: an empty
// name becomes _c<i>, and a name repeating an earlier one (in any case) gets
// its position appended, as Spark does, so that every column can be named.
func headerNames(sc *csvScanner, n int) []string {
	names := make([]string, n)
	count := map[string]int{}
	for k := range n {
		names[k] = string(sc.field(k))
		if names[k] == "" {
			names[k] = fmt.Sprintf("_c%d", k)
		}
		count[strings.ToLower(names[k])]++
	}
	for k, name := range names {
		if count[strings.ToLower(name)] > 1 {
			names[k] = fmt.Sprintf("%s%d", name, k)
		}
	}
	return names
}

// csvIsNull reports whether a field is NULL: unquoted and equal to the
// null value (by default, empty).
func csvIsNull(f []byte, quoted bool, nullValue string) bool {
	return !quoted && len(f) == len(nullValue) && bytesStr(f) == nullValue
}

// Schema implements Table.
func (t *CSVTable) Schema() *arrow.Schema { return t.schema }

// Open implements Table.
func (t *CSVTable) Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error) {
	if err := t.checkSplit(split); err != nil {
		return nil, err
	}
	if err := checkColumns(req.Columns, t.schema); err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	return newCSVReader(t, split.Path, req.Columns, mem, batchSize)
}
