package jobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/ember-sql/ember/cluster"
	emberpb "github.com/ember-sql/ember/proto"
)

// The causes an attempt's context is cancelled with, besides a
// timeoutError.
var (
	errCancelled = errors.New("cancelled")
	errShutdown  = errors.New("the master is stopping")
)

// errInjected is the failure of the fault injection (see the package doc).
var errInjected = errors.New("injected failure (ember.job.failAttempts)")

// timeoutError is the cause of an attempt cancelled past its timeout; its
// text is the job's error.
type timeoutError struct{ d time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("cancelled: ran past its timeout of %s", e.d)
}

// tempSuffix ends the name of an attempt's result until it is kept.
const tempSuffix = ".tmp"

// progressFlushEvery is the most often an attempt's progress is written to
// the store; Get shows the live value in between.
const progressFlushEvery = time.Second

// attempt is one run of a job.
type attempt struct {
	id string
	// n is the attempt's number, from 1.
	n int32
	// job is the record as the attempt started.
	job     *emberpb.Job
	cancel  context.CancelCauseFunc
	started time.Time
	// userCancelled is set by Cancel (under Manager.mu): the job is
	// already CANCELLED in the store.
	userCancelled bool

	// pmu guards the latest progress report and the count of reports.
	pmu      sync.Mutex
	progress cluster.Progress
	reports  uint64
}

// report is the Runner's progress callback.
func (a *attempt) report(p cluster.Progress) {
	a.pmu.Lock()
	a.progress = p
	a.reports++
	a.pmu.Unlock()
}

// latest returns the last progress report, if any.
func (a *attempt) latest() (*emberpb.Progress, bool) {
	p, n := a.snapshot()
	return p, n > 0
}

// snapshot returns the last progress report and the number of reports.
func (a *attempt) snapshot() (*emberpb.Progress, uint64) {
	a.pmu.Lock()
	defer a.pmu.Unlock()
	if a.reports == 0 {
		return nil, 0
	}
	return cluster.ProgressToProto(a.progress), a.reports
}

// runAttempt runs the attempt to its end and records its outcome.
func (m *Manager) runAttempt(ctx context.Context, a *attempt, tmp string) {
	stopFlush := make(chan struct{})
	flushed := make(chan struct{})
	go func() {
		defer close(flushed)
		m.flushProgress(a, stopFlush)
	}()
	rows, err := m.callRunner(ctx, a, tmp)
	close(stopFlush)
	<-flushed
	m.finish(ctx, a, tmp, rows, err)
}

// callRunner hands the attempt to the Runner, unless the fault injection
// fails it first; a panicking Runner fails the job.
func (m *Manager) callRunner(ctx context.Context, a *attempt, tmp string) (rows int64, err error) {
	defer func() {
		if r := recover(); r != nil {
			m.cfg.Logger.Error("job runner panicked", "job", a.id, "attempt", a.n, "panic", r, "stack", string(debug.Stack()))
			rows, err = 0, Permanent(fmt.Errorf("internal error: the job runner panicked: %v", r))
		}
	}()
	if a.n <= failAttempts(a.job.Spec) {
		return 0, errInjected
	}
	return m.cfg.Runner.Run(ctx, proto.Clone(a.job).(*emberpb.Job), tmp, a.report)
}

// flushProgress writes the attempt's progress to the store, when it
// changed, every progressFlushEvery until stop is closed.
func (m *Manager) flushProgress(a *attempt, stop <-chan struct{}) {
	t := time.NewTicker(progressFlushEvery)
	defer t.Stop()
	var written uint64
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		p, n := a.snapshot()
		if n == written {
			continue
		}
		written = n
		_, err := m.st.update(a.id, func(j *emberpb.Job) ([]logLine, error) {
			if j.State != emberpb.JobState_JOB_RUNNING || j.Attempts != a.n {
				return nil, errNoChange
			}
			j.Progress = p
			return nil, nil
		})
		if err != nil {
			m.cfg.Logger.Warn("cannot record a job's progress", "job", a.id, "error", err)
		}
	}
}

// finish records the outcome of an attempt whose Runner returned rows and
// err: SUCCEEDED, RETRYING, FAILED or CANCELLED, or nothing when the job
// was cancelled meanwhile or the Manager is closing.
func (m *Manager) finish(ctx context.Context, a *attempt, tmp string, rows int64, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	defer m.signal()
	if m.running[a.id] == a {
		delete(m.running, a.id)
	}
	progress, _ := a.latest()
	if a.userCancelled {
		m.removeTemp(tmp)
		return
	}
	if err == nil {
		if err = m.succeed(a, tmp, rows, progress); err == nil {
			return
		}
	}
	m.removeTemp(tmp)
	if m.closed {
		// The record stays RUNNING: the next Open runs the job again.
		m.cfg.Logger.Info("job attempt stopped by shutdown", "job", a.id, "attempt", a.n)
		return
	}
	var timeout *timeoutError
	retries := a.job.Spec.GetRetries()
	failed := fmt.Sprintf("attempt %d failed: %v", a.n, err)
	switch {
	case ctx.Err() != nil && errors.As(context.Cause(ctx), &timeout):
		m.end(a, emberpb.JobState_JOB_CANCELLED, timeout.Error(), progress, timeout.Error())
	case IsPermanent(err):
		m.end(a, emberpb.JobState_JOB_FAILED, err.Error(), progress, failed, "failed: this error is not retried")
	case a.n <= retries:
		m.retry(a, err, progress, failed)
	default:
		m.end(a, emberpb.JobState_JOB_FAILED, err.Error(), progress, failed,
			fmt.Sprintf("failed: no retries left (%d attempts)", a.n))
	}
}

// succeed keeps the attempt's result and records the job as SUCCEEDED.
// An error means the result could not be kept; the attempt then counts as
// failed.
func (m *Manager) succeed(a *attempt, tmp string, rows int64, progress *emberpb.Progress) error {
	final := ""
	var size int64
	fi, err := os.Stat(tmp)
	switch {
	case err == nil:
		final = m.resultFile(a.id)
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("keeping the result: %w", err)
		}
		size = fi.Size()
	case errors.Is(err, fs.ErrNotExist):
		if rows != 0 {
			return fmt.Errorf("the runner reported %d rows but wrote no result file", rows)
		}
	default:
		return fmt.Errorf("the result file: %w", err)
	}
	now := time.Now()
	elapsed := now.Sub(a.started)
	_, err = m.st.update(a.id, func(j *emberpb.Job) ([]logLine, error) {
		if j.State != emberpb.JobState_JOB_RUNNING || j.Attempts != a.n {
			return nil, errNoChange
		}
		j.State = emberpb.JobState_JOB_SUCCEEDED
		j.FinishedMs = now.UnixMilli()
		j.Error = ""
		j.NextAttemptMs = 0
		j.Progress = progress
		j.ResultPath, j.ResultRows, j.ResultBytes, j.ResultExpiresMs = final, rows, size, 0
		msg := fmt.Sprintf("succeeded: %d rows in %s", rows, formatDuration(elapsed))
		if final != "" {
			j.ResultExpiresMs = now.Add(m.cfg.Retention).UnixMilli()
		} else {
			msg = fmt.Sprintf("succeeded in %s, without a result (no statement returns rows)", formatDuration(elapsed))
		}
		return []logLine{{attempt: a.n, msg: msg}}, nil
	})
	if err != nil {
		// The result is in place but the record still says RUNNING: the
		// next Open runs the job again and replaces it.
		m.cfg.Logger.Error("cannot record a job's success", "job", a.id, "error", err)
		return nil
	}
	m.cfg.Logger.Info("job succeeded", "job", a.id, "attempt", a.n, "rows", rows, "elapsed", elapsed)
	return nil
}

// end records the job as finished in state with the error text errText.
func (m *Manager) end(a *attempt, state emberpb.JobState, errText string, progress *emberpb.Progress, msgs ...string) {
	now := time.Now().UnixMilli()
	_, err := m.st.update(a.id, func(j *emberpb.Job) ([]logLine, error) {
		if j.State != emberpb.JobState_JOB_RUNNING || j.Attempts != a.n {
			return nil, errNoChange
		}
		j.State = state
		j.FinishedMs = now
		j.Error = errText
		j.NextAttemptMs = 0
		j.Progress = progress
		return lines(a.n, msgs...), nil
	})
	if err != nil {
		m.cfg.Logger.Error("cannot record a job's end", "job", a.id, "state", StateName(state), "error", err)
		return
	}
	m.cfg.Logger.Info("job ended", "job", a.id, "state", StateName(state), "attempts", a.n, "error", errText)
}

// retry records the job as RETRYING after the failed attempt and puts it
// back in line for when its backoff has passed.
func (m *Manager) retry(a *attempt, cause error, progress *emberpb.Progress, failed string) {
	wait := m.backoff(a.n)
	next := time.Now().Add(wait).UnixMilli()
	retries := a.job.Spec.GetRetries()
	_, err := m.st.update(a.id, func(j *emberpb.Job) ([]logLine, error) {
		if j.State != emberpb.JobState_JOB_RUNNING || j.Attempts != a.n {
			return nil, errNoChange
		}
		j.State = emberpb.JobState_JOB_RETRYING
		j.Error = cause.Error()
		j.NextAttemptMs = next
		j.Progress = progress
		return lines(a.n, failed, fmt.Sprintf("retrying in %s (retry %d of %d)", formatDuration(wait), a.n, retries)), nil
	})
	if err != nil {
		m.cfg.Logger.Error("cannot record a job's retry", "job", a.id, "error", err)
		return
	}
	m.pending[a.id] = &pendingJob{id: a.id, priority: a.job.Spec.GetPriority(), seq: a.job.Seq, eligibleMs: next}
	m.cfg.Logger.Info("job attempt failed, retrying", "job", a.id, "attempt", a.n, "in", wait, "error", cause)
}

func lines(attempt int32, msgs ...string) []logLine {
	out := make([]logLine, len(msgs))
	for i, msg := range msgs {
		out[i] = logLine{attempt: attempt, msg: msg}
	}
	return out
}

// resultFile is where job id's result is kept.
func (m *Manager) resultFile(id string) string {
	return filepath.Join(m.resultsDir, id+".parquet")
}

// removeTemp deletes an attempt's temporary result, if it wrote one.
func (m *Manager) removeTemp(path string) {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		m.cfg.Logger.Warn("cannot remove a temporary result", "path", path, "error", err)
	}
}

// formatDuration renders a duration for the logs: to the millisecond
// under a second, to the tenth of a second above.
func formatDuration(d time.Duration) string {
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
