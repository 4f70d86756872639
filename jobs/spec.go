package jobs

import (
	"fmt"
	"strconv"
	"strings"

	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/sql"
)

// jobConfPrefix starts the configuration keys that are the job's own, not
// the session's.
const jobConfPrefix = "ember.job."

// failAttemptsKey is the fault injection key (see the package doc).
const failAttemptsKey = "ember.job.failAttempts"

// validateSpec checks what Submit can check of a spec before queueing it.
func validateSpec(spec *emberpb.JobSpec) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidSpec, fmt.Sprintf(format, args...))
	}
	if spec == nil {
		return bad("no spec")
	}
	hasSQL, hasPlan := spec.Sql != "", len(spec.Plan) > 0
	switch {
	case hasSQL && hasPlan:
		return bad("a job runs either a SQL script or a plan, not both")
	case !hasSQL && !hasPlan:
		return bad("a job needs a SQL script or a plan")
	}
	if hasSQL {
		stmts, err := sql.Split(spec.Sql)
		if err != nil {
			return bad("the script: %v", err)
		}
		if len(stmts) == 0 {
			return bad("the script is empty: it holds no statement")
		}
	}
	if spec.Retries < 0 {
		return bad("retries must not be negative (got %d)", spec.Retries)
	}
	if spec.TimeoutMs < 0 {
		return bad("the timeout must not be negative (got %dms)", spec.TimeoutMs)
	}
	if spec.BatchSize < 0 {
		return bad("the batch size must not be negative (got %d)", spec.BatchSize)
	}
	if spec.MemoryLimit < 0 {
		return bad("the memory limit must not be negative (got %d)", spec.MemoryLimit)
	}
	for k, v := range spec.Conf {
		if k == "" {
			return bad("an empty configuration key")
		}
		if !isJobKey(k) {
			continue
		}
		if !strings.EqualFold(k, failAttemptsKey) {
			return bad("unknown job configuration key %q (known: %s)", k, failAttemptsKey)
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 0 {
			return bad("configuration %s: %q is not a count", k, v)
		}
	}
	for name, path := range spec.Tables {
		if strings.TrimSpace(name) == "" || strings.TrimSpace(path) == "" {
			return bad("table %q=%q: want a name and a path", name, path)
		}
	}
	return nil
}

// isJobKey reports whether the configuration key is the job's own.
func isJobKey(k string) bool {
	return len(k) >= len(jobConfPrefix) && strings.EqualFold(k[:len(jobConfPrefix)], jobConfPrefix)
}

// sessionConf is spec's configuration without the job's own keys: what
// the session gets.
func sessionConf(spec *emberpb.JobSpec) map[string]string {
	out := make(map[string]string, len(spec.Conf))
	for k, v := range spec.Conf {
		if !isJobKey(k) {
			out[k] = v
		}
	}
	return out
}

// failAttempts is how many first attempts of the job the fault injection
// fails (validated on Submit).
func failAttempts(spec *emberpb.JobSpec) int32 {
	for k, v := range spec.Conf {
		if strings.EqualFold(k, failAttemptsKey) {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return int32(n)
		}
	}
	return 0
}
