package shuffle

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Codec is the compression of shuffle output.
type Codec int

const (
	// CodecLZ4 compresses with LZ4 frames: fast to write and read, the
	// default, since shuffle data is written once and read once.
	CodecLZ4 Codec = iota
	// CodecZstd compresses about twice as well as LZ4 at about twice the
	// CPU cost; for slow networks.
	CodecZstd
	// CodecNone does not compress.
	CodecNone
)

func (c Codec) option() (ipc.Option, bool) {
	switch c {
	case CodecLZ4:
		return ipc.WithLZ4(), true
	case CodecZstd:
		return ipc.WithZstd(), true
	}
	return nil, false
}

// DefaultMemoryBudget is how many bytes of shuffle output (decoded batches
// or encoded frames) a worker keeps in memory when its configuration does
// not say.
const DefaultMemoryBudget = 256 << 20

// WorkerStoreConfig configures a WorkerStore.
type WorkerStoreConfig struct {
	// Mem accounts for the encoded output kept in memory and the buffers
	// used while encoding it (decoded batches stay on the allocator that
	// made them). Required.
	Mem memory.Allocator
	// MemoryBudget is how many bytes of committed output stay in memory,
	// decoded or encoded; a commit that would go past it is encoded and
	// written to a file. 0 means
	// DefaultMemoryBudget; a negative budget writes every output to a file.
	MemoryBudget int64
	// WorkDir holds the spill files, under WorkDir/shuffle. "" means the
	// system's temporary directory.
	WorkDir string
	// Codec compresses the output; the zero value is LZ4.
	Codec Codec
}

// WorkerStore holds a worker's shuffle output for any number of queries.
// Map tasks commit their output all at once, as batches (CommitBatches,
// kept decoded) or through a MapWriter (encoded as compressed Arrow IPC): a
// failed task leaves nothing and a retried task replaces what its earlier
// attempt committed. Committed output stays in memory up to a byte budget
// and goes, encoded, to files beyond it:
//
//	<WorkDir>/shuffle/<query>/<stage>/<map task>-<n>.arrow
//
// (n makes each commit's file unique, so a reader of a replaced output
// keeps reading the file it opened). Files are written under a temporary
// name and renamed when complete. Each file holds the partitions' frames
// back to back; where each partition starts is kept in memory.
//
// Outputs being read stay alive until their readers finish, even when
// replaced or dropped. Safe for concurrent use.
type WorkerStore struct {
	mem    memory.Allocator
	budget int64
	root   string
	codec  Codec
	gen    atomic.Uint64

	dirMu sync.Mutex // orders directory creation against removal

	mu       sync.Mutex
	closed   bool
	inMemory int64 // bytes of outputs held in memory, replaced ones included until freed
	outputs  map[string]map[stageTask]*output
	dropped  recentSet
}

type stageTask struct{ stage, task int }

// NewWorkerStore returns an empty store. No directory is created until an
// output spills.
func NewWorkerStore(cfg WorkerStoreConfig) (*WorkerStore, error) {
	if cfg.Mem == nil {
		return nil, errors.New("shuffle: WorkerStoreConfig.Mem is required")
	}
	budget := cfg.MemoryBudget
	if budget == 0 {
		budget = DefaultMemoryBudget
	}
	dir := cfg.WorkDir
	if dir == "" {
		dir = os.TempDir()
	}
	switch cfg.Codec {
	case CodecLZ4, CodecZstd, CodecNone:
	default:
		return nil, fmt.Errorf("shuffle: unknown codec %d", cfg.Codec)
	}
	return &WorkerStore{
		mem:     cfg.Mem,
		budget:  budget,
		root:    filepath.Join(dir, "shuffle"),
		codec:   cfg.Codec,
		outputs: map[string]map[stageTask]*output{},
		dropped: newRecentSet(4096),
	}, nil
}

// NotFoundError reports that a store holds no output for an id.
type NotFoundError struct{ ID OutputID }

func (e *NotFoundError) Error() string { return fmt.Sprintf("no shuffle output for %v", e.ID) }

var errStoreClosed = errors.New("shuffle store is closed")

// output is one committed map task output. The store holds one reference
// and each reader another; the last release frees it. It is held in one of
// three forms: decoded batches (CommitBatches within the budget), encoded
// frames in memory, or encoded frames in a spill file.
type output struct {
	store  *WorkerStore
	refs   atomic.Int32
	schema []byte // the schema message as a frame, shared by every partition
	// Decoded: batches per partition, and their schema. Tasks on this
	// worker read them as they are; other workers get them encoded as
	// they ask (batchFrames).
	batches     [][]arrow.RecordBatch
	arrowSchema *arrow.Schema
	// In memory: frames per partition.
	parts    [][]*memory.Buffer
	memBytes int64
	// Spilled: the file, and partition p's frames at offsets[p]:offsets[p+1].
	path    string
	offsets []int64
	// rows per partition, for stats.
	rows []int64
}

func (o *output) partitions() int {
	switch {
	case o.path != "":
		return len(o.offsets) - 1
	case o.batches != nil:
		return len(o.batches)
	}
	return len(o.parts)
}

func (o *output) release() {
	if o.refs.Add(-1) != 0 {
		return
	}
	for _, fs := range o.parts {
		for _, f := range fs {
			f.Release()
		}
	}
	o.parts = nil
	for _, bs := range o.batches {
		for _, b := range bs {
			b.Release()
		}
	}
	o.batches = nil
	s := o.store
	if o.memBytes != 0 {
		s.mu.Lock()
		s.inMemory -= o.memBytes
		s.mu.Unlock()
	}
	if o.path != "" {
		s.removeFile(o.path)
	}
}

// commit makes the frames in sink the output of id, replacing any earlier
// one. It takes the frames from sink.
func (s *WorkerStore) commit(id OutputID, sink *frameSink, rows []int64) error {
	size := sink.bytes
	keep, err := s.reserve(id.Query, size)
	if err != nil {
		return err
	}

	o := &output{store: s, schema: append([]byte(nil), sink.schema.Bytes()...), rows: rows}
	o.refs.Store(1)
	if keep {
		o.parts, o.memBytes = sink.parts, size
		sink.parts = make([][]*memory.Buffer, len(sink.parts))
		sink.bytes = 0
	} else {
		path, offsets, err := s.spill(id, sink)
		if err != nil {
			return err
		}
		o.path, o.offsets = path, offsets
	}
	sink.release()
	return s.install(id, o)
}

// reserve counts size more bytes held in memory, if the budget has room
// for them.
func (s *WorkerStore) reserve(query string, size int64) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.writableLocked(query); err != nil {
		return false, err
	}
	keep := s.budget > 0 && s.inMemory+size <= s.budget
	if keep {
		s.inMemory += size
	}
	return keep, nil
}

// install makes o, which holds one reference, the output of id, replacing
// any earlier one.
func (s *WorkerStore) install(id OutputID, o *output) error {
	s.mu.Lock()
	if err := s.writableLocked(id.Query); err != nil {
		s.mu.Unlock()
		o.release()
		return err
	}
	tasks, ok := s.outputs[id.Query]
	if !ok {
		tasks = map[stageTask]*output{}
		s.outputs[id.Query] = tasks
	}
	key := stageTask{id.Stage, id.MapTask}
	old := tasks[key]
	tasks[key] = o
	s.mu.Unlock()
	if old != nil {
		old.release()
	}
	return nil
}

func (s *WorkerStore) writableLocked(query string) error {
	if s.closed {
		return errStoreClosed
	}
	if s.dropped.has(query) {
		return fmt.Errorf("shuffle output of query %s was dropped", query)
	}
	return nil
}

// spill writes the frames of sink to a new file and returns its path and
// the partitions' offsets.
func (s *WorkerStore) spill(id OutputID, sink *frameSink) (path string, offsets []int64, err error) {
	dir := filepath.Join(s.root, id.Query, strconv.Itoa(id.Stage))
	s.dirMu.Lock()
	err = os.MkdirAll(dir, 0o755)
	var f *os.File
	if err == nil {
		f, err = os.CreateTemp(dir, strconv.Itoa(id.MapTask)+"-*.tmp")
	}
	s.dirMu.Unlock()
	if err != nil {
		return "", nil, fmt.Errorf("shuffle: spilling %v: %w", id, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			s.removeFile(tmp)
		}
	}()
	offsets = make([]int64, len(sink.parts)+1)
	var pos int64
	for p, frames := range sink.parts {
		offsets[p] = pos
		for _, fr := range frames {
			n, werr := f.Write(fr.Bytes())
			pos += int64(n)
			if werr != nil {
				return "", nil, fmt.Errorf("shuffle: spilling %v: %w", id, werr)
			}
		}
	}
	offsets[len(sink.parts)] = pos
	if err = f.Close(); err != nil {
		return "", nil, fmt.Errorf("shuffle: spilling %v: %w", id, err)
	}
	path = filepath.Join(dir, fmt.Sprintf("%d-%d.arrow", id.MapTask, s.gen.Add(1)))
	if err = os.Rename(tmp, path); err != nil {
		return "", nil, fmt.Errorf("shuffle: spilling %v: %w", id, err)
	}
	return path, offsets, nil
}

// removeFile deletes a spill file and then its stage and query directories
// if they became empty.
func (s *WorkerStore) removeFile(path string) {
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	_ = os.Remove(path)
	stageDir := filepath.Dir(path)
	if os.Remove(stageDir) == nil {
		_ = os.Remove(filepath.Dir(stageDir))
	}
}

// acquire returns output id with a reference the caller must release.
func (s *WorkerStore) acquire(id OutputID) (*output, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, errStoreClosed
	}
	o := s.outputs[id.Query][stageTask{id.Stage, id.MapTask}]
	if o == nil {
		return nil, &NotFoundError{ID: id}
	}
	o.refs.Add(1)
	return o, nil
}

// Has reports whether output id is committed.
func (s *WorkerStore) Has(id OutputID) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outputs[id.Query][stageTask{id.Stage, id.MapTask}] != nil
}

// MapTasks returns, sorted, the map tasks of stage of query whose output
// is committed here.
func (s *WorkerStore) MapTasks(query string, stage int) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []int
	for k := range s.outputs[query] {
		if k.stage == stage {
			out = append(out, k.task)
		}
	}
	sort.Ints(out)
	return out
}

// MemoryBytes is how many bytes of output (decoded or encoded) the store
// holds in memory, outputs that were replaced or dropped but are still
// being read included.
func (s *WorkerStore) MemoryBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inMemory
}

// ReadPartition calls fn with each non-empty batch of partition partition
// of output id, which fn must release: the batches themselves when the
// output is held decoded, else decoded on mem. It stops at fn's first
// error and returns it. A missing output is a *NotFoundError.
func (s *WorkerStore) ReadPartition(ctx context.Context, mem memory.Allocator, id OutputID, partition int, fn func(arrow.RecordBatch) error) error {
	if done, err := s.readDecoded(ctx, id, partition, fn); done {
		return err
	}
	src, err := s.openFrames(id, partition)
	if err != nil {
		return err
	}
	r, err := newIPCReader(newFrameMessages(src, mem), mem)
	if err != nil {
		return fmt.Errorf("shuffle: reading %v partition %d: %w", id, partition, err)
	}
	defer r.Release()
	for r.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := r.RecordBatch()
		if b.NumRows() == 0 {
			continue
		}
		b.Retain()
		if err := fn(b); err != nil {
			return err
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("shuffle: reading %v partition %d: %w", id, partition, err)
	}
	return nil
}

// openFrames returns the frames of a partition of output id, the schema
// frame first.
func (s *WorkerStore) openFrames(id OutputID, partition int) (frameSource, error) {
	o, err := s.acquire(id)
	if err != nil {
		return nil, err
	}
	if partition < 0 || partition >= o.partitions() {
		n := o.partitions()
		o.release()
		return nil, fmt.Errorf("shuffle: %v has %d partitions, not %d", id, n, partition+1)
	}
	if o.batches != nil {
		return newBatchFrames(o, partition)
	}
	if o.path == "" {
		return &memFrames{o: o, frames: o.parts[partition], pos: -1}, nil
	}
	src, err := openFileFrames(o, partition)
	if err != nil {
		o.release()
		return nil, err
	}
	return src, nil
}

// DropQuery deletes every output of query, in memory and on disk, and
// refuses later commits of that query (a task still running when its
// query is cancelled must not leave output behind). Outputs being read
// are freed when their readers finish.
func (s *WorkerStore) DropQuery(query string) { s.removeQuery(query, true) }

// LoseQuery deletes every output of query, in memory and on disk, as a
// crash would, but accepts later commits: its map tasks may run again.
// Tests use it to make a worker lose its output.
func (s *WorkerStore) LoseQuery(query string) { s.removeQuery(query, false) }

// removeQuery deletes query's outputs and, with refuse, refuses its later
// commits.
func (s *WorkerStore) removeQuery(query string, refuse bool) {
	s.mu.Lock()
	tasks := s.outputs[query]
	delete(s.outputs, query)
	if refuse {
		s.dropped.add(query)
	}
	s.mu.Unlock()
	for _, o := range tasks {
		o.release()
	}
	if checkQueryID(query) == nil {
		s.dirMu.Lock()
		_ = os.RemoveAll(filepath.Join(s.root, query))
		s.dirMu.Unlock()
	}
}

// Close deletes every output and refuses later commits and reads.
func (s *WorkerStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	all := s.outputs
	s.outputs = map[string]map[stageTask]*output{}
	s.mu.Unlock()
	for q, tasks := range all {
		for _, o := range tasks {
			o.release()
		}
		s.dirMu.Lock()
		_ = os.RemoveAll(filepath.Join(s.root, q))
		s.dirMu.Unlock()
	}
	_ = os.Remove(s.root) // only if no one else's files are there
	return nil
}

// recentSet remembers the last n keys added.
type recentSet struct {
	keys  map[string]struct{}
	order []string
	n     int
}

func newRecentSet(n int) recentSet { return recentSet{keys: map[string]struct{}{}, n: n} }

func (r *recentSet) has(k string) bool { _, ok := r.keys[k]; return ok }

func (r *recentSet) add(k string) {
	if r.has(k) {
		return
	}
	if len(r.order) == r.n {
		delete(r.keys, r.order[0])
		r.order = r.order[1:]
	}
	r.keys[k] = struct{}{}
	r.order = append(r.order, k)
}
