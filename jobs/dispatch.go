package jobs

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	emberpb "github.com/ember-sql/ember/proto"
)

// dispatch is the dispatcher's loop: it starts eligible jobs while slots
// are free, then sleeps until something changes (a submit, a finished
// attempt, a cancel) or the next RETRYING job becomes eligible.
func (m *Manager) dispatch() {
	defer m.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		if wait, ok := m.startEligible(); ok {
			timer.Reset(wait)
		}
		select {
		case <-m.stop:
			return
		case <-m.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// startEligible starts the jobs first in line while slots are free. It
// returns how long until the next waiting RETRYING job becomes eligible,
// and false when no job waits for a time.
func (m *Manager) startEligible() (time.Duration, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return 0, false
	}
	now := time.Now().UnixMilli()
	for len(m.running) < m.cfg.MaxRunning {
		p := m.firstInLine(now)
		if p == nil {
			break
		}
		delete(m.pending, p.id)
		m.startAttempt(p.id)
	}
	var next int64
	for _, p := range m.pending {
		if p.eligibleMs > now && (next == 0 || p.eligibleMs < next) {
			next = p.eligibleMs
		}
	}
	if next == 0 {
		return 0, false
	}
	return time.Duration(next-now) * time.Millisecond, true
}

// firstInLine is the eligible pending job of the highest priority, the
// earliest submitted among equals (a retried job keeps its place).
func (m *Manager) firstInLine(nowMs int64) *pendingJob {
	var best *pendingJob
	for _, p := range m.pending {
		if p.eligibleMs > nowMs {
			continue
		}
		if best == nil || p.priority > best.priority || (p.priority == best.priority && p.seq < best.seq) {
			best = p
		}
	}
	return best
}

// startAttempt records the job as RUNNING and starts its next attempt.
// m.mu is held.
func (m *Manager) startAttempt(id string) {
	now := time.Now()
	started := false
	job, err := m.st.update(id, func(j *emberpb.Job) ([]logLine, error) {
		if j.State != emberpb.JobState_JOB_QUEUED && j.State != emberpb.JobState_JOB_RETRYING {
			return nil, errNoChange
		}
		started = true
		j.State = emberpb.JobState_JOB_RUNNING
		j.Attempts++
		if j.StartedMs == 0 {
			j.StartedMs = now.UnixMilli()
		}
		j.NextAttemptMs = 0
		j.Progress = nil
		return []logLine{{attempt: j.Attempts, msg: fmt.Sprintf("attempt %d started", j.Attempts)}}, nil
	})
	if err != nil {
		// The job stays QUEUED or RETRYING in the store and runs after the
		// next Open.
		m.cfg.Logger.Error("cannot start a job", "job", id, "error", err)
		return
	}
	if !started {
		return
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	a := &attempt{id: id, n: job.Attempts, job: job, cancel: cancel, started: now}
	runCtx, cancelTimeout := ctx, context.CancelFunc(func() {})
	if d := time.Duration(job.Spec.TimeoutMs) * time.Millisecond; d > 0 {
		runCtx, cancelTimeout = context.WithTimeoutCause(ctx, d, &timeoutError{d: d})
	}
	tmp := filepath.Join(m.resultsDir, fmt.Sprintf("%s.attempt-%d%s", id, a.n, tempSuffix))
	m.running[id] = a
	m.cfg.Logger.Info("job attempt started", "job", id, "attempt", a.n)
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer cancel(nil)
		defer cancelTimeout()
		m.runAttempt(runCtx, a, tmp)
	}()
}
