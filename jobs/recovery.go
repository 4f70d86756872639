package jobs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	emberpb "github.com/ember-sql/ember/proto"
)

// recoverJobs brings the queue back after Open: RUNNING jobs, whose attempt
// the last stop cut short, are QUEUED again without counting that attempt;
// QUEUED and RETRYING jobs go back in line; expired results and files no
// record keeps are deleted.
func (m *Manager) recoverJobs() error {
	var interrupted []string
	kept := map[string]bool{}
	err := m.st.each(func(j *emberpb.Job) error {
		switch j.State {
		case emberpb.JobState_JOB_RUNNING:
			interrupted = append(interrupted, j.Id)
		case emberpb.JobState_JOB_QUEUED, emberpb.JobState_JOB_RETRYING:
			m.pending[j.Id] = &pendingJob{id: j.Id, priority: j.Spec.GetPriority(), seq: j.Seq, eligibleMs: j.NextAttemptMs}
		case emberpb.JobState_JOB_SUCCEEDED:
			if j.ResultPath != "" {
				kept[filepath.Clean(j.ResultPath)] = true
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range interrupted {
		job, err := m.st.update(id, func(j *emberpb.Job) ([]logLine, error) {
			if j.State != emberpb.JobState_JOB_RUNNING {
				return nil, errNoChange
			}
			msg := fmt.Sprintf("the master restarted during attempt %d; running it again", j.Attempts)
			line := logLine{attempt: j.Attempts, msg: msg}
			// The lost attempt was no fault of the job's: it is run again
			// under the same number.
			j.Attempts = max(0, j.Attempts-1)
			j.State = emberpb.JobState_JOB_QUEUED
			j.Progress = nil
			return []logLine{line}, nil
		})
		if err != nil {
			return err
		}
		m.pending[id] = &pendingJob{id: id, priority: job.Spec.GetPriority(), seq: job.Seq}
		m.cfg.Logger.Info("job requeued after a restart", "job", id)
	}
	m.removeStrays(kept)
	m.expireResults()
	return nil
}

// removeStrays deletes the files in the results directory that no
// succeeded job keeps: temporary results of attempts a stop cut short,
// and results renamed into place just before a crash that kept the record
// from saying so (that job runs again).
func (m *Manager) removeStrays(kept map[string]bool) {
	entries, err := os.ReadDir(m.resultsDir)
	if err != nil {
		m.cfg.Logger.Warn("cannot list the results directory", "dir", m.resultsDir, "error", err)
		return
	}
	for _, e := range entries {
		path := filepath.Join(m.resultsDir, e.Name())
		if e.IsDir() || kept[path] {
			continue
		}
		if err := os.Remove(path); err != nil {
			m.cfg.Logger.Warn("cannot remove a stray result file", "path", path, "error", err)
			continue
		}
		m.cfg.Logger.Info("removed a stray result file", "path", path)
	}
}

// sweep deletes expired results every sweepEvery until Close.
func (m *Manager) sweep() {
	defer m.wg.Done()
	t := time.NewTicker(sweepEvery)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.expireResults()
		}
	}
}

// expireResults deletes the results of succeeded jobs past their
// retention and clears their result path; the records stay.
func (m *Manager) expireResults() {
	now := time.Now().UnixMilli()
	var expired []string
	err := m.st.each(func(j *emberpb.Job) error {
		if j.State == emberpb.JobState_JOB_SUCCEEDED && j.ResultPath != "" && j.ResultExpiresMs <= now {
			expired = append(expired, j.Id)
		}
		return nil
	})
	if err != nil {
		m.cfg.Logger.Error("cannot scan the job store for expired results", "error", err)
		return
	}
	for _, id := range expired {
		var path string
		_, err := m.st.update(id, func(j *emberpb.Job) ([]logLine, error) {
			if j.ResultPath == "" {
				return nil, errNoChange
			}
			path = j.ResultPath
			j.ResultPath = ""
			return []logLine{{attempt: j.Attempts, msg: "result expired"}}, nil
		})
		if err != nil {
			m.cfg.Logger.Error("cannot record an expired result", "job", id, "error", err)
			continue
		}
		// The record no longer points at the file before it goes, so no
		// reader is sent to a file that is gone.
		if path != "" {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				m.cfg.Logger.Warn("cannot delete an expired result", "job", id, "path", path, "error", err)
			}
			m.cfg.Logger.Info("job result expired", "job", id)
		}
	}
}
