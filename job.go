package ember

import (
	"context"
	"errors"
	"fmt"
	"github.com/ember-sql/ember/internal/userhost"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/codec"
	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/sql"
)

// Jobs are Celery's shape over the master's durable job queue (ember
// submit, ember jobs): a submitter gets a job id at once and walks away;
// the master runs the job when a slot is free (higher priority first,
// then first come first served), retries transient failures, keeps the
// result for a while, and remembers all of it across a restart.
//
//	job, _ := df.Submit(ctx, ember.JobName("daily"), ember.JobPriority(5))
//	... later, perhaps in another process ...
//	res, err := s.Job(job.ID()).Wait(ctx)

// JobState is where a job is in its life.
type JobState string

// The states of a job. A job is queued, runs, and ends succeeded, failed
// or cancelled; an attempt that fails for a transient reason makes it
// retrying until the next attempt starts.
const (
	JobQueued    JobState = "QUEUED"
	JobRunning   JobState = "RUNNING"
	JobRetrying  JobState = "RETRYING"
	JobSucceeded JobState = "SUCCEEDED"
	JobFailed    JobState = "FAILED"
	JobCancelled JobState = "CANCELLED"
)

// Done reports whether the state is final: succeeded, failed or
// cancelled.
func (s JobState) Done() bool {
	return s == JobSucceeded || s == JobFailed || s == JobCancelled
}

// jobStateOf names a state from the wire.
func jobStateOf(s emberpb.JobState) JobState {
	return JobState(strings.TrimPrefix(s.String(), "JOB_"))
}

// JobStatus is a job's record on the master.
type JobStatus struct {
	ID   string
	Name string
	// Submitter is who queued it, user@host.
	Submitter string
	State     JobState
	Priority  int
	// Attempts counts the attempts started so far; Retries is how many
	// transient failures the job may retry.
	Attempts, Retries int
	// The times it was queued, first started and finished (zero: not
	// yet).
	Submitted, Started, Finished time.Time
	// NextAttempt is when a retrying job starts again.
	NextAttempt time.Time
	// Progress is the running attempt's (the last one's, once finished).
	Progress Progress
	// Error is why the job failed, or why its last attempt failed.
	Error string
	// ResultRows is the size of the kept result of a succeeded job, which
	// the master deletes at ResultExpires.
	ResultRows    int64
	ResultExpires time.Time
}

// JobError is Wait's error for a job that failed or was cancelled.
type JobError struct {
	ID      string
	State   JobState // JobFailed or JobCancelled
	Message string   // the job's error ("" when none was recorded)
}

// Error says which job ended how, and why.
func (e *JobError) Error() string {
	if e.State == JobCancelled {
		if e.Message == "" {
			return fmt.Sprintf("job %s was cancelled", e.ID)
		}
		return fmt.Sprintf("job %s was cancelled: %s", e.ID, e.Message)
	}
	return fmt.Sprintf("job %s failed: %s", e.ID, e.Message)
}

// DefaultJobRetries is how many times a job retries a transient failure
// unless JobRetries says otherwise (ember submit's default too).
const DefaultJobRetries = 3

// JobOption sets how a job is queued and run.
type JobOption struct{ set func(*emberpb.JobSpec) }

// JobName names the job for people (default: the session's app name).
func JobName(name string) JobOption {
	return JobOption{func(s *emberpb.JobSpec) { s.Name = name }}
}

// JobPriority sets the job's priority: higher runs first when slots are
// short; equal priorities run in submission order (default 0).
func JobPriority(p int) JobOption {
	return JobOption{func(s *emberpb.JobSpec) { s.Priority = int32(p) }}
}

// JobRetries sets how many times a transient failure (a lost worker, an
// I/O error) is retried after the first attempt (default 3). A user's
// mistake, such as bad SQL, fails the job at once.
func JobRetries(n int) JobOption {
	return JobOption{func(s *emberpb.JobSpec) { s.Retries = int32(max(0, n)) }}
}

// JobTimeout cancels each attempt that runs longer than d (default: no
// limit).
func JobTimeout(d time.Duration) JobOption {
	return JobOption{func(s *emberpb.JobSpec) { s.TimeoutMs = max(0, d.Milliseconds()) }}
}

// JobConf sets a configuration key of the session that runs a SQL job on
// the master (see Config), or a job setting (ember.job.*). A SQL job
// already carries the keys set on the submitting session.
func JobConf(key, value string) JobOption {
	return JobOption{func(s *emberpb.JobSpec) {
		if s.Conf == nil {
			s.Conf = map[string]string{}
		}
		s.Conf[key] = value
	}}
}

// JobTable registers, for a SQL job, the file, directory or glob at path
// (as the master sees it) as table name. A SQL job runs in a session of
// its own on the master: the submitting session's tables and views are
// not there.
func JobTable(name, path string) JobOption {
	return JobOption{func(s *emberpb.JobSpec) {
		if s.Tables == nil {
			s.Tables = map[string]string{}
		}
		s.Tables[name] = path
	}}
}

// JobDataDir registers, for a SQL job, every table found in dir (as the
// master sees it), as ember sql --data does.
func JobDataDir(dir string) JobOption {
	return JobOption{func(s *emberpb.JobSpec) { s.DataDir = dir }}
}

// Job is a job on the master's queue. Its methods ask the master; a Job
// holds no other state, so a Job made again by Session.Job from its id
// works the same.
type Job struct {
	id     string
	master string
	// client is nil for a job of a local session: every call fails.
	client emberpb.JobsClient
	mem    memory.Allocator
	// progress is the session's WithProgress hook, told by Wait.
	progress func(Progress)
	// schema is the result's schema when known (a submitted DataFrame's),
	// for a result without batches.
	schema *arrow.Schema
}

// Submit queues the DataFrame's query as a job on the cluster and returns
// at once; the query is planned here, with the session's batch size and
// memory limit, and the master runs the plan when a slot is free. Only a
// cluster session (WithMaster) can submit jobs.
func (df *DataFrame) Submit(ctx context.Context, opts ...JobOption) (*Job, error) {
	if df.err != nil {
		return nil, df.err
	}
	s := df.s
	if s.client == nil {
		return nil, fmt.Errorf("Submit: %w", errLocalJobs)
	}
	qp, err := s.planQuery(ctx, df.frame.Plan, false)
	if err != nil {
		return nil, err
	}
	wire, err := codec.EncodeStagePlan(qp.stages)
	if err != nil {
		return nil, fmt.Errorf("Submit: %w", err)
	}
	plan, err := proto.Marshal(wire)
	if err != nil {
		return nil, fmt.Errorf("Submit: %w", err)
	}
	spec := s.jobSpec()
	spec.Plan = plan
	spec.BatchSize = int32(s.conf.BatchSize)
	spec.MemoryLimit = s.conf.MemoryLimit
	for _, o := range opts {
		if o.set != nil {
			o.set(spec)
		}
	}
	return s.submitJob(ctx, spec, df.Schema())
}

// SubmitSQL queues a SQL script as a job on the cluster and returns at
// once. The statements are separated by ';' and run in order in a session
// of the master's; the result is that of the last statement that returns
// rows. The script carries the configuration keys set on this session;
// JobTable and JobDataDir register its tables. A script that does not
// split (an unterminated quote) is an error before anything is queued.
func (s *Session) SubmitSQL(ctx context.Context, script string, opts ...JobOption) (*Job, error) {
	if s.client == nil {
		return nil, fmt.Errorf("SubmitSQL: %w", errLocalJobs)
	}
	stmts, err := sql.Split(script)
	if err != nil {
		return nil, fmt.Errorf("SubmitSQL: %w", err)
	}
	if len(stmts) == 0 {
		return nil, fmt.Errorf("SubmitSQL: the script holds no statement")
	}
	spec := s.jobSpec()
	spec.Sql = script
	spec.Conf = s.conf.explicit()
	for _, o := range opts {
		if o.set != nil {
			o.set(spec)
		}
	}
	return s.submitJob(ctx, spec, nil)
}

// Job returns the job of that id, to follow a job submitted earlier,
// perhaps by another process. Nothing is asked of the master until a
// method is called; an unknown id makes them fail.
func (s *Session) Job(id string) *Job {
	j := &Job{id: id, master: s.Master(), mem: s.mem, progress: s.progress}
	if s.client != nil {
		j.client = emberpb.NewJobsClient(s.client.Conn())
	}
	return j
}

// jobSpec is a job's defaults: the app name and the default retries.
func (s *Session) jobSpec() *emberpb.JobSpec {
	return &emberpb.JobSpec{Name: s.appName, Submitter: userhost.Name(), Retries: DefaultJobRetries}
}

// submitJob queues spec.
func (s *Session) submitJob(ctx context.Context, spec *emberpb.JobSpec, schema *arrow.Schema) (*Job, error) {
	j := s.Job("")
	j.schema = schema
	rec, err := j.client.SubmitJob(ctx, spec)
	if err != nil {
		return nil, j.callError(err)
	}
	j.id = rec.GetId()
	return j, nil
}

// explicit returns the keys set on the configuration, to run a SQL job as
// this session would.
func (c *Config) explicit() map[string]string {
	out := map[string]string{}
	for k := range c.set {
		out[k] = strconv.Itoa(*configKeys[k](c))
	}
	if c.MemoryLimit > 0 {
		out["ember.sql.memoryLimit"] = strconv.FormatInt(c.MemoryLimit, 10)
	}
	return out
}

// ID is the job's id (job-000007).
func (j *Job) ID() string { return j.id }

// Status returns the job's record.
func (j *Job) Status(ctx context.Context) (*JobStatus, error) {
	rec, err := j.get(ctx)
	if err != nil {
		return nil, err
	}
	return jobStatusOf(rec), nil
}

// get fetches the job's record.
func (j *Job) get(ctx context.Context) (*emberpb.Job, error) {
	if j.client == nil {
		return nil, fmt.Errorf("job %s: %w", j.id, errLocalJobs)
	}
	rec, err := j.client.GetJob(ctx, &emberpb.JobRef{Id: j.id})
	if err != nil {
		return nil, j.callError(err)
	}
	return rec, nil
}

// errLocalJobs is the error of jobs asked of a local session.
var errLocalJobs = errors.New("jobs run on a cluster, and this session runs in-process; open the session WithMaster(\"host:port\")")

// jobPollMin and jobPollMax bound how often Wait asks for the job's
// state: often at first, so short jobs return at once, then every
// second.
const (
	jobPollMin = 50 * time.Millisecond
	jobPollMax = time.Second
)

// Wait waits until the job ends. A succeeded job returns its result, to
// read as a query's (the caller closes it); a failed or cancelled one a
// *JobError with the job's error. While it waits, the session's
// WithProgress hook hears the job's progress. Cancelling ctx stops the
// waiting, not the job (Cancel does that).
func (j *Job) Wait(ctx context.Context) (*Result, error) {
	delay := jobPollMin
	var last Progress
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		rec, err := j.get(ctx)
		if err != nil {
			return nil, err
		}
		if p := cluster.ProgressFromProto(rec.GetProgress()); j.progress != nil && p != last {
			last = p
			j.progress(p)
		}
		switch st := jobStateOf(rec.GetState()); st {
		case JobSucceeded:
			return j.Result(ctx)
		case JobFailed, JobCancelled:
			return nil, &JobError{ID: j.id, State: st, Message: rec.GetError()}
		}
		timer.Reset(delay)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
		}
		delay = min(2*delay, jobPollMax)
	}
}

// Result returns the kept result of a succeeded job (the caller closes
// it). A job still running, failed or cancelled, or whose result has
// expired, has none: that is an error.
func (j *Job) Result(ctx context.Context) (*Result, error) {
	if j.client == nil {
		return nil, fmt.Errorf("job %s: %w", j.id, errLocalJobs)
	}
	sctx, cancel := context.WithCancel(ctx)
	stream, err := j.client.JobResult(sctx, &emberpb.JobRef{Id: j.id})
	if err != nil {
		cancel()
		return nil, j.callError(err)
	}
	js := &jobStream{job: j, stream: stream, cancel: cancel}
	// The schema comes with the first batch: read it now.
	first, err := js.recv(ctx)
	switch {
	case errors.Is(err, io.EOF):
		schema := j.schema
		if schema == nil {
			schema = emptySchema
		}
		return &Result{schema: schema, stream: js}, nil
	case err != nil:
		js.Close()
		return nil, err
	}
	js.schema = resultSchema(first.Schema(), j.schema)
	js.first = js.conform(first)
	return &Result{schema: js.schema, stream: js}, nil
}

// resultSchema is the schema a job's result is given. The result was kept
// as a Parquet file, whose reader tags every field with its Parquet field
// id: a submitted DataFrame's result takes the DataFrame's schema back,
// and any other its fields without metadata, as the query made them.
func resultSchema(read, known *arrow.Schema) *arrow.Schema {
	if known != nil && known.NumFields() == read.NumFields() {
		same := true
		for i, f := range known.Fields() {
			same = same && arrow.TypeEqual(f.Type, read.Field(i).Type)
		}
		if same {
			return known
		}
	}
	fields := read.Fields()
	for i := range fields {
		fields[i].Metadata = arrow.Metadata{}
	}
	return arrow.NewSchema(fields, nil)
}

// Cancel cancels the job: a queued or retrying job never runs again, a
// running one is stopped on every executor. Cancelling a finished job is
// an error.
func (j *Job) Cancel(ctx context.Context) error {
	if j.client == nil {
		return fmt.Errorf("job %s: %w", j.id, errLocalJobs)
	}
	if _, err := j.client.CancelJob(ctx, &emberpb.JobRef{Id: j.id}); err != nil {
		return j.callError(err)
	}
	return nil
}

// callError turns a failed call about the job into an error that names
// the job or the master.
func (j *Job) callError(err error) error {
	st := status.Convert(err)
	switch st.Code() {
	case codes.NotFound:
		return fmt.Errorf("no job %s on master %s", j.id, j.master)
	case codes.Unauthenticated, codes.PermissionDenied:
		return fmt.Errorf("master %s refused the call: %s (is the secret the cluster's?)", j.master, st.Message())
	case codes.Unavailable:
		return fmt.Errorf("cannot reach master %s: %s", j.master, st.Message())
	case codes.Unimplemented:
		return fmt.Errorf("master %s runs no job queue: %s", j.master, st.Message())
	}
	switch {
	case j.id == "":
		return fmt.Errorf("master %s: %s", j.master, st.Message())
	case strings.Contains(st.Message(), j.id):
		// The master's message names the job already.
		return errors.New(st.Message())
	}
	return fmt.Errorf("job %s: %s", j.id, st.Message())
}

// jobStatusOf converts a record from the wire.
func jobStatusOf(rec *emberpb.Job) *JobStatus {
	spec := rec.GetSpec()
	return &JobStatus{
		ID:            rec.GetId(),
		Name:          spec.GetName(),
		Submitter:     spec.GetSubmitter(),
		State:         jobStateOf(rec.GetState()),
		Priority:      int(spec.GetPriority()),
		Attempts:      int(rec.GetAttempts()),
		Retries:       int(spec.GetRetries()),
		Submitted:     unixMillis(rec.GetSubmittedMs()),
		Started:       unixMillis(rec.GetStartedMs()),
		Finished:      unixMillis(rec.GetFinishedMs()),
		NextAttempt:   unixMillis(rec.GetNextAttemptMs()),
		Progress:      cluster.ProgressFromProto(rec.GetProgress()),
		Error:         rec.GetError(),
		ResultRows:    rec.GetResultRows(),
		ResultExpires: unixMillis(rec.GetResultExpiresMs()),
	}
}

// unixMillis is the time of ms, or the zero time for 0 (not yet).
func unixMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// jobStream reads a job's kept result from the master.
type jobStream struct {
	job    *Job
	stream grpc.ServerStreamingClient[emberpb.ExecuteReply]
	cancel context.CancelFunc
	// first is the batch Result read to learn the schema.
	first arrow.RecordBatch
	// schema is the result's (see resultSchema).
	schema *arrow.Schema
	err    error
}

// Next returns the next batch (the caller releases it) or io.EOF.
func (s *jobStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if b := s.first; b != nil {
		s.first = nil
		return b, nil
	}
	b, err := s.recv(ctx)
	if err != nil {
		return nil, err
	}
	return s.conform(b), nil
}

// conform gives b the result's schema (the same columns, shared).
func (s *jobStream) conform(b arrow.RecordBatch) arrow.RecordBatch {
	if b.Schema() == s.schema {
		return b
	}
	out := array.NewRecordBatch(s.schema, b.Columns(), b.NumRows())
	b.Release()
	return out
}

// recv reads the next batch from the stream.
func (s *jobStream) recv(ctx context.Context) (arrow.RecordBatch, error) {
	for s.err == nil {
		reply, err := s.stream.Recv()
		switch {
		case errors.Is(err, io.EOF):
			s.err = io.EOF
		case err != nil:
			if ctx.Err() != nil {
				s.err = ctx.Err()
			} else {
				s.err = s.job.callError(err)
			}
		default:
			switch k := reply.Kind.(type) {
			case *emberpb.ExecuteReply_Error:
				s.err = fmt.Errorf("job %s: %s", s.job.id, k.Error)
			case *emberpb.ExecuteReply_Batch:
				b, err := cluster.DecodeBatch(k.Batch, s.job.mem)
				if err != nil {
					s.err = fmt.Errorf("job %s: %w", s.job.id, err)
					break
				}
				return b, nil
			}
		}
	}
	return nil, s.err
}

// Close stops the stream and frees a batch not read.
func (s *jobStream) Close() error {
	s.cancel()
	if s.first != nil {
		s.first.Release()
		s.first = nil
	}
	return nil
}
