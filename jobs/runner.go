package jobs

import (
	"context"

	"github.com/ember-sql/ember/cluster"
	emberpb "github.com/ember-sql/ember/proto"
)

// Runner runs one attempt of a job, writing its result as one Parquet file
// at resultPath (the Manager passes a temporary path in WorkDir/results
// and renames it into place on success), and returns the result's row
// count. A job without a result writes no file and returns 0.
//
// progress may be called often, from any goroutine. Run must return soon
// after ctx is cancelled (Cancel, a timeout, Close). An error marked with
// Permanent fails the job at once; any other error is retried while the
// job has retries left. The Manager removes whatever the Runner left at
// resultPath when the attempt does not succeed.
type Runner interface {
	Run(ctx context.Context, job *emberpb.Job, resultPath string, progress func(cluster.Progress)) (rows int64, err error)
}

// RunnerFunc adapts a function to the Runner interface.
type RunnerFunc func(ctx context.Context, job *emberpb.Job, resultPath string, progress func(cluster.Progress)) (int64, error)

// Run calls f.
func (f RunnerFunc) Run(ctx context.Context, job *emberpb.Job, resultPath string, progress func(cluster.Progress)) (int64, error) {
	return f(ctx, job, resultPath, progress)
}
