// Package jobs is the master's durable job queue: what `ember submit` and
// `ember jobs` talk to, in the manner of spark-submit and Celery. A client
// submits a job (a SQL script or a planned DataFrame query), gets its id at
// once, and later asks for its state, its logs and its result.
//
// A Manager keeps every job's record in a bbolt file (WorkDir/jobs.db) and
// its result as one Parquet file in WorkDir/results. Every state change is
// written to the store before it is acted on, so a master that stops, or
// crashes, loses nothing: on Open, jobs that were RUNNING go back to the
// queue and run again (the lost attempt does not count against the job's
// retries), QUEUED and RETRYING jobs stay where they were, and results past
// their retention are deleted (the record stays).
//
// A job's life:
//
//	QUEUED           → RUNNING    a slot is free and the job is first in line
//	RUNNING          → SUCCEEDED  the attempt wrote its result
//	RUNNING          → RETRYING   a transient error, with retries left
//	RETRYING         → RUNNING    from next_attempt_ms, when first in line
//	RUNNING          → FAILED     a Permanent error, or no retries left
//	RUNNING          → CANCELLED  past the spec's timeout, or Cancel
//	QUEUED, RETRYING → CANCELLED  Cancel
//	RUNNING          → QUEUED     the master stopped during the attempt (Open)
//
// The queue starts jobs by priority (higher first), then in submission
// order (a retried job keeps its place), with at most Config.MaxRunning
// attempts at once. An attempt is
// handed to a Runner with a temporary path to write its result to; on
// success the Manager renames it into place. A failed, cancelled or timed
// out attempt leaves no file behind. A Runner's error marked with Permanent
// (a user's mistake: bad SQL, an unknown table) fails the job at once; any
// other error is retried with exponential backoff and ±50% jitter while the
// job has retries left. An attempt past the spec's timeout is cancelled and
// the job ends CANCELLED, without retry.
//
// SessionRunner runs jobs on the cluster through an ember.Session, as
// `ember sql --master` would. A SQL job runs its script's statements in
// order; its result is the rows of the last statement that returns rows
// (a SELECT, EXPLAIN, SHOW TABLES or DESCRIBE). Earlier row statements that
// a later SELECT surely replaces are bound (so their mistakes still fail the
// job) but not run. Errors before a query runs (the configuration, the
// tables, binding and planning) are Permanent, and so are errors the
// values cause while it runs (a division by zero, an overflow: an
// eval.DataError); other errors while its result streams are retried. A script with no statement that returns rows succeeds
// with no result file: ResultPath then returns an error wrapping
// ErrNoResult, and the JobResult RPC streams no batch. A SELECT that returns
// no rows does have a result file, with its schema and zero rows.
//
// Service serves a Manager as the emberpb.Jobs gRPC service on the
// master's port.
//
// Fault injection, for tests of the retry path: the configuration key
// ember.job.failAttempts=N in a job's spec makes the first N attempts of
// that job fail with the transient error "injected failure
// (ember.job.failAttempts)" before anything runs. Keys starting with
// "ember.job." are the job's own and are not passed to the session.
package jobs
