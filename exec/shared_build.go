package exec

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
)

// QueryState is what the tasks of one query share within a process. Today
// that is the hash tables of broadcast joins: every task of the probe side
// reads the same broadcast build rows, so the first task to need the table
// builds it and the others reuse it, read-only. It is released when the
// query ends.
type QueryState struct {
	mu     sync.Mutex
	builds map[any]*sharedBuild
	// randSeed seeds rand() without an argument in all the query's tasks.
	randSeed uint64
}

// NewQueryState returns an empty QueryState.
func NewQueryState() *QueryState {
	return &QueryState{builds: map[any]*sharedBuild{}, randSeed: rand.Uint64() | 1}
}

// errSharedBuildFailed is what tasks get when the task building a shared
// table stopped without finishing it.
var errSharedBuildFailed = errors.New("join: the task building the shared hash table failed")

// sharedBuild is one join's hash table, built once.
type sharedBuild struct {
	once  sync.Once
	build buildSide
	err   error
}

// buildFor returns the shared build of the join identified by key, building
// it with build on first use.
func (q *QueryState) buildFor(ctx context.Context, key any, build func(ctx context.Context, b *buildSide) error) (*buildSide, error) {
	q.mu.Lock()
	sb, ok := q.builds[key]
	if !ok {
		sb = &sharedBuild{}
		q.builds[key] = sb
	}
	q.mu.Unlock()
	sb.once.Do(func() {
		// If build panics (the scheduler turns that into its task's
		// error), Once still counts as done: the tasks that waited must
		// then fail too rather than probe a half-built table.
		sb.err = errSharedBuildFailed
		sb.err = build(ctx, &sb.build)
		if sb.err == nil {
			// Made now, so that probing tasks only ever read the build.
			sb.build.allRows()
		}
	})
	if sb.err != nil {
		// A failed build is not kept: the tasks waiting on it fail with
		// it, but a retried task builds afresh (its inputs may have been
		// recomputed elsewhere since, in a cluster).
		q.mu.Lock()
		if q.builds[key] == sb {
			delete(q.builds, key)
		}
		q.mu.Unlock()
	}
	return &sb.build, sb.err
}

// Release frees every shared build. Call it once no task runs.
func (q *QueryState) Release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, sb := range q.builds {
		sb.build.release()
	}
	q.builds = map[any]*sharedBuild{}
}
