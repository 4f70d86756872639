package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// JSONTable is a table of newline-delimited JSON files: one object per
// line. Its columns are the keys of a sample of lines (see jsonGuess), in
// the order they were first seen; a key absent from a line is NULL there,
// and keys that appear only after the sample are not read. Each file is one
// split.
type JSONTable struct {
	textFiles
	schema *arrow.Schema
}

var _ Table = (*JSONTable)(nil)

// jsonGuess infers one key's type from the sample: BIGINT for integers
// (DOUBLE once a number has a fraction or exponent, or does not fit 64
// bits), BOOLEAN, VARCHAR for strings and for nested objects and arrays
// (holding their JSON text). Values of different kinds make VARCHAR; NULLs
// do not decide; a key seen only with NULL is VARCHAR.
type jsonGuess struct {
	name string
	kind jsonKind // jsonMissing: no value yet; jsonString for VARCHAR
}

func (g *jsonGuess) observe(kind jsonKind, raw []byte) {
	switch kind {
	case jsonNull:
		return
	case jsonInt:
		if _, ok := parseInt64(raw); !ok {
			kind = jsonFloat
		}
	case jsonFalse:
		kind = jsonTrue
	case jsonNested:
		kind = jsonString
	}
	switch {
	case g.kind == jsonMissing || g.kind == kind:
		g.kind = kind
	case (g.kind == jsonInt && kind == jsonFloat) || (g.kind == jsonFloat && kind == jsonInt):
		g.kind = jsonFloat
	default:
		g.kind = jsonString
	}
}

func (g *jsonGuess) dataType() arrow.DataType {
	switch g.kind {
	case jsonInt:
		return arrow.PrimitiveTypes.Int64
	case jsonFloat:
		return arrow.PrimitiveTypes.Float64
	case jsonTrue:
		return arrow.FixedWidthTypes.Boolean
	}
	return arrow.BinaryTypes.String
}

// openJSON infers the schema from a sample of each file.
func openJSON(ctx context.Context, files []string) (*JSONTable, error) {
	t := &JSONTable{textFiles: newTextFiles(FormatJSON, files)}
	var (
		guesses []*jsonGuess
		byKey   = map[string]*jsonGuess{}
		sampled int64
	)
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := t.stat(path); err != nil {
			return nil, err
		}
		if sampled >= inferMaxTotalBytes {
			continue
		}
		n, rows, err := sampleJSON(path, func(key []byte, kind jsonKind, raw []byte) error {
			g, ok := byKey[string(key)]
			if !ok {
				g = &jsonGuess{name: string(key)}
				byKey[g.name] = g
				guesses = append(guesses, g)
			}
			g.observe(kind, raw)
			return nil
		})
		if err != nil {
			return nil, err
		}
		sampled += n
		t.sampled(rows, n)
	}
	if len(guesses) == 0 {
		return nil, fmt.Errorf("%s: no JSON object with keys found", files[0])
	}
	fields := make([]arrow.Field, len(guesses))
	for i, g := range guesses {
		fields[i] = arrow.Field{Name: g.name, Type: g.dataType(), Nullable: true}
	}
	t.schema = arrow.NewSchema(fields, nil)
	return t, nil
}

// sampleJSON feeds the members of the first lines of path to emit, and
// returns the bytes read and how many rows they held.
func sampleJSON(path string, emit func(key []byte, kind jsonKind, raw []byte) error) (sampled, rows int64, err error) {
	r, c, err := openTextFile(path)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	lr := newLineReader(r)
	var sc jsonScanner
	for rows < inferMaxRows && sampled < inferMaxBytes {
		line, _, err := lr.readLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		sampled += int64(len(line)) + 1
		if jsonBlank(line) {
			continue
		}
		rows++
		if err := sc.scanObject(line, emit); err != nil {
			return 0, 0, fmt.Errorf("%s: line %d: malformed JSON: %w", path, lr.line, err)
		}
	}
	return sampled, rows, nil
}

// Schema implements Table.
func (t *JSONTable) Schema() *arrow.Schema { return t.schema }

// Open implements Table.
func (t *JSONTable) Open(ctx context.Context, split Split, req ScanRequest, mem memory.Allocator, batchSize int) (BatchReader, error) {
	if err := t.checkSplit(split); err != nil {
		return nil, err
	}
	if err := checkColumns(req.Columns, t.schema); err != nil {
		return nil, err
	}
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	return newJSONReader(t, split.Path, req.Columns, mem, batchSize)
}
