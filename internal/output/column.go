package output

import (
	"encoding/json"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember/internal/textfmt"
)

// column renders the values of one array. It is built once per batch so
// that the per-row work is a null check and one call of a typed closure
// over the array's raw values, with no type switch or allocation per row.
type column struct {
	// kind decides quoting in CSV, escaping in TSV and alignment in tables.
	kind textfmt.Kind
	app  textfmt.AppendFunc
	// hasNulls is false when no row is null, to skip the null check.
	hasNulls bool
	// isNull reports a null row; it is arr.IsNull except for dictionaries,
	// whose dictionary can hold nulls too, and the NULL type.
	isNull func(i int) bool
}

// null reports whether row i is null.
func (c *column) null(i int) bool { return c.hasNulls && c.isNull(i) }

// newColumn returns the renderer of arr. With asJSON it renders JSON
// tokens (strings quoted and escaped, NaN and infinities as strings);
// otherwise it renders bare text for the writers to quote or escape.
// textfmt renders the values of every type but the three here.
func newColumn(arr arrow.Array, asJSON bool) column {
	c := column{hasNulls: arr.NullN() > 0, isNull: arr.IsNull}
	if app, kind, ok := textfmt.NewAppender(arr, textfmt.Options{JSON: asJSON}); ok {
		c.app, c.kind = app, kind
		return c
	}
	switch a := arr.(type) {
	case *array.Null:
		c.kind = textfmt.KindNumber
		c.hasNulls = a.Len() > 0
		c.isNull = func(int) bool { return true }
		c.app = func(dst []byte, _ int) []byte { return dst }
	case *array.Dictionary:
		values := newColumn(a.Dictionary(), asJSON)
		c.kind = values.kind
		c.hasNulls = a.NullN() > 0 || values.hasNulls
		c.isNull = func(i int) bool { return a.IsNull(i) || values.null(a.GetValueIndex(i)) }
		c.app = func(dst []byte, i int) []byte { return values.app(dst, a.GetValueIndex(i)) }
	default:
		// Nested and rare types: arrow's own rendering, which is correct if
		// not pretty. These are not on any hot path.
		c.kind = textfmt.KindText
		if asJSON {
			c.app = func(dst []byte, i int) []byte {
				b, err := json.Marshal(arr.GetOneForMarshal(i))
				if err != nil {
					return textfmt.AppendJSONString(dst, arr.ValueStr(i))
				}
				return append(dst, b...)
			}
		} else {
			c.app = func(dst []byte, i int) []byte { return append(dst, arr.ValueStr(i)...) }
		}
	}
	return c
}

// newColumns returns the renderers of every column of batch.
func newColumns(dst []column, batch arrow.RecordBatch, asJSON bool) []column {
	dst = dst[:0]
	for _, arr := range batch.Columns() {
		dst = append(dst, newColumn(arr, asJSON))
	}
	return dst
}
