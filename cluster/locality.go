package cluster

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/ember-sql/ember/planner/physical"
)

// FileLocality is implemented by executors that know which files are on
// their own disks (ember worker --local-dir). The scheduler runs a task
// reading such files there when it can: reading a local disk is cheaper
// than reading over a network file system.
type FileLocality interface {
	IsLocal(path string) bool
}

// DefaultLocalityWait is how long a task whose files are local to a busy
// executor waits for a slot there before it runs elsewhere (Spark's
// spark.locality.wait is 3s; Ember's tasks are shorter).
const DefaultLocalityWait = time.Second

// localDirs is a FileLocality of directory prefixes.
type localDirs []string

// newLocalDirs cleans dirs into absolute prefixes.
func newLocalDirs(dirs []string) localDirs {
	var out localDirs
	for _, d := range dirs {
		if d == "" {
			continue
		}
		if abs, err := filepath.Abs(d); err == nil {
			d = abs
		}
		out = append(out, filepath.Clean(d))
	}
	return out
}

// IsLocal reports whether path is inside one of the directories.
func (l localDirs) IsLocal(path string) bool {
	path = filepath.Clean(path)
	for _, d := range l {
		if path == d || strings.HasPrefix(path, d+string(filepath.Separator)) || d == string(filepath.Separator) {
			return true
		}
	}
	return false
}

// localBytes is how much of files ex holds on its own disks (a file of
// unknown size counts as one byte).
func localBytes(ex Executor, files map[string]int64) int64 {
	fl, ok := ex.(FileLocality)
	if !ok {
		return 0
	}
	var n int64
	for path, size := range files {
		if fl.IsLocal(path) {
			n += max(size, 1)
		}
	}
	return n
}

// taskFiles returns (and remembers) the files task k reads.
func (r *run) taskFiles(k taskKey) map[string]int64 {
	if files, ok := r.files[k]; ok {
		return files
	}
	files := physical.TaskFiles(r.q.Plan.Stages[k.stage], k.part)
	r.files[k] = files
	return files
}

// pickLocal chooses, for a task reading files, the free executor holding
// most of them. wait says that none is free but one holding them is busy,
// and the task should wait for it a while rather than run elsewhere.
func (r *run) pickLocal(k taskKey, execs []Executor) (ex Executor, wait bool) {
	files := r.taskFiles(k)
	if len(files) == 0 {
		return nil, false
	}
	var best Executor
	var bestBytes int64
	holder := false
	for _, e := range execs {
		b := localBytes(e, files)
		if b == 0 {
			continue
		}
		holder = true
		if r.busy[e.Name()] >= e.Slots() || e.Name() == r.lastFailedOn[k] {
			continue
		}
		if b > bestBytes {
			best, bestBytes = e, b
		}
	}
	if best != nil {
		return best, false
	}
	limit := r.s.LocalityWait
	if limit == 0 {
		limit = DefaultLocalityWait
	}
	since, ok := r.readySince[k]
	if !ok {
		since = time.Now()
		r.readySince[k] = since
	}
	return nil, holder && r.attempts[k] == 0 && time.Since(since) < limit
}
