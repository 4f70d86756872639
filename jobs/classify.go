package jobs

import "github.com/ember-sql/ember/exec/eval"

// phase is where in an attempt an error happened.
type phase int

const (
	// phaseSetup: reading the spec, the configuration, registering the
	// tables, binding and planning a statement.
	phaseSetup phase = iota
	// phaseConnect: reaching the master.
	phaseConnect
	// phaseStream: running a query and writing its result.
	phaseStream
)

// classify decides whether an attempt's error is the user's (Permanent:
// bad SQL, an unknown table, a missing file, a bad configuration key, a
// division by zero) or may pass (a lost worker past the task retries, an
// I/O error, a master not answering): errors before a query runs are the
// user's; errors while it runs are too when the values caused them (an
// eval.DataError, which fails the same way every time), and otherwise
// are not.
func classify(p phase, err error) error {
	if err == nil {
		return nil
	}
	if p == phaseSetup || eval.IsDataError(err) {
		return Permanent(err)
	}
	return err
}
