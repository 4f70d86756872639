package dbgen

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Output formats.
const (
	FormatParquet = "parquet"
	FormatCSV     = "csv"
)

// Limits of the scale factor: below MinScaleFactor a table would have too
// few suppliers for a part's four; above MaxScaleFactor keys outgrow the
// 31-bit random streams.
const (
	MinScaleFactor = 0.001
	MaxScaleFactor = 10000
)

// Options says what Generate makes.
type Options struct {
	// ScaleFactor sizes the data: 1 is about 1 GB of text, 6 million
	// lineitem rows. Fractions are allowed.
	ScaleFactor float64
	// OutDir is the directory the tables go to; it is created if needed.
	OutDir string
	// Format is FormatParquet (the default) or FormatCSV.
	Format string
	// Parallel is the number of files written at once (default: the
	// number of CPUs). The output does not depend on it.
	Parallel int
	// Tables are the tables to make (default: all eight).
	Tables []string
	// Progress, if not nil, is called with the rows written so far and the
	// total: once with none when the writing starts, then after each chunk
	// of rows. Calls do not overlap.
	Progress func(rowsDone, rowsTotal int64)
	// Allocator provides the Parquet encoders' buffers (default:
	// memory.DefaultAllocator).
	Allocator memory.Allocator

	// RowGroupRows, if not 0, replaces the rows of each row group (and
	// generation chunk; 122,880 by default). Small values give many row
	// groups, and folders of part files, from little data: tests use them
	// to get parallel scans and shuffles at tiny scale factors.
	RowGroupRows int64
}

// TableSummary is what Generate wrote for one table.
type TableSummary struct {
	Name  string
	Path  string // the file, or the directory of part files
	Rows  int64
	Files int
}

// Summary is what Generate wrote.
type Summary struct {
	Tables []TableSummary
	Rows   int64
	Files  int
}

// Generate writes the TPC-H tables as opts says: OUT/<table>.parquet (or
// .csv), or for a table of more than about 2 million rows a directory
// OUT/<table>/ of part files. It writes everything under a hidden
// temporary directory in OUT and moves the tables into place only when all
// are complete, replacing the tables of an earlier run; on error or
// cancellation it removes what it wrote.
func Generate(ctx context.Context, opts Options) (Summary, error) {
	plans, opts, err := prepare(opts)
	if err != nil {
		return Summary{}, err
	}
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return Summary{}, fmt.Errorf("output directory: %w", err)
	}
	tmp, err := os.MkdirTemp(opts.OutDir, ".ember-gen-")
	if err != nil {
		return Summary{}, fmt.Errorf("output directory %s is not writable: %w", opts.OutDir, err)
	}
	defer os.RemoveAll(tmp)

	if err := writeFiles(ctx, tmp, plans, opts); err != nil {
		return Summary{}, err
	}
	if err := ctx.Err(); err != nil {
		return Summary{}, err
	}
	return publish(tmp, plans, opts)
}

// prepare checks opts, fills in the defaults and plans the files.
func prepare(opts Options) ([]tablePlan, Options, error) {
	sf := opts.ScaleFactor
	switch {
	case math.IsNaN(sf) || sf <= 0:
		return nil, opts, fmt.Errorf("scale factor %v: must be greater than 0", sf)
	case sf < MinScaleFactor:
		return nil, opts, fmt.Errorf("scale factor %v is too small (the smallest is %v)", sf, MinScaleFactor)
	case sf > MaxScaleFactor:
		return nil, opts, fmt.Errorf("scale factor %v is too large (the largest is %v)", sf, MaxScaleFactor)
	}
	if opts.OutDir == "" {
		return nil, opts, errors.New("no output directory")
	}
	var ext string
	switch opts.Format {
	case "", FormatParquet:
		opts.Format, ext = FormatParquet, ".parquet"
	case FormatCSV:
		ext = ".csv"
	default:
		return nil, opts, fmt.Errorf("unknown format %q (want %s or %s)", opts.Format, FormatParquet, FormatCSV)
	}
	switch {
	case opts.Parallel < 0:
		return nil, opts, fmt.Errorf("parallelism %d: must be at least 1", opts.Parallel)
	case opts.Parallel == 0:
		opts.Parallel = runtime.NumCPU()
	}
	if opts.Allocator == nil {
		opts.Allocator = memory.DefaultAllocator
	}
	want := map[string]bool{}
	for _, name := range opts.Tables {
		name = strings.ToLower(strings.TrimSpace(name))
		if tableByName(name) == nil {
			return nil, opts, fmt.Errorf("unknown table %q (want %s)", name, strings.Join(TableNames(), ", "))
		}
		want[name] = true
	}
	var plans []tablePlan
	for _, t := range tables {
		if len(want) == 0 || want[t.name] {
			p := planTable(t, sf, ext, opts.RowGroupRows)
			p.rows = RowCount(t.name, sf)
			plans = append(plans, p)
		}
	}
	return plans, opts, nil
}

// writeFiles writes every file of plans under dir, opts.Parallel at a
// time, biggest first. The first error stops the others.
func writeFiles(ctx context.Context, dir string, plans []tablePlan, opts Options) error {
	var jobs []fileJob
	var total int64
	for _, p := range plans {
		jobs = append(jobs, p.files...)
		total += p.rows
		if len(p.files) > 1 {
			if err := os.Mkdir(filepath.Join(dir, p.entry), 0o755); err != nil {
				return err
			}
		}
	}
	slices.SortStableFunc(jobs, func(a, b fileJob) int { return cmp.Compare(b.cost, a.cost) })

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		pool = textPool()
		e    = newEnv(opts.ScaleFactor, pool)
		next atomic.Int64 // index of the next job
		done atomic.Int64 // rows written
		mu   sync.Mutex   // serializes Progress
		wg   sync.WaitGroup
	)
	progress := func(rows int) {
		n := done.Add(int64(rows))
		if opts.Progress != nil {
			mu.Lock()
			opts.Progress(n, total)
			mu.Unlock()
		}
	}
	progress(0)
	for range min(opts.Parallel, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var c chunk
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || ctx.Err() != nil {
					return
				}
				if err := writeFile(ctx, dir, &jobs[i], e, &c, opts, progress); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// chunkWriter is a file format's writer.
type chunkWriter interface {
	writeChunk(c *chunk) error
	close() error
}

// writeFile generates and writes one file, a chunk at a time, using c as
// the chunk buffer.
func writeFile(ctx context.Context, dir string, job *fileJob, e *env, c *chunk, opts Options, progress func(int)) (err error) {
	path := filepath.Join(dir, job.rel)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			err = fmt.Errorf("writing %s: %w", job.rel, err)
		}
	}()
	buf := bufio.NewWriterSize(f, 1<<20)
	var w chunkWriter
	if opts.Format == FormatCSV {
		w, err = newCSVWriter(buf, job.t)
	} else {
		w, err = newParquetWriter(buf, job.t, opts.Allocator)
	}
	if err != nil {
		return err
	}
	for first := job.first; first < job.first+job.n; first += job.perChunk {
		if err := ctx.Err(); err != nil {
			w.close()
			return err
		}
		c.reset(job.t)
		job.t.gen(e, c, first, min(job.perChunk, job.first+job.n-first))
		if err := w.writeChunk(c); err != nil {
			w.close()
			return err
		}
		progress(c.rows)
	}
	if err := w.close(); err != nil {
		return err
	}
	return buf.Flush()
}

// publish moves the tables from tmp into the output directory, replacing
// any earlier table of the same name in either format or layout.
func publish(tmp string, plans []tablePlan, opts Options) (Summary, error) {
	var s Summary
	for _, p := range plans {
		for _, old := range []string{p.t.name + ".parquet", p.t.name + ".csv", p.t.name} {
			if err := os.RemoveAll(filepath.Join(opts.OutDir, old)); err != nil {
				return s, err
			}
		}
		dst := filepath.Join(opts.OutDir, p.entry)
		if err := os.Rename(filepath.Join(tmp, p.entry), dst); err != nil {
			return s, err
		}
		s.Tables = append(s.Tables, TableSummary{Name: p.t.name, Path: dst, Rows: p.rows, Files: len(p.files)})
		s.Rows += p.rows
		s.Files += len(p.files)
	}
	return s, nil
}
