package size

import "github.com/apache/arrow-go/v18/arrow"

// Batch is the memory b's columns hold: every buffer they point to, whole
// (a slice counts the buffers it shares), children and dictionaries
// included. It is what keeping b costs, and what cutting it must bound.
// (arrow/util has TotalRecordSize, but importing it drags in protobuf
// reflection.)
func Batch(b arrow.RecordBatch) int64 {
	var n int64
	for _, c := range b.Columns() {
		n += Data(c.Data())
	}
	return n
}

// Data is the memory of one array's buffers, as Batch counts it.
func Data(d arrow.ArrayData) int64 {
	var n int64
	for _, buf := range d.Buffers() {
		if buf != nil {
			n += int64(buf.Len())
		}
	}
	for _, c := range d.Children() {
		n += Data(c)
	}
	if d.DataType().ID() == arrow.DICTIONARY && d.Dictionary() != nil {
		n += Data(d.Dictionary())
	}
	return n
}
