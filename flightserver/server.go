package flightserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/flight/flightsql"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ember-sql/ember"
)

// Config configures a Flight SQL server.
type Config struct {
	// Session runs the statements. One session serves every client: its
	// catalog is shared, so a view one client creates is seen by all. The
	// caller keeps ownership (Close does not close it).
	Session *ember.Session
	// Connect opens the session on first use when Session is nil. A master
	// registers its services before it serves, while a cluster session
	// dials the master when it is made: Connect lets the session be made
	// once the master answers. A failed Connect is tried again on the next
	// call. The server closes a session it opened.
	Connect func(ctx context.Context) (*ember.Session, error)
	// Mem allocates the server's own Arrow memory: metadata results,
	// parameter batches received, schemas encoded (nil:
	// memory.DefaultAllocator). Query results come from the session's
	// allocator.
	Mem memory.Allocator
	// Logger receives failed statements: at debug level, or at error
	// level for Ember's internal errors (nil: discard).
	Logger *slog.Logger
	// Name and Version are reported through SqlInfo (defaults: "Ember"
	// and the module's build version).
	Name    string
	Version string
}

// Server serves Arrow Flight SQL over an Ember session: ad-hoc queries and
// updates, prepared statements with parameters, and catalog metadata. It
// is safe for concurrent use by many clients.
type Server struct {
	svc *service
}

// New returns a server for cfg. It needs cfg.Session or cfg.Connect.
func New(cfg Config) *Server {
	if cfg.Mem == nil {
		cfg.Mem = memory.DefaultAllocator
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Name == "" {
		cfg.Name = "Ember"
	}
	if cfg.Version == "" {
		cfg.Version = buildVersion()
	}
	ctx, cancel := context.WithCancel(context.Background())
	svc := &service{cfg: cfg, mem: cfg.Mem, log: cfg.Logger, prepared: newPreparedStatements(),
		pending: newPendingResults(), ctx: ctx, cancel: cancel}
	// BaseServer allocates SqlInfo results with Alloc, which it would set
	// lazily (racing) when nil.
	svc.Alloc = cfg.Mem
	svc.infoIDs = registerSQLInfo(&svc.BaseServer, cfg.Name, cfg.Version)
	return &Server{svc: svc}
}

// Register registers the Arrow Flight service (speaking Flight SQL) on
// srv. srv's options apply: give it the authenticator's ServerOptions to
// require the cluster's token, and shuffle.ServerOptions for its message
// limits.
func (s *Server) Register(srv *grpc.Server) {
	router := flightsql.NewFlightServerWithAllocator(s.svc, s.svc.mem)
	flight.RegisterFlightServiceServer(srv, &flightService{FlightServer: router, svc: s.svc})
}

// Close stops the running queries, frees the open prepared statements and
// the results waiting to be fetched, and closes the session if the server
// opened it. Calls after Close fail with codes.Unavailable. It is safe to
// call twice.
func (s *Server) Close() error {
	return s.svc.close()
}

// service implements flightsql.Server. BaseServer answers the methods
// Ember does not support (transactions, Substrait, ingestion, polling)
// with codes.Unimplemented, and serves SqlInfo.
type service struct {
	flightsql.BaseServer
	cfg Config
	mem memory.Allocator
	log *slog.Logger

	prepared *preparedStatements
	pending  *pendingResults
	// infoIDs are the SqlInfo ids registered with BaseServer.
	infoIDs map[uint32]bool

	// sessMu guards sess, the session opened by cfg.Connect.
	sessMu sync.Mutex
	sess   *ember.Session

	// mu guards closed, so that no call starts (wg.Add) once close has
	// begun waiting.
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
	// active counts the calls and streams running (for tests).
	active atomic.Int64
	// ctx is cancelled by close, which stops every running call.
	ctx    context.Context
	cancel context.CancelFunc
}

var _ flightsql.Server = (*service)(nil)

// errClosed answers calls made after Close, and errShutdown ends the
// streams Close cuts short.
var (
	errClosed   = status.Error(codes.Unavailable, "the Flight SQL server is closed")
	errShutdown = status.Error(codes.Unavailable, "the Flight SQL server closed while the query ran")
)

// enter registers a call that uses the session, so that close waits for
// it, and returns its context, also cancelled by close. The caller calls
// exit once done (for a DoGet, when its stream ends).
func (s *service) enter(ctx context.Context) (context.Context, func(), error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, nil, errClosed
	}
	s.wg.Add(1)
	s.active.Add(1)
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.ctx, cancel)
	return ctx, func() {
		stop()
		cancel()
		s.active.Add(-1)
		s.wg.Done()
	}, nil
}

// session returns the session, opening it on first use.
func (s *service) session(ctx context.Context) (*ember.Session, error) {
	if s.cfg.Session != nil {
		return s.cfg.Session, nil
	}
	s.sessMu.Lock()
	defer s.sessMu.Unlock()
	if s.isClosed() {
		return nil, errClosed
	}
	if s.sess != nil {
		return s.sess, nil
	}
	if s.cfg.Connect == nil {
		return nil, status.Error(codes.FailedPrecondition, "the Flight SQL server has no session (Config.Session or Config.Connect)")
	}
	sess, err := s.cfg.Connect(ctx)
	if err != nil {
		return nil, status.Errorf(codes.Unavailable, "cannot open the session: %v", err)
	}
	s.sess = sess
	return sess, nil
}

// begin is enter followed by session: what every statement call needs.
func (s *service) begin(ctx context.Context) (context.Context, *ember.Session, func(), error) {
	ctx, exit, err := s.enter(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	sess, err := s.session(ctx)
	if err != nil {
		exit()
		return nil, nil, nil, err
	}
	return ctx, sess, exit, nil
}

func (s *service) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *service) close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.prepared.close()
	s.pending.close()
	s.sessMu.Lock()
	defer s.sessMu.Unlock()
	if s.sess != nil {
		err := s.sess.Close()
		s.sess = nil
		return err
	}
	return nil
}

// toStatus turns an error into the gRPC status the client sees: status
// errors (from a cluster) keep their code, cancellation is Canceled or
// DeadlineExceeded, a recovered panic is Internal, and anything else is
// the user's statement or data at fault, InvalidArgument, with Ember's
// message (which says what and where).
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	if st, ok := status.FromError(err); ok {
		return status.Error(st.Code(), err.Error())
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	case strings.HasPrefix(err.Error(), "internal error"):
		return status.Error(codes.Internal, err.Error())
	}
	return status.Error(codes.InvalidArgument, err.Error())
}

// fail logs a failed call and returns its status error: the user's
// mistakes at debug level, Ember's own (Internal) at error level.
func (s *service) fail(what string, err error) error {
	err = toStatus(err)
	if status.Code(err) == codes.Internal {
		s.log.Error("flight sql: "+what+" failed", "error", err)
	} else {
		s.log.Debug("flight sql: "+what+" failed", "error", err)
	}
	return err
}

// buildVersion is the version of the Ember module in the running binary.
func buildVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if info.Main.Path == "github.com/ember-sql/ember" && info.Main.Version != "" {
		return info.Main.Version
	}
	for _, d := range info.Deps {
		if d.Path == "github.com/ember-sql/ember" {
			return d.Version
		}
	}
	return "devel"
}

// notFound is the error for a handle or ticket the server does not know.
func notFound(format string, args ...any) error {
	return status.Error(codes.NotFound, fmt.Sprintf(format, args...))
}
