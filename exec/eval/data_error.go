package eval

import (
	"errors"
	"fmt"
)

// DataError is an error caused by the values a query met: a division by
// zero, an overflow, a string that does not cast. It is deterministic, so
// running the task again, on any machine, fails the same way: schedulers
// fail the query at once instead of retrying, and job queues fail the job
// instead of trying it again.
type DataError struct {
	Err error
}

func (e *DataError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *DataError) Unwrap() error { return e.Err }

// DataErrorf formats a DataError.
func DataErrorf(format string, args ...any) error {
	return &DataError{Err: fmt.Errorf(format, args...)}
}

// IsDataError reports whether err is, or wraps, a DataError.
func IsDataError(err error) bool {
	var de *DataError
	return errors.As(err, &de)
}
