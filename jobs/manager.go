package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	emberpb "github.com/ember-sql/ember/proto"
)

// Manager is the job queue: it stores jobs, runs them through a Runner
// as slots free up, retries them, and keeps their results. Its methods are
// safe for concurrent use.
type Manager struct {
	cfg        Config
	st         *store
	resultsDir string

	// mu guards the fields below, and orders the state changes of the
	// dispatcher, the attempts and Cancel.
	mu     sync.Mutex
	closed bool
	// pending are the QUEUED and RETRYING jobs.
	pending map[string]*pendingJob
	// running are the attempts under way, by job id.
	running map[string]*attempt

	// wake nudges the dispatcher (submit, finish, cancel).
	wake chan struct{}
	// stop is closed by Close.
	stop chan struct{}
	// wg counts the dispatcher, the sweeper and the attempts.
	wg sync.WaitGroup
}

// pendingJob is what the dispatcher needs to order a waiting job.
type pendingJob struct {
	id       string
	priority int32
	seq      uint64
	// eligibleMs is when the job may start (a RETRYING job's
	// next_attempt_ms; 0 for QUEUED).
	eligibleMs int64
}

// Open opens (or creates) the job store in cfg.WorkDir, recovers the jobs
// of an earlier run (see the package doc), deletes expired results and
// stray temporary files, and starts the dispatcher.
func Open(cfg Config) (*Manager, error) {
	cfg = cfg.withDefaults()
	if cfg.WorkDir == "" {
		return nil, errors.New("jobs: Config.WorkDir is empty")
	}
	if cfg.Runner == nil {
		return nil, errors.New("jobs: Config.Runner is nil")
	}
	dir, err := filepath.Abs(cfg.WorkDir)
	if err != nil {
		return nil, fmt.Errorf("jobs: work dir %s: %w", cfg.WorkDir, err)
	}
	results := filepath.Join(dir, "results")
	if err := os.MkdirAll(results, 0o755); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	st, err := openStore(filepath.Join(dir, "jobs.db"))
	if err != nil {
		return nil, err
	}
	m := &Manager{cfg: cfg, st: st, resultsDir: results,
		pending: map[string]*pendingJob{}, running: map[string]*attempt{},
		wake: make(chan struct{}, 1), stop: make(chan struct{})}
	if err := m.recoverJobs(); err != nil {
		st.close()
		return nil, err
	}
	m.wg.Add(2)
	go m.dispatch()
	go m.sweep()
	return m, nil
}

// Close stops dispatching and cancels the running attempts without
// marking them failed: they stay RUNNING in the store and run again after
// the next Open. It waits for the attempts to return, then closes the
// store. Close is safe to call twice.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	close(m.stop)
	for _, a := range m.running {
		a.cancel(errShutdown)
	}
	m.mu.Unlock()
	m.wg.Wait()
	return m.st.close()
}

// signal wakes the dispatcher.
func (m *Manager) signal() {
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// Submit validates spec and queues it as a new job, whose record it
// returns. A spec that cannot run is an error wrapping ErrInvalidSpec.
func (m *Manager) Submit(ctx context.Context, spec *emberpb.JobSpec) (*emberpb.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := validateSpec(spec); err != nil {
		return nil, err
	}
	spec = proto.Clone(spec).(*emberpb.JobSpec)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	now := time.Now().UnixMilli()
	job, err := m.st.create(func(seq uint64) *emberpb.Job {
		return &emberpb.Job{Id: jobID(seq), Seq: seq, Spec: spec, State: emberpb.JobState_JOB_QUEUED, SubmittedMs: now}
	}, logLine{msg: queuedMessage(spec)})
	if err != nil {
		return nil, err
	}
	m.pending[job.Id] = &pendingJob{id: job.Id, priority: spec.Priority, seq: job.Seq}
	m.cfg.Logger.Info("job queued", "job", job.Id, "name", spec.Name, "priority", spec.Priority)
	m.signal()
	return job, nil
}

func queuedMessage(spec *emberpb.JobSpec) string {
	kind := "SQL script"
	if len(spec.Plan) > 0 {
		kind = "plan"
	}
	return fmt.Sprintf("queued (%s, priority %d, retries %d)", kind, spec.Priority, spec.Retries)
}

// Get returns job id's record, with the live progress of a running
// attempt. An unknown id is an error wrapping ErrNotFound.
func (m *Manager) Get(ctx context.Context, id string) (*emberpb.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.checkOpen(); err != nil {
		return nil, err
	}
	job, err := m.st.get(id)
	if err != nil {
		return nil, err
	}
	m.liveProgress(job)
	return job, nil
}

// List returns the jobs in the given states (all when empty), newest
// first, at most limit of them (all when limit <= 0).
func (m *Manager) List(ctx context.Context, states []emberpb.JobState, limit int) ([]*emberpb.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.checkOpen(); err != nil {
		return nil, err
	}
	jobs, err := m.st.list(states, limit)
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		m.liveProgress(j)
	}
	return jobs, nil
}

// Logs returns what happened to job id, oldest first.
func (m *Manager) Logs(ctx context.Context, id string) ([]*emberpb.JobLogLine, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.checkOpen(); err != nil {
		return nil, err
	}
	return m.st.logs(id)
}

func (m *Manager) checkOpen() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	return nil
}

// liveProgress sets a running job's progress to its attempt's latest
// report, which the store has at most a second late.
func (m *Manager) liveProgress(job *emberpb.Job) {
	if job.State != emberpb.JobState_JOB_RUNNING {
		return
	}
	m.mu.Lock()
	a := m.running[job.Id]
	m.mu.Unlock()
	if a == nil || a.n != job.Attempts {
		return
	}
	if p, ok := a.latest(); ok {
		job.Progress = p
	}
}

// Cancel cancels a queued, retrying or running job: it becomes CANCELLED,
// and a running attempt's context is cancelled (its temporary result is
// removed once the Runner returns). Cancelling a finished job is an error
// wrapping ErrFinished.
func (m *Manager) Cancel(ctx context.Context, id string) (*emberpb.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil, ErrClosed
	}
	now := time.Now().UnixMilli()
	job, err := m.st.update(id, func(j *emberpb.Job) ([]logLine, error) {
		if isFinished(j.State) {
			return nil, fmt.Errorf("job %s is already %s: %w", id, StateName(j.State), ErrFinished)
		}
		msg := "cancelled"
		if j.State == emberpb.JobState_JOB_RUNNING {
			msg = fmt.Sprintf("cancelled during attempt %d", j.Attempts)
		}
		j.State = emberpb.JobState_JOB_CANCELLED
		j.FinishedMs = now
		j.NextAttemptMs = 0
		j.Error = "cancelled"
		return []logLine{{attempt: j.Attempts, msg: msg}}, nil
	})
	if err != nil {
		return nil, err
	}
	delete(m.pending, id)
	if a := m.running[id]; a != nil {
		a.userCancelled = true
		a.cancel(errCancelled)
		if p, ok := a.latest(); ok {
			job.Progress = p
		}
	}
	m.cfg.Logger.Info("job cancelled", "job", id)
	m.signal()
	return job, nil
}

// ResultPath returns the Parquet file holding job id's result. A job that
// has not succeeded, or whose result expired or was lost, is an error that
// says so; a job that succeeded without a result (a script with no
// statement returning rows) is an error wrapping ErrNoResult.
func (m *Manager) ResultPath(ctx context.Context, id string) (string, error) {
	job, err := m.Get(ctx, id)
	if err != nil {
		return "", err
	}
	switch job.State {
	case emberpb.JobState_JOB_SUCCEEDED:
	case emberpb.JobState_JOB_FAILED:
		return "", fmt.Errorf("job %s failed, so it has no result (%s): %w", id, job.Error, ErrResultUnavailable)
	case emberpb.JobState_JOB_CANCELLED:
		return "", fmt.Errorf("job %s was cancelled, so it has no result: %w", id, ErrResultUnavailable)
	default:
		return "", fmt.Errorf("job %s is %s: its result is not ready yet: %w", id, StateName(job.State), ErrResultUnavailable)
	}
	expired := job.ResultExpiresMs > 0 && time.Now().UnixMilli() >= job.ResultExpiresMs
	switch {
	case job.ResultPath == "" && job.ResultExpiresMs == 0:
		return "", fmt.Errorf("job %s succeeded without a result (its script has no statement that returns rows): %w", id, ErrNoResult)
	case job.ResultPath == "" || expired:
		return "", fmt.Errorf("job %s: its result expired at %s and was deleted: %w", id,
			time.UnixMilli(job.ResultExpiresMs).Format(time.RFC3339), ErrResultUnavailable)
	}
	if _, err := os.Stat(job.ResultPath); err != nil {
		return "", fmt.Errorf("job %s: its result file is missing (%v): %w", id, err, ErrResultUnavailable)
	}
	return job.ResultPath, nil
}

// isFinished reports whether a job in state s will not run again.
func isFinished(s emberpb.JobState) bool {
	switch s {
	case emberpb.JobState_JOB_SUCCEEDED, emberpb.JobState_JOB_FAILED, emberpb.JobState_JOB_CANCELLED:
		return true
	}
	return false
}

// StateName is a job state as users read it: QUEUED, RUNNING, RETRYING,
// SUCCEEDED, FAILED or CANCELLED.
func StateName(s emberpb.JobState) string {
	switch s {
	case emberpb.JobState_JOB_QUEUED:
		return "QUEUED"
	case emberpb.JobState_JOB_RUNNING:
		return "RUNNING"
	case emberpb.JobState_JOB_RETRYING:
		return "RETRYING"
	case emberpb.JobState_JOB_SUCCEEDED:
		return "SUCCEEDED"
	case emberpb.JobState_JOB_FAILED:
		return "FAILED"
	case emberpb.JobState_JOB_CANCELLED:
		return "CANCELLED"
	}
	return "UNKNOWN"
}
