package ember_test

import (
	"context"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/ember-sql/ember"
)

// Celery's shape: submit a query to the cluster's job queue, get its id at
// once, and pick the job up later, perhaps from another process, to wait
// for its result. (The example starts a master in-process, as `ember
// master --local-executors 2` would run one.)
func ExampleDataFrame_Submit() {
	master, stop := startExampleMaster()
	defer stop()

	ctx := context.Background()
	s, err := ember.NewSession(ctx, ember.WithMaster(master))
	if err != nil {
		panic(err)
	}
	defer s.Close()

	total := s.Range(1, 101, 1, 4).Agg(ember.Sum("id").Alias("total"))
	job, err := total.Submit(ctx, ember.JobName("gauss"), ember.JobPriority(5))
	if err != nil {
		panic(err)
	}
	id := job.ID() // keep it: the master keeps the job, and its result, for a week

	res, err := s.Job(id).Wait(ctx)
	if err != nil {
		panic(err)
	}
	defer res.Close()
	batch, err := res.Next(ctx)
	if err != nil {
		panic(err)
	}
	defer batch.Release()
	fmt.Println(batch.ColumnName(0), batch.Column(0).(*array.Int64).Value(0))

	status, err := s.Job(id).Status(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(status.Name, status.State, status.Attempts)
	// Output:
	// total 5050
	// gauss SUCCEEDED 1
}

// startExampleMaster starts a master with two local executors and a job
// queue, in a temporary work directory that stop removes.
func startExampleMaster() (addr string, stop func()) {
	dir, err := os.MkdirTemp("", "ember-example-")
	if err != nil {
		panic(err)
	}
	addr, stopMaster, err := startMasterWithJobs(dir, 2)
	if err != nil {
		os.RemoveAll(dir)
		panic(err)
	}
	return addr, func() {
		stopMaster()
		os.RemoveAll(dir)
	}
}
