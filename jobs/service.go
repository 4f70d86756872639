package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ember-sql/ember/cluster"
	emberpb "github.com/ember-sql/ember/proto"
)

// resultBatchRows is the row count of the batches JobResult sends.
const resultBatchRows = 64 << 10

// Service serves a Manager as emberpb.JobsServer.
type Service struct {
	emberpb.UnimplementedJobsServer
	m *Manager
}

var _ emberpb.JobsServer = (*Service)(nil)

// NewService serves m.
func NewService(m *Manager) *Service { return &Service{m: m} }

// Register adds the service to srv.
func (s *Service) Register(srv *grpc.Server) { emberpb.RegisterJobsServer(srv, s) }

// SubmitJob implements emberpb.JobsServer.
func (s *Service) SubmitJob(ctx context.Context, spec *emberpb.JobSpec) (*emberpb.Job, error) {
	job, err := s.m.Submit(ctx, spec)
	return job, grpcError(err)
}

// GetJob implements emberpb.JobsServer.
func (s *Service) GetJob(ctx context.Context, ref *emberpb.JobRef) (*emberpb.Job, error) {
	job, err := s.m.Get(ctx, ref.GetId())
	return job, grpcError(err)
}

// ListJobs implements emberpb.JobsServer. The replies leave out the specs'
// plans, which can be large.
func (s *Service) ListJobs(ctx context.Context, req *emberpb.ListJobsRequest) (*emberpb.ListJobsReply, error) {
	if req.GetLimit() < 0 {
		return nil, status.Errorf(codes.InvalidArgument, "limit must not be negative (got %d)", req.GetLimit())
	}
	jobs, err := s.m.List(ctx, req.GetStates(), int(req.GetLimit()))
	if err != nil {
		return nil, grpcError(err)
	}
	for _, j := range jobs {
		if j.Spec != nil {
			j.Spec.Plan = nil
		}
	}
	return &emberpb.ListJobsReply{Jobs: jobs}, nil
}

// CancelJob implements emberpb.JobsServer.
func (s *Service) CancelJob(ctx context.Context, ref *emberpb.JobRef) (*emberpb.Job, error) {
	job, err := s.m.Cancel(ctx, ref.GetId())
	return job, grpcError(err)
}

// JobLogs implements emberpb.JobsServer.
func (s *Service) JobLogs(ctx context.Context, ref *emberpb.JobRef) (*emberpb.JobLogsReply, error) {
	lines, err := s.m.Logs(ctx, ref.GetId())
	if err != nil {
		return nil, grpcError(err)
	}
	return &emberpb.JobLogsReply{Lines: lines}, nil
}

// JobResult implements emberpb.JobsServer: it streams the result file
// batch by batch, as Master.Execute streams a query's result. A result of
// no rows is one empty batch, which carries the schema; a job that
// succeeded without a result sends no batch.
func (s *Service) JobResult(ref *emberpb.JobRef, stream grpc.ServerStreamingServer[emberpb.ExecuteReply]) error {
	ctx := stream.Context()
	path, err := s.m.ResultPath(ctx, ref.GetId())
	if errors.Is(err, ErrNoResult) {
		return nil
	}
	if err != nil {
		return grpcError(err)
	}
	if err := s.streamFile(ctx, path, stream); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return stream.Send(&emberpb.ExecuteReply{Kind: &emberpb.ExecuteReply_Error{
			Error: fmt.Sprintf("job %s: reading its result: %v", ref.GetId(), err)}})
	}
	return nil
}

// streamFile sends the batches of the Parquet file at path.
func (s *Service) streamFile(ctx context.Context, path string, stream grpc.ServerStreamingServer[emberpb.ExecuteReply]) error {
	mem := s.m.cfg.Mem
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f, file.WithReadProps(parquet.NewReaderProperties(mem)))
	if err != nil {
		return err
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: resultBatchRows}, mem)
	if err != nil {
		return err
	}
	rr, err := fr.GetRecordReader(ctx, nil, nil)
	if err != nil {
		return err
	}
	defer rr.Release()
	// The Parquet reader adds field ids to the fields' metadata; the
	// result's schema is the query's, without them.
	schema := withoutFieldMetadata(rr.Schema())
	send := func(b arrow.RecordBatch) error {
		b = array.NewRecordBatch(schema, b.Columns(), b.NumRows())
		defer b.Release()
		data, err := cluster.EncodeBatch(b, mem)
		if err != nil {
			return err
		}
		return stream.Send(&emberpb.ExecuteReply{Kind: &emberpb.ExecuteReply_Batch{Batch: data}})
	}
	sent := false
	for rr.Next() {
		if err := send(rr.RecordBatch()); err != nil {
			return err
		}
		sent = true
	}
	if err := rr.Err(); err != nil {
		return err
	}
	if !sent {
		// No rows: one empty batch tells the client the columns.
		cols := emptyColumns(schema, mem)
		empty := array.NewRecordBatch(schema, cols, 0)
		for _, c := range cols {
			c.Release()
		}
		defer empty.Release()
		return send(empty)
	}
	return nil
}

// grpcError maps the Manager's errors to gRPC codes.
func grpcError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNotFound):
		return status.Error(codes.NotFound, err.Error())
	case errors.Is(err, ErrFinished):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.Is(err, ErrInvalidSpec):
		return status.Error(codes.InvalidArgument, err.Error())
	case errors.Is(err, ErrNoResult), errors.Is(err, ErrResultUnavailable):
		return status.Error(codes.FailedPrecondition, err.Error())
	case errors.Is(err, ErrClosed):
		return status.Error(codes.Unavailable, err.Error())
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	return status.Error(codes.Internal, err.Error())
}

// emptyColumns makes a zero-length array of each field's type.
func emptyColumns(schema *arrow.Schema, mem memory.Allocator) []arrow.Array {
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		cols[i] = array.MakeArrayOfNull(mem, f.Type, 0)
	}
	return cols
}

// withoutFieldMetadata is schema with no metadata on its fields.
func withoutFieldMetadata(schema *arrow.Schema) *arrow.Schema {
	fields := make([]arrow.Field, schema.NumFields())
	for i, f := range schema.Fields() {
		fields[i] = arrow.Field{Name: f.Name, Type: f.Type, Nullable: f.Nullable}
	}
	return arrow.NewSchema(fields, nil)
}
