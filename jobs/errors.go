package jobs

import "errors"

var (
	// ErrNotFound is wrapped by the errors about a job id the store does
	// not know.
	ErrNotFound = errors.New("no such job")
	// ErrFinished is wrapped by the error of Cancel on a job that has
	// already finished (SUCCEEDED, FAILED or CANCELLED).
	ErrFinished = errors.New("the job has finished")
	// ErrInvalidSpec is wrapped by Submit's errors about a spec that
	// cannot run (the service answers InvalidArgument).
	ErrInvalidSpec = errors.New("invalid job spec")
	// ErrNoResult is wrapped by ResultPath's error for a job that
	// succeeded without a result: its script has no statement that
	// returns rows.
	ErrNoResult = errors.New("the job has no result rows")
	// ErrResultUnavailable is wrapped by ResultPath's errors about a job
	// whose result cannot be had: not finished yet, failed, cancelled,
	// expired or lost.
	ErrResultUnavailable = errors.New("the job's result is not available")
	// ErrClosed is returned by a Manager's methods after Close.
	ErrClosed = errors.New("the job manager is closed")
)

// permanentError marks an error that retrying cannot cure.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a user's error (bad SQL, an unknown table, a
// missing file): a Runner returns it to fail the job at once, without
// retry. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil || IsPermanent(err) {
		return err
	}
	return &permanentError{err: err}
}

// IsPermanent reports whether err, or an error it wraps, was marked by
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
