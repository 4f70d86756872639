package ember

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/cluster"
	"github.com/ember-sql/ember/cluster/auth"
	"github.com/ember-sql/ember/exec"
	"github.com/ember-sql/ember/sql"
)

// Session is the entry point to Ember: it holds a catalog of tables and
// views and runs statements on the engine (in-process by default, on every
// core, like Spark's local[*]).
type Session struct {
	appName string
	master  string
	secret  []byte
	// client is the connection to the master in cluster mode (nil in
	// local mode).
	client *cluster.Client
	cat    *catalog.Catalog
	conf   *Config
	mem    memory.Allocator
	sched  *cluster.LocalScheduler
	// progress hears how far each query is (WithProgress).
	progress func(Progress)
	// mu guards owned: the in-memory data of DataFrames made from Go
	// values, Arrow batches and caches, released when the session closes.
	mu    sync.Mutex
	owned []interface{ Release() }
}

// Option configures a Session.
type Option func(*Session) error

// WithConfig sets a configuration key (see Config for the keys).
func WithConfig(key, value string) Option {
	return func(s *Session) error { return s.conf.Set(key, value) }
}

// WithAllocator makes every Arrow allocation of the session's queries go
// through mem (tests pass a checked allocator).
func WithAllocator(mem memory.Allocator) Option {
	return func(s *Session) error {
		s.mem = mem
		return nil
	}
}

// WithConfigs sets several configuration keys.
func WithConfigs(conf map[string]string) Option {
	return func(s *Session) error {
		for k, v := range conf {
			if err := s.conf.Set(k, v); err != nil {
				return err
			}
		}
		return nil
	}
}

// WithAppName names the application (shown in logs and, on a cluster, in
// the master's job list).
func WithAppName(name string) Option {
	return func(s *Session) error {
		s.appName = name
		return nil
	}
}

// WithMaster says where queries run, as Spark's master URL: "local[*]"
// (the default) runs them in-process on every core, "local" on one core,
// "local[N]" on N cores, and "host:port" (or "ember://host:port") on the
// cluster of the master at that address (ember master). In cluster mode
// the session plans queries and the master runs them on its workers;
// files are read by path on the workers, which must see them at the same
// paths.
func WithMaster(master string) Option {
	return func(s *Session) error {
		s.master = master
		switch {
		case master == "" || master == "local[*]":
			return nil
		case master == "local":
			return s.conf.Set("ember.cores", "1")
		case strings.HasPrefix(master, "local[") && strings.HasSuffix(master, "]"):
			n := strings.TrimSuffix(strings.TrimPrefix(master, "local["), "]")
			if err := s.conf.Set("ember.cores", n); err != nil {
				return fmt.Errorf("master %q: %w", master, err)
			}
			return nil
		}
		addr := strings.TrimPrefix(master, "ember://")
		if _, port, err := net.SplitHostPort(addr); err != nil || port == "" {
			return fmt.Errorf("master %q: want local, local[N], local[*] or HOST:PORT", master)
		}
		s.master = addr
		return nil
	}
}

// WithSecret sets the cluster's shared secret (ember master
// --secret-file): calls to the master carry a token derived from it.
func WithSecret(secret []byte) Option {
	return func(s *Session) error {
		s.secret = append([]byte(nil), secret...)
		return nil
	}
}

// WithSecretFile reads the cluster's shared secret from a file.
func WithSecretFile(path string) Option {
	return func(s *Session) error {
		secret, err := auth.ReadSecretFile(path)
		if err != nil {
			return err
		}
		s.secret = secret
		return nil
	}
}

// Progress counts a running query's stages and tasks, done and in all.
type Progress = cluster.Progress

// WithProgress makes every query of the session report how far it is, as
// its tasks finish (at most a few times a second, and once at the end).
// fn must return quickly.
func WithProgress(fn func(Progress)) Option {
	return func(s *Session) error {
		s.progress = fn
		return nil
	}
}

// The environment variables NewSession reads, as ember submit sets them
// for the Go programs it runs (spark-submit's client mode).
const (
	// EnvMaster is the master to run on, as WithMaster takes it.
	EnvMaster = "EMBER_MASTER"
	// EnvSecretFile is the file holding the cluster's secret.
	EnvSecretFile = "EMBER_SECRET_FILE"
)

// NewSession starts a session. Without WithMaster it runs where the
// EMBER_MASTER environment variable says (in-process when unset), with the
// secret in EMBER_SECRET_FILE, if set; options override both.
func NewSession(ctx context.Context, opts ...Option) (*Session, error) {
	s := &Session{appName: "ember", cat: catalog.New(), conf: defaultConfig(runtime.NumCPU()), mem: exec.NewPoolAllocator()}
	var env []Option
	if m := os.Getenv(EnvMaster); m != "" {
		env = append(env, WithMaster(m))
	}
	if f := os.Getenv(EnvSecretFile); f != "" {
		env = append(env, WithSecretFile(f))
	}
	for _, o := range env {
		if err := o(s); err != nil {
			return nil, fmt.Errorf("environment: %w", err)
		}
	}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	s.sched = &cluster.LocalScheduler{Slots: s.conf.Cores, BatchSize: s.conf.BatchSize, Progress: s.progress}
	if s.isCluster() {
		if err := s.connect(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Close ends the session and frees the tables it holds in memory,
// including the data of DataFrames made from Go values or Arrow batches
// and of cached DataFrames. DataFrames of a closed session must not be
// used.
func (s *Session) Close() error {
	for _, e := range s.cat.List() {
		if r, ok := e.Table.(interface{ Release() }); ok {
			r.Release()
		}
	}
	s.mu.Lock()
	owned := s.owned
	s.owned = nil
	s.mu.Unlock()
	for _, r := range owned {
		r.Release()
	}
	if s.client != nil {
		s.client.Close()
	}
	return nil
}

// isCluster reports whether the session runs queries on a cluster.
func (s *Session) isCluster() bool {
	return s.master != "" && !strings.HasPrefix(s.master, "local")
}

// connect dials the master and checks that it answers (and accepts the
// secret) within ten seconds.
func (s *Session) connect(ctx context.Context) error {
	client, err := cluster.DialMaster(s.master, auth.DialOptions(s.secret)...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	st, err := client.Status(ctx)
	if err != nil {
		client.Close()
		if status.Code(err) == codes.Unauthenticated {
			return fmt.Errorf("master %s refused the session: %s (is --secret-file the cluster's?)", s.master, status.Convert(err).Message())
		}
		return fmt.Errorf("cannot reach master %s: %s", s.master, status.Convert(err).Message())
	}
	s.client = client
	// Partition counts follow the cluster's cores, not the client's,
	// unless ember.cores was set.
	total := 0
	for _, w := range st.Workers {
		total += int(w.Cores)
	}
	if total > 0 && !s.conf.set["ember.cores"] {
		s.conf.Cores = total
	}
	return nil
}

// Master is where the session runs queries: "local[*]"-style, or the
// master's address.
func (s *Session) Master() string {
	if s.master == "" {
		return "local[*]"
	}
	return s.master
}

// AppName is the application's name (WithAppName).
func (s *Session) AppName() string { return s.appName }

// Conf returns the session's configuration.
func (s *Session) Conf() *Config { return s.conf }

// Catalog returns the session's catalog.
func (s *Session) Catalog() *catalog.Catalog { return s.cat }

// RegisterPath makes the file, directory or glob at path a table named
// name (the format follows the files' extension).
func (s *Session) RegisterPath(ctx context.Context, name, path string) error {
	t, err := catalog.OpenFiles(ctx, "", path, nil)
	if err != nil {
		return err
	}
	return s.cat.Put(&catalog.Entry{Name: name, Kind: catalog.KindTable, Table: t, Schema: t.Schema()}, true)
}

// bindOptions are what the binder needs from the session.
func (s *Session) bindOptions() sql.BindOptions {
	return sql.BindOptions{OpenFiles: catalog.OpenFiles}
}

// Bind parses and binds one statement against the session's catalog
// without running it: a query gets its plan, and so its schema.
func (s *Session) Bind(ctx context.Context, src sql.Source) (stmt sql.Statement, err error) {
	defer func() {
		if r := recover(); r != nil {
			stmt, err = nil, fmt.Errorf("internal error: %v", r)
		}
	}()
	return sql.Bind(ctx, s.cat, src, s.bindOptions())
}

// Execute runs one statement. Statements without rows (DDL) return a Result
// with an empty schema.
func (s *Session) Execute(ctx context.Context, src sql.Source) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("internal error: %v", r)
		}
	}()
	stmt, err := s.Bind(ctx, src)
	if err != nil {
		return nil, err
	}
	return s.run(ctx, stmt)
}

// Query runs one SELECT statement and returns its rows.
func (s *Session) Query(ctx context.Context, text string) (*Result, error) {
	return s.Execute(ctx, sql.Source{Text: text, Line: 1, Col: 1})
}

// batchStream is a running query's result: in-process (a
// cluster.ResultStream) or from a master (a cluster.RemoteStream).
type batchStream interface {
	Next(ctx context.Context) (arrow.RecordBatch, error)
	Close() error
}

// Result streams the rows of one statement.
type Result struct {
	schema  *arrow.Schema
	stream  batchStream
	batches []arrow.RecordBatch // for results computed up front
	next    int
	onClose func()
}

// Schema is the schema of the result's batches.
func (r *Result) Schema() *arrow.Schema { return r.schema }

// Next returns the next batch, or io.EOF. The caller releases each batch.
func (r *Result) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.stream != nil {
		return r.stream.Next(ctx)
	}
	if r.next >= len(r.batches) {
		return nil, io.EOF
	}
	b := r.batches[r.next]
	r.batches[r.next] = nil
	r.next++
	return b, nil
}

// Close stops the statement and releases its resources; safe to call twice.
func (r *Result) Close() error {
	var err error
	if r.stream != nil {
		err = r.stream.Close()
		r.stream = nil
	}
	for _, b := range r.batches[r.next:] {
		if b != nil {
			b.Release()
		}
	}
	r.batches, r.next = nil, 0
	if r.onClose != nil {
		r.onClose()
		r.onClose = nil
	}
	return err
}
