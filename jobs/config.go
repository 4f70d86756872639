package jobs

import (
	"log/slog"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Config configures a Manager.
type Config struct {
	// WorkDir holds jobs.db and results/ (created if missing).
	WorkDir string
	// MaxRunning is how many jobs run at once (0: 2).
	MaxRunning int
	// Retention is how long finished jobs' results are kept (0: 7 days);
	// records are kept for ever.
	Retention time.Duration
	// Runner runs the attempts.
	Runner Runner
	// Logger hears what the queue does (nil: discard).
	Logger *slog.Logger
	// BackoffBase is the delay before the first retry (0: 1s); it doubles
	// per attempt, with ±50% jitter.
	BackoffBase time.Duration
	// BackoffMax caps the delay between attempts (0: 1m).
	BackoffMax time.Duration
	// Mem allocates the batches the Service reads from result files (nil:
	// memory.DefaultAllocator).
	Mem memory.Allocator
}

// The defaults of Config's zero fields.
const (
	defaultMaxRunning  = 2
	defaultRetention   = 7 * 24 * time.Hour
	defaultBackoffBase = time.Second
	defaultBackoffMax  = time.Minute
)

// sweepEvery is how often results past their retention are deleted.
const sweepEvery = time.Hour

// withDefaults fills the zero fields of cfg.
func (cfg Config) withDefaults() Config {
	if cfg.MaxRunning <= 0 {
		cfg.MaxRunning = defaultMaxRunning
	}
	if cfg.Retention <= 0 {
		cfg.Retention = defaultRetention
	}
	if cfg.BackoffBase <= 0 {
		cfg.BackoffBase = defaultBackoffBase
	}
	if cfg.BackoffMax <= 0 {
		cfg.BackoffMax = defaultBackoffMax
	}
	if cfg.BackoffMax < cfg.BackoffBase {
		cfg.BackoffMax = cfg.BackoffBase
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Mem == nil {
		cfg.Mem = memory.DefaultAllocator
	}
	return cfg
}
