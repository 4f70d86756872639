// Package gorows moves rows between plain Go values and Arrow record
// batches, for the DataFrame API: building a table from [][]any or a slice
// of structs (as PySpark's createDataFrame does from Python objects), and
// reading the rows of a result back into Go values, typed getters, Scan
// destinations or structs.
//
// # Types, Go to Arrow
//
// Without a schema, a column's type is inferred from its non-nil values:
//
//	string                               utf8
//	int, int64, uint8..uint64, uint      int64 (Spark's LongType)
//	int32, int16, int8                   int32, int16, int8
//	float64, float32                     float64
//	bool                                 boolean
//	time.Time                            timestamp[us, UTC]
//	Date                                 date32
//	[]byte                               binary
//	Decimal                              decimal128(p, s), p and s wide enough for every value
//	nil, a nil pointer                   NULL
//
// Pointers to these and named types over them (type Age int) count as
// what they point to or are built on. Integers of different widths widen
// to the widest; integers mixed with floats give float64; any other mix is
// an error naming the row and the column. Every column is nullable, as in
// Spark. Rows are cut into batches of at most BatchRows rows.
//
// FromRowsWithSchema converts each value to the schema's type instead:
// integers to any numeric type (range-checked), floats and decimals to
// floats, strings to dates ('YYYY-MM-DD'), timestamps, numbers and bools,
// and so on; a value that does not convert is an error naming its row and
// column. Row indexes in errors count from 0.
//
// # Types, Arrow to Go
//
// Value returns the natural Go value of a cell: int8..int64 and
// uint8..uint64 as themselves, float32 and float64, string, []byte (a
// copy), bool, time.Time for dates (midnight UTC) and timestamps, Decimal
// for decimal128, a string for decimal256, time.Duration for durations and
// times of day, []any for lists, map[string]any for structs, and nil for
// NULL. The getters (Int64, Float64, String, Bool, Time) convert between
// compatible types and fail on NULL. Scan and ScanStruct fill destinations
// the way database/sql does.
//
// Values returned never alias Arrow memory, so they outlive the batch.
package gorows
