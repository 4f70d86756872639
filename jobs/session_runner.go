package jobs

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/cluster/codec"
	emberpb "github.com/ember-sql/ember/proto"
	"github.com/ember-sql/ember/sql"
)

// SessionRunner runs jobs on a cluster through an ember.Session connected
// to Master (the master's own gRPC address), one session per attempt.
type SessionRunner struct {
	// Master is the master's gRPC address, "host:port".
	Master string
	// Secret is the cluster's shared secret (nil: none).
	Secret []byte
	// Mem allocates the result batches and the Parquet writer's buffers
	// (nil: the session's default).
	Mem memory.Allocator
}

var _ Runner = (*SessionRunner)(nil)

// Run runs one attempt of job: a SQL script as described in the package
// doc, or a planned query (spec.plan) sent to the master as it is.
func (r *SessionRunner) Run(ctx context.Context, job *emberpb.Job, resultPath string, progress func(cluster.Progress)) (int64, error) {
	spec := job.GetSpec()
	if len(spec.GetPlan()) > 0 {
		return r.runPlan(ctx, spec, resultPath, progress)
	}
	return r.runScript(ctx, job, resultPath, progress)
}

// mem is the allocator of the Parquet writer (and of plan jobs' batches).
func (r *SessionRunner) mem() memory.Allocator {
	if r.Mem != nil {
		return r.Mem
	}
	return memory.DefaultAllocator
}

// runScript runs a SQL job's statements in order in a new session.
func (r *SessionRunner) runScript(ctx context.Context, job *emberpb.Job, resultPath string, progress func(cluster.Progress)) (int64, error) {
	spec := job.GetSpec()
	stmts, err := sql.Split(spec.GetSql())
	if err != nil {
		return 0, classify(phaseSetup, fmt.Errorf("the script: %w", err))
	}
	conf := sessionConf(spec)
	if err := checkConf(ctx, conf); err != nil {
		return 0, classify(phaseSetup, err)
	}
	name := spec.GetName()
	if name == "" {
		name = job.GetId()
	}
	opts := []ember.Option{ember.WithMaster(r.Master), ember.WithSecret(r.Secret), ember.WithConfigs(conf),
		ember.WithAppName(name)}
	if progress != nil {
		opts = append(opts, ember.WithProgress(progress))
	}
	if r.Mem != nil {
		opts = append(opts, ember.WithAllocator(r.Mem))
	}
	sess, err := ember.NewSession(ctx, opts...)
	if err != nil {
		return 0, classify(phaseConnect, err)
	}
	defer sess.Close()
	if err := registerTables(ctx, sess, spec.GetDataDir(), spec.GetTables()); err != nil {
		return 0, classify(phaseSetup, err)
	}
	return runStatements(ctx, sess, stmts, resultPath, r.mem())
}

// checkConf checks the session configuration in a local session, which
// costs nothing, so that a bad key is told apart from an unreachable
// master.
func checkConf(ctx context.Context, conf map[string]string) error {
	s, err := ember.NewSession(ctx, ember.WithMaster("local"), ember.WithConfigs(conf))
	if err != nil {
		return err
	}
	return s.Close()
}

// registerTables registers the tables of spec.data_dir, then those of
// spec.tables (which so win over a discovered table of the same name), as
// `ember sql --data` and `--table` do.
func registerTables(ctx context.Context, sess *ember.Session, dataDir string, tables map[string]string) error {
	if dataDir != "" {
		found, err := catalog.DiscoverTables(dataDir)
		if err != nil {
			return fmt.Errorf("data dir %s: %w", dataDir, err)
		}
		for _, name := range sortedKeys(found) {
			if err := sess.RegisterPath(ctx, name, found[name]); err != nil {
				return fmt.Errorf("data dir %s: table %s: %w", dataDir, name, err)
			}
		}
	}
	for _, name := range sortedKeys(tables) {
		if err := sess.RegisterPath(ctx, name, tables[name]); err != nil {
			return fmt.Errorf("table %s=%s: %w", name, tables[name], err)
		}
	}
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// runPlan runs a planned DataFrame query (an encoded StagePlan) on the
// master and writes its result.
func (r *SessionRunner) runPlan(ctx context.Context, spec *emberpb.JobSpec, resultPath string, progress func(cluster.Progress)) (int64, error) {
	wire := &emberpb.StagePlan{}
	if err := proto.Unmarshal(spec.GetPlan(), wire); err != nil {
		return 0, classify(phaseSetup, fmt.Errorf("decoding the job's plan: %w", err))
	}
	plan, err := codec.DecodeStagePlan(ctx, wire)
	if err != nil {
		return 0, classify(phaseSetup, fmt.Errorf("decoding the job's plan: %w", err))
	}
	client, err := cluster.DialMaster(r.Master, auth.DialOptions(r.Secret)...)
	if err != nil {
		return 0, classify(phaseConnect, err)
	}
	defer client.Close()
	batchSize := int(spec.GetBatchSize())
	if batchSize <= 0 {
		batchSize = defaultBatchSize
	}
	stream, err := client.Run(ctx, plan, cluster.RunOptions{BatchSize: batchSize, MemoryLimit: spec.GetMemoryLimit(),
		Mem: r.mem(), Progress: progress})
	if err != nil {
		return 0, classify(phaseConnect, err)
	}
	defer stream.Close()
	rows, err := writeResult(ctx, resultPath, stream.Schema(), stream.Next, r.mem())
	if err != nil {
		os.Remove(resultPath)
		return 0, classify(phaseStream, err)
	}
	return rows, nil
}

// defaultBatchSize is a plan job's batch size when its spec has none (a
// session's default).
const defaultBatchSize = 8192
