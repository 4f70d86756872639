package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/internal/output"
	"github.com/ember-sql/ember/internal/textfmt"
	emberpb "github.com/ember-sql/ember/proto"
)

// newJobsCommand is `ember jobs`: the master's job queue, seen from a
// client.
func newJobsCommand(io stdio) *cobra.Command {
	var mf masterFlags
	var format string
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List, follow, cancel jobs and fetch their results (see ember submit)",
		Long: `Ask a master about the jobs queued with ember submit: list them, show one's
status (state, attempts, times, progress, error), print or save its kept
result, cancel it, or show what happened to it attempt by attempt.`,
		Example: `  ember jobs list --master 127.0.0.1:7077
  ember jobs list --master 127.0.0.1:7077 --state failed --limit 10
  ember jobs status job-000007 --master 127.0.0.1:7077
  ember jobs result job-000007 --master 127.0.0.1:7077 --format csv
  ember jobs result job-000007 --master 127.0.0.1:7077 --output sales.parquet
  ember jobs cancel job-000007 --master 127.0.0.1:7077`,
		Args: cobra.NoArgs,
	}
	pf := cmd.PersistentFlags()
	mf.add(pf)
	pf.StringVar(&format, "format", output.FormatTable, "output format: "+strings.Join(output.Formats(), ", ")+" (result --output also: parquet)")
	cmd.AddCommand(newJobsListCommand(io, &mf, &format), newJobsStatusCommand(io, &mf, &format),
		newJobsResultCommand(io, &mf, &format), newJobsCancelCommand(io, &mf, &format), newJobsLogsCommand(io, &mf, &format))
	return cmd
}

func newJobsListCommand(io stdio, mf *masterFlags, format *string) *cobra.Command {
	var states []string
	var limit int
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the jobs, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w, err := output.New(*format, io.out)
			if err != nil {
				return err
			}
			if limit < 0 {
				return fmt.Errorf("--limit %d: must not be negative", limit)
			}
			req := &emberpb.ListJobsRequest{Limit: int32(limit)}
			for _, s := range states {
				st, err := parseJobState(s)
				if err != nil {
					return err
				}
				req.States = append(req.States, st)
			}
			conn, err := mf.dial()
			if err != nil {
				return err
			}
			defer conn.Close()
			reply, err := conn.jobs.ListJobs(cmd.Context(), req)
			if err != nil {
				return conn.callError("", err)
			}
			b := jobListBatch(reply.GetJobs())
			defer b.Release()
			return writeBatch(w, b)
		},
	}
	cmd.Flags().StringSliceVar(&states, "state", nil, "only jobs in these states (`STATES`: queued, running, retrying, succeeded, failed, cancelled; comma-separated)")
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many jobs (0: all)")
	return cmd
}

func newJobsStatusCommand(io stdio, mf *masterFlags, format *string) *cobra.Command {
	return &cobra.Command{
		Use:   "status ID",
		Short: "Show a job's state, attempts, times, progress, error and result",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := output.New(*format, io.out)
			if err != nil {
				return err
			}
			conn, err := mf.dial()
			if err != nil {
				return err
			}
			defer conn.Close()
			job, err := conn.jobs.GetJob(cmd.Context(), &emberpb.JobRef{Id: args[0]})
			if err != nil {
				return conn.callError(args[0], err)
			}
			b := jobStatusBatch(job)
			defer b.Release()
			if strings.EqualFold(*format, output.FormatTable) {
				// One job's many fields read better down the page than
				// across it.
				t := transpose(b)
				defer t.Release()
				return writeBatch(w, t)
			}
			return writeBatch(w, b)
		},
	}
}

func newJobsResultCommand(io stdio, mf *masterFlags, format *string) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "result ID",
		Short: "Print a succeeded job's kept result, or write it to a file",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := newResultTarget(*format, cmd.Flags().Changed("format"), out)
			if err != nil {
				return err
			}
			conn, err := mf.dial()
			if err != nil {
				return err
			}
			defer conn.Close()
			ctx, stop := interruptContext(cmd.Context())
			defer stop()
			err = target.write(ctx, io.out, io.err, conn, args[0])
			if err != nil && ctx.Err() != nil {
				return cancelled("fetching the result")
			}
			return err
		},
	}
	cmd.Flags().StringVar(&out, "output", "", "write the result to `PATH` (Parquet, CSV or JSON, from --format or the extension), replacing it once complete")
	return cmd
}

func newJobsCancelCommand(io stdio, mf *masterFlags, format *string) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a queued, retrying or running job, and print its new state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := output.New(*format, io.out)
			if err != nil {
				return err
			}
			conn, err := mf.dial()
			if err != nil {
				return err
			}
			defer conn.Close()
			job, err := conn.jobs.CancelJob(cmd.Context(), &emberpb.JobRef{Id: args[0]})
			if err != nil {
				return conn.callError(args[0], err)
			}
			b := stringBatch([]string{"id", "state"}, [][]string{{job.GetId(), stateName(job.GetState())}})
			defer b.Release()
			return writeBatch(w, b)
		},
	}
}

func newJobsLogsCommand(io stdio, mf *masterFlags, format *string) *cobra.Command {
	return &cobra.Command{
		Use:   "logs ID",
		Short: "Show what happened to a job, attempt by attempt",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w, err := output.New(*format, io.out)
			if err != nil {
				return err
			}
			conn, err := mf.dial()
			if err != nil {
				return err
			}
			defer conn.Close()
			reply, err := conn.jobs.JobLogs(cmd.Context(), &emberpb.JobRef{Id: args[0]})
			if err != nil {
				return conn.callError(args[0], err)
			}
			b := jobLogsBatch(reply.GetLines())
			defer b.Release()
			return writeBatch(w, b)
		},
	}
}

// masterFlags are the flags of the commands that talk to a master's job
// queue.
type masterFlags struct {
	master     string // --master HOST:PORT
	secretFile string // --secret-file
}

func (f *masterFlags) add(fs *pflag.FlagSet) {
	fs.StringVar(&f.master, "master", "", "the master's `HOST:PORT` (default: $"+ember.EnvMaster+")")
	fs.StringVar(&f.secretFile, "secret-file", "", "file holding the cluster's shared secret (default: $"+ember.EnvSecretFile+")")
}

// resolve applies the environment's defaults and checks the flags.
func (f *masterFlags) resolve() error {
	if f.master == "" {
		f.master = os.Getenv(ember.EnvMaster)
	}
	if f.secretFile == "" {
		f.secretFile = os.Getenv(ember.EnvSecretFile)
	}
	if f.master == "" {
		return fmt.Errorf("--master HOST:PORT is required (or $%s)", ember.EnvMaster)
	}
	f.master = strings.TrimPrefix(f.master, "ember://")
	return nil
}

// dial connects to the master's job queue. The connection is lazy: an
// unreachable master or a refused secret shows in the first call, which
// callError explains.
func (f *masterFlags) dial() (*jobsConn, error) {
	if err := f.resolve(); err != nil {
		return nil, err
	}
	secret, err := readSecret(f.secretFile)
	if err != nil {
		return nil, err
	}
	c, err := cluster.DialMaster(f.master, auth.DialOptions(secret)...)
	if err != nil {
		return nil, err
	}
	return &jobsConn{master: f.master, client: c, jobs: emberpb.NewJobsClient(c.Conn())}, nil
}

// jobsConn is a connection to a master's job queue.
type jobsConn struct {
	master string
	client *cluster.Client
	jobs   emberpb.JobsClient
}

func (c *jobsConn) Close() error { return c.client.Close() }

// callError explains a failed call about job id ("" for none) in a user's
// terms.
func (c *jobsConn) callError(id string, err error) error {
	st := status.Convert(err)
	switch st.Code() {
	case codes.NotFound:
		if id != "" {
			return fmt.Errorf("no job %s on master %s", id, c.master)
		}
	case codes.Unauthenticated, codes.PermissionDenied:
		return fmt.Errorf("master %s refused the call: %s (is --secret-file the cluster's?)", c.master, st.Message())
	case codes.Unavailable:
		return fmt.Errorf("cannot reach master %s: %s", c.master, st.Message())
	case codes.Unimplemented:
		return fmt.Errorf("master %s has no job queue: %s", c.master, st.Message())
	case codes.Canceled:
		return context.Canceled
	}
	switch {
	case id == "":
		return fmt.Errorf("master %s: %s", c.master, st.Message())
	case strings.Contains(st.Message(), id):
		// The master's message names the job already.
		return errors.New(st.Message())
	}
	return fmt.Errorf("job %s: %s", id, st.Message())
}

// parseJobState reads a state's name, with or without JOB_, in any case.
func parseJobState(s string) (emberpb.JobState, error) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if v, ok := emberpb.JobState_value["JOB_"+name]; ok && !strings.HasPrefix(name, "STATE") {
		return emberpb.JobState(v), nil
	}
	return 0, fmt.Errorf("--state %q: want queued, running, retrying, succeeded, failed or cancelled", s)
}

// stateName is the state as users read it: SUCCEEDED.
func stateName(s emberpb.JobState) string { return strings.TrimPrefix(s.String(), "JOB_") }

// The rows the jobs commands print are small Arrow batches, so that every
// output format renders them as it renders query results. They are made
// with the Go allocator: a few rows, nothing to account.
var (
	instant = &arrow.TimestampType{Unit: arrow.Millisecond, TimeZone: "UTC"}
	strType = arrow.BinaryTypes.String
	i32Type = arrow.PrimitiveTypes.Int32
	i64Type = arrow.PrimitiveTypes.Int64
)

// jobListBatch is `ember jobs list`'s rows.
func jobListBatch(jobs []*emberpb.Job) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: strType}, {Name: "name", Type: strType, Nullable: true}, {Name: "state", Type: strType},
		{Name: "priority", Type: i32Type}, {Name: "attempts", Type: i32Type},
		{Name: "submitted", Type: instant, Nullable: true}, {Name: "started", Type: instant, Nullable: true},
		{Name: "finished", Type: instant, Nullable: true}, {Name: "rows", Type: i64Type, Nullable: true},
		{Name: "error", Type: strType, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, j := range jobs {
		appendString(b.Field(0), j.GetId())
		appendString(b.Field(1), j.GetSpec().GetName())
		appendString(b.Field(2), stateName(j.GetState()))
		b.Field(3).(*array.Int32Builder).Append(j.GetSpec().GetPriority())
		b.Field(4).(*array.Int32Builder).Append(j.GetAttempts())
		appendInstant(b.Field(5), j.GetSubmittedMs())
		appendInstant(b.Field(6), j.GetStartedMs())
		appendInstant(b.Field(7), j.GetFinishedMs())
		appendRows(b.Field(8), j)
		appendString(b.Field(9), j.GetError())
	}
	return b.NewRecordBatch()
}

// jobStatusBatch is `ember jobs status`'s one row.
func jobStatusBatch(j *emberpb.Job) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: strType}, {Name: "name", Type: strType, Nullable: true},
		{Name: "submitter", Type: strType, Nullable: true}, {Name: "state", Type: strType},
		{Name: "priority", Type: i32Type}, {Name: "attempts", Type: i32Type}, {Name: "retries", Type: i32Type},
		{Name: "submitted", Type: instant, Nullable: true}, {Name: "started", Type: instant, Nullable: true},
		{Name: "finished", Type: instant, Nullable: true}, {Name: "next_attempt", Type: instant, Nullable: true},
		{Name: "stages", Type: strType, Nullable: true}, {Name: "tasks", Type: strType, Nullable: true},
		{Name: "error", Type: strType, Nullable: true},
		{Name: "result_rows", Type: i64Type, Nullable: true}, {Name: "result_expires", Type: instant, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	spec, p := j.GetSpec(), j.GetProgress()
	appendString(b.Field(0), j.GetId())
	appendString(b.Field(1), spec.GetName())
	appendString(b.Field(2), spec.GetSubmitter())
	appendString(b.Field(3), stateName(j.GetState()))
	b.Field(4).(*array.Int32Builder).Append(spec.GetPriority())
	b.Field(5).(*array.Int32Builder).Append(j.GetAttempts())
	b.Field(6).(*array.Int32Builder).Append(spec.GetRetries())
	appendInstant(b.Field(7), j.GetSubmittedMs())
	appendInstant(b.Field(8), j.GetStartedMs())
	appendInstant(b.Field(9), j.GetFinishedMs())
	next := j.GetNextAttemptMs()
	if j.GetState() != emberpb.JobState_JOB_RETRYING {
		next = 0
	}
	appendInstant(b.Field(10), next)
	if p != nil && p.GetStagesTotal() > 0 {
		appendString(b.Field(11), fmt.Sprintf("%d/%d", p.GetStagesDone(), p.GetStagesTotal()))
		appendString(b.Field(12), fmt.Sprintf("%d/%d", p.GetTasksDone(), p.GetTasksTotal()))
	} else {
		b.Field(11).AppendNull()
		b.Field(12).AppendNull()
	}
	appendString(b.Field(13), j.GetError())
	appendRows(b.Field(14), j)
	if j.GetResultPath() != "" {
		appendInstant(b.Field(15), j.GetResultExpiresMs())
	} else {
		b.Field(15).AppendNull()
	}
	return b.NewRecordBatch()
}

// jobLogsBatch is `ember jobs logs`'s rows.
func jobLogsBatch(lines []*emberpb.JobLogLine) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "time", Type: instant}, {Name: "attempt", Type: i32Type}, {Name: "message", Type: strType},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	for _, l := range lines {
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(l.GetTimeMs()))
		b.Field(1).(*array.Int32Builder).Append(l.GetAttempt())
		b.Field(2).(*array.StringBuilder).Append(l.GetMessage())
	}
	return b.NewRecordBatch()
}

// stringBatch is rows of strings under names.
func stringBatch(names []string, rows [][]string) arrow.RecordBatch {
	fields := make([]arrow.Field, len(names))
	for i, n := range names {
		fields[i] = arrow.Field{Name: n, Type: strType, Nullable: true}
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	for _, row := range rows {
		for i, v := range row {
			b.Field(i).(*array.StringBuilder).Append(v)
		}
	}
	return b.NewRecordBatch()
}

// transpose turns a one-row batch into rows of field and value, each
// value rendered as the text formats render it (NULL stays null).
func transpose(one arrow.RecordBatch) arrow.RecordBatch {
	schema := arrow.NewSchema([]arrow.Field{{Name: "field", Type: strType}, {Name: "value", Type: strType, Nullable: true}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	names, values := b.Field(0).(*array.StringBuilder), b.Field(1).(*array.StringBuilder)
	for i, col := range one.Columns() {
		names.Append(one.ColumnName(i))
		app, _, ok := textfmt.NewAppender(col, textfmt.Options{})
		if col.Len() == 0 || col.IsNull(0) || !ok {
			values.AppendNull()
			continue
		}
		values.Append(string(app(nil, 0)))
	}
	return b.NewRecordBatch()
}

// appendString appends s, or null for "".
func appendString(b array.Builder, s string) {
	if s == "" {
		b.AppendNull()
		return
	}
	b.(*array.StringBuilder).Append(s)
}

// appendInstant appends the time ms (Unix milliseconds), or null for 0
// (not yet).
func appendInstant(b array.Builder, ms int64) {
	if ms == 0 {
		b.AppendNull()
		return
	}
	b.(*array.TimestampBuilder).Append(arrow.Timestamp(ms))
}

// appendRows appends the size of a job's kept result, or null when it has
// none.
func appendRows(b array.Builder, j *emberpb.Job) {
	if j.GetResultPath() == "" {
		b.AppendNull()
		return
	}
	b.(*array.Int64Builder).Append(j.GetResultRows())
}

// writeBatch renders one batch as a whole result.
func writeBatch(w output.Writer, b arrow.RecordBatch) error {
	if err := w.Begin(b.Schema()); err != nil {
		return err
	}
	if err := w.Write(b); err != nil {
		return err
	}
	return w.End()
}

// formatParquet is the one format of --output that is not a text format.
const formatParquet = "parquet"

// resultTarget is where a job's result goes: printed in a text format, or
// written to a file.
type resultTarget struct {
	format string
	output string // "" prints to standard output
}

// newResultTarget checks --format and --output before anything is asked
// of the master. With --output the format is --format when given, else
// the file's extension.
func newResultTarget(format string, formatGiven bool, out string) (resultTarget, error) {
	format = strings.ToLower(format)
	if out == "" {
		if format == formatParquet {
			return resultTarget{}, fmt.Errorf("--format parquet needs --output PATH: Parquet is not printed")
		}
		if _, err := output.New(format, io.Discard); err != nil {
			return resultTarget{}, err
		}
		return resultTarget{format: format}, nil
	}
	if !formatGiven {
		ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(out), "."))
		switch ext {
		case formatParquet, output.FormatCSV, output.FormatTSV, output.FormatJSON, output.FormatNDJSON:
			format = ext
		case "jsonl":
			format = output.FormatNDJSON
		default:
			return resultTarget{}, fmt.Errorf("--output %s: cannot tell the format from the extension; give --format parquet, csv or json", out)
		}
	}
	if format == output.FormatTable {
		return resultTarget{}, fmt.Errorf("--output %s: --format table is for the terminal; use parquet, csv or json", out)
	}
	if format != formatParquet {
		if _, err := output.New(format, io.Discard); err != nil {
			return resultTarget{}, err
		}
	}
	return resultTarget{format: format, output: out}, nil
}

// write fetches job id's kept result and prints it to out, or writes the
// file and says so on errOut.
func (t resultTarget) write(ctx context.Context, out, errOut io.Writer, conn *jobsConn, id string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := conn.jobs.JobResult(ctx, &emberpb.JobRef{Id: id})
	if err != nil {
		return conn.callError(id, err)
	}
	src := &resultSource{conn: conn, id: id, stream: stream, mem: memory.DefaultAllocator}
	defer src.close()
	// The schema comes with the first batch.
	first, err := src.Next(ctx)
	if errors.Is(err, io.EOF) {
		if t.output != "" {
			return fmt.Errorf("job %s has no result rows to write (its script has no query)", id)
		}
		return nil
	}
	if err != nil {
		return err
	}
	src.first = first
	if t.output == "" {
		w, err := output.New(t.format, out)
		if err != nil {
			return err
		}
		return copyResult(ctx, w, first.Schema(), src)
	}
	rows, err := writeResultFile(ctx, t.output, t.format, first.Schema(), src)
	if err != nil {
		return err
	}
	fmt.Fprintf(errOut, "%s: wrote %d rows to %s\n", id, rows, t.output)
	return nil
}

// resultSource reads a job's result stream as batches.
type resultSource struct {
	conn   *jobsConn
	id     string
	stream grpc.ServerStreamingClient[emberpb.ExecuteReply]
	mem    memory.Allocator
	first  arrow.RecordBatch // read ahead for the schema
}

// Next returns the next batch (the caller releases it) or io.EOF.
func (s *resultSource) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if b := s.first; b != nil {
		s.first = nil
		return b, nil
	}
	for {
		reply, err := s.stream.Recv()
		switch {
		case errors.Is(err, io.EOF):
			return nil, io.EOF
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, s.conn.callError(s.id, err)
		}
		switch k := reply.Kind.(type) {
		case *emberpb.ExecuteReply_Error:
			return nil, fmt.Errorf("job %s: %s", s.id, k.Error)
		case *emberpb.ExecuteReply_Batch:
			b, err := cluster.DecodeBatch(k.Batch, s.mem)
			if err != nil {
				return nil, fmt.Errorf("job %s: %w", s.id, err)
			}
			return b, nil
		}
	}
}

func (s *resultSource) close() {
	if s.first != nil {
		s.first.Release()
		s.first = nil
	}
}

// copyResult renders every batch of src with w.
func copyResult(ctx context.Context, w output.Writer, schema *arrow.Schema, src *resultSource) error {
	if err := w.Begin(schema); err != nil {
		return err
	}
	for {
		b, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			return w.End()
		}
		if err != nil {
			return err
		}
		err = w.Write(b)
		b.Release()
		if err != nil {
			return err
		}
	}
}

// writeResultFile writes src to path in format and returns the rows
// written. The file is written beside path under a hidden name and renamed
// into place once complete, so a failed or interrupted write leaves path
// as it was.
func writeResultFile(ctx context.Context, path, format string, schema *arrow.Schema, src *resultSource) (rows int64, err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("--output %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	var put func(arrow.RecordBatch) error
	var finish func() error
	if format == formatParquet {
		props := parquet.NewWriterProperties(parquet.WithAllocator(src.mem), parquet.WithCompression(compress.Codecs.Snappy), parquet.WithStats(true))
		fw, err := pqarrow.NewFileWriter(schema, bw, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema(), pqarrow.WithAllocator(src.mem)))
		if err != nil {
			return 0, fmt.Errorf("--output %s: %w", path, err)
		}
		defer fw.Close() // frees its buffers on failure; a second Close is a no-op
		put, finish = fw.WriteBuffered, fw.Close
	} else {
		w, err := output.New(format, bw)
		if err != nil {
			return 0, err
		}
		if err := w.Begin(schema); err != nil {
			return 0, err
		}
		put, finish = w.Write, w.End
	}
	for {
		b, err := src.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
		rows += b.NumRows()
		err = put(b)
		b.Release()
		if err != nil {
			return 0, fmt.Errorf("--output %s: %w", path, err)
		}
	}
	if err = finish(); err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return 0, fmt.Errorf("--output %s: %w", path, err)
	}
	return rows, nil
}
