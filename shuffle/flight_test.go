package shuffle

import (
	"context"
	"crypto/rand"
	"errors"
	"github.com/ember-sql/ember/internal/size"
	"io"
	"net"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/ember-sql/ember/exec"
)

// testServer is a worker's gRPC server on a free loopback port carrying
// the shuffle Flight service.
type testServer struct {
	addr string
	srv  *grpc.Server
	done chan struct{}
	once sync.Once
}

func startServer(t *testing.T, store *WorkerStore, opts ...grpc.ServerOption) *testServer {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// WaitForHandlers: stop returns once no handler holds an output.
	srv := grpc.NewServer(append(append(ServerOptions(), grpc.WaitForHandlers(true)), opts...)...)
	RegisterFlight(srv, store)
	ts := &testServer{addr: lis.Addr().String(), srv: srv, done: make(chan struct{})}
	go func() {
		defer close(ts.done)
		_ = srv.Serve(lis)
	}()
	return ts
}

func (ts *testServer) stop() {
	ts.once.Do(func() {
		ts.srv.Stop()
		<-ts.done
	})
}

// drain reads op to the end and returns its batches.
func drain(ctx context.Context, op exec.Operator) ([]arrow.RecordBatch, error) {
	if err := op.Open(ctx); err != nil {
		return nil, err
	}
	var out []arrow.RecordBatch
	for {
		b, err := op.Next(ctx)
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			for _, b := range out {
				b.Release()
			}
			return nil, err
		}
		out = append(out, b)
	}
}

// TestFetchFromTwoServers spreads stage 1's map tasks over two workers and
// reads each reduce partition from both, over the network and with the
// first worker's outputs read from its local store.
func TestFetchFromTwoServers(t *testing.T) {
	for _, local := range []bool{false, true} {
		name := "remote"
		if local {
			name = "local+remote"
		}
		t.Run(name, func(t *testing.T) {
			storeMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer storeMem.AssertSize(t, 0)
			taskMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer taskMem.AssertSize(t, 0)
			a, _ := newTestStore(t, storeMem, 0, CodecLZ4)
			defer a.Close()
			// b spills everything: files are served too.
			b, _ := newTestStore(t, storeMem, -1, CodecLZ4)
			defer b.Close()
			sa, sb := startServer(t, a), startServer(t, b)
			defer sa.stop()
			defer sb.stop()

			// Map task m holds [1000m, 1000m+1000): its first 600 rows in
			// partition 0, the rest in partition 1.
			where := map[int]*WorkerStore{0: a, 1: b, 2: a, 3: b}
			var locs []MapOutput
			for m := range 4 {
				lo := int64(1000 * m)
				commitNums(t, where[m], storeMem, OutputID{"q7", 1, m}, [][2]int64{{lo, lo + 600}, {lo + 600, lo + 1000}})
				addr := sa.addr
				if where[m] == b {
					addr = sb.addr
				}
				locs = append(locs, MapOutput{MapTask: m, Address: addr})
			}
			cfg := FetcherConfig{Concurrency: 2}
			if local {
				cfg.Local, cfg.LocalAddress = a, sa.addr
			}
			f := NewFetcher(cfg)
			defer f.Close()
			if local {
				// Stop a's server: its outputs must come from the store.
				sa.stop()
			}
			in := f.Inputs("q7", taskMem, map[int][]MapOutput{1: locs})
			for p, part := range [][2]int64{{0, 600}, {600, 1000}} {
				op, err := in.Open(context.Background(), 1, p, numSchema)
				if err != nil {
					t.Fatal(err)
				}
				batches, err := drain(context.Background(), op)
				op.Close()
				if err != nil {
					t.Fatal(err)
				}
				for _, bt := range batches {
					if !bt.Schema().Equal(numSchema) {
						t.Fatalf("batch schema %v", bt.Schema())
					}
				}
				var want []int64
				for m := range 4 {
					want = append(want, span(int64(1000*m)+part[0], int64(1000*m)+part[1])...)
				}
				// Batches come in map task order, as from the in-memory
				// store: a gather of ordered map outputs stays ordered.
				last := int64(-1)
				for _, bt := range batches {
					first, err := strconv.ParseInt(bt.Column(1).(*array.String).Value(0), 10, 64)
					if err != nil || first < last {
						t.Fatalf("partition %d: a batch starting at %d after one starting at %d (%v)", p, first, last, err)
					}
					last = first
				}
				if got := numbers(t, batches); !slices.Equal(got, want) {
					t.Fatalf("partition %d: %d rows, want %d", p, len(got), len(want))
				}
			}
		})
	}
}

// TestFetchFailures checks that every way a location can fail is a
// FetchFailedError naming the map task and the address.
func TestFetchFailures(t *testing.T) {
	storeMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer storeMem.AssertSize(t, 0)
	taskMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer taskMem.AssertSize(t, 0)
	good, _ := newTestStore(t, storeMem, 0, CodecLZ4)
	defer good.Close()
	dead, _ := newTestStore(t, storeMem, 0, CodecLZ4)
	defer dead.Close()
	sGood, sDead := startServer(t, good), startServer(t, dead)
	defer sGood.stop()
	defer sDead.stop()
	commitNums(t, good, storeMem, OutputID{"q", 3, 0}, [][2]int64{{0, 5000}})
	commitNums(t, dead, storeMem, OutputID{"q", 3, 1}, [][2]int64{{5000, 6000}})
	sDead.stop()

	for _, tc := range []struct {
		name    string
		local   *WorkerStore
		out     MapOutput
		code    codes.Code // of the cause, if a gRPC status
		missing bool       // the cause is a NotFoundError
	}{
		{name: "stopped server", out: MapOutput{1, sDead.addr}, code: codes.Unavailable},
		{name: "missing remote output", out: MapOutput{9, sGood.addr}, code: codes.NotFound},
		{name: "missing local output", local: good, out: MapOutput{9, sGood.addr}, missing: true},
		{name: "nothing listening", out: MapOutput{2, "127.0.0.1:1"}, code: codes.Unavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFetcher(FetcherConfig{Local: tc.local, LocalAddress: sGood.addr})
			defer f.Close()
			// The good output is listed too: the failure must win anyway.
			locs := []MapOutput{{0, sGood.addr}, tc.out}
			op, err := f.Inputs("q", taskMem, map[int][]MapOutput{3: locs}).Open(context.Background(), 3, 0, numSchema)
			if err != nil {
				t.Fatal(err)
			}
			_, err = drain(context.Background(), op)
			op.Close()
			var ff *FetchFailedError
			if !errors.As(err, &ff) {
				t.Fatalf("got %v, want a FetchFailedError", err)
			}
			if ff.Query != "q" || ff.Stage != 3 || ff.MapTask != tc.out.MapTask || ff.Address != tc.out.Address {
				t.Fatalf("FetchFailedError names %+v, want map task %d at %s", ff, tc.out.MapTask, tc.out.Address)
			}
			var nf *NotFoundError
			switch {
			case tc.missing && !errors.As(err, &nf):
				t.Fatalf("cause %v, want NotFoundError", ff.Err)
			case !tc.missing && status.Code(ff.Err) != tc.code:
				t.Fatalf("cause %v, want code %v", ff.Err, tc.code)
			}
		})
	}
}

// TestFetchLargeBatch sends a batch of about 6 MB that does not compress,
// above gRPC's default 4 MB message limit.
func TestFetchLargeBatch(t *testing.T) {
	storeMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer storeMem.AssertSize(t, 0)
	taskMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer taskMem.AssertSize(t, 0)
	store, _ := newTestStore(t, storeMem, 0, CodecLZ4)
	defer store.Close()
	srv := startServer(t, store)
	defer srv.stop()

	schema := arrow.NewSchema([]arrow.Field{{Name: "blob", Type: arrow.BinaryTypes.Binary}}, nil)
	bld := array.NewBinaryBuilder(storeMem, arrow.BinaryTypes.Binary)
	blobs := make([][]byte, 6)
	for i := range blobs {
		blobs[i] = make([]byte, 1<<20)
		rand.Read(blobs[i])
		bld.Append(blobs[i])
	}
	col := bld.NewArray()
	bld.Release()
	batch := array.NewRecordBatch(schema, []arrow.Array{col}, int64(len(blobs)))
	col.Release()
	err := store.CommitBatches(OutputID{"big", 0, 0}, schema, [][]arrow.RecordBatch{{batch}})
	batch.Release()
	if err != nil {
		t.Fatal(err)
	}

	f := NewFetcher(FetcherConfig{})
	defer f.Close()
	var got [][]byte
	err = f.Fetch(context.Background(), taskMem, OutputID{"big", 0, 0}, 0, srv.addr, func(b arrow.RecordBatch) error {
		defer b.Release()
		c := b.Column(0).(*array.Binary)
		for i := 0; i < c.Len(); i++ {
			got = append(got, slices.Clone(c.Value(i)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(blobs) {
		t.Fatalf("%d values, want %d", len(got), len(blobs))
	}
	for i := range blobs {
		if !slices.Equal(got[i], blobs[i]) {
			t.Fatalf("value %d differs", i)
		}
	}
}

// TestFetchCloseEarly stops reading after the first batch: the fetching
// goroutines and the streams end, and nothing stays allocated.
func TestFetchCloseEarly(t *testing.T) {
	storeMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer storeMem.AssertSize(t, 0)
	taskMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer taskMem.AssertSize(t, 0)
	store, _ := newTestStore(t, storeMem, 0, CodecLZ4)
	defer store.Close()
	srv := startServer(t, store)
	defer srv.stop()
	var locs []MapOutput
	for m := range 6 {
		commitNums(t, store, storeMem, OutputID{"q", 0, m}, [][2]int64{{0, 40000}})
		locs = append(locs, MapOutput{m, srv.addr})
	}
	f := NewFetcher(FetcherConfig{})
	defer f.Close()
	op, err := f.Inputs("q", taskMem, map[int][]MapOutput{0: locs}).Open(context.Background(), 0, 0, numSchema)
	if err != nil {
		t.Fatal(err)
	}
	if err := op.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := op.Next(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.Release()
	op.Close()
	op.Close()
}

func TestDoGetRejectsBadTicket(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	store, _ := newTestStore(t, mem, 0, CodecLZ4)
	defer store.Close()
	commitNums(t, store, mem, OutputID{"q", 0, 0}, [][2]int64{{0, 10}})
	srv := startServer(t, store)
	defer srv.stop()
	conn, err := grpc.NewClient(srv.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := flight.NewFlightServiceClient(conn)
	for _, tc := range []struct {
		ticket []byte
		code   codes.Code
	}{
		{[]byte("junk"), codes.InvalidArgument},
		{EncodeTicket(OutputID{"q", 0, 0}, 5), codes.InvalidArgument},
		{EncodeTicket(OutputID{"q", 0, 1}, 0), codes.NotFound},
	} {
		stream, err := client.DoGet(context.Background(), &flight.Ticket{Ticket: tc.ticket})
		if err == nil {
			_, err = stream.Recv()
		}
		if status.Code(err) != tc.code {
			t.Errorf("ticket %q: %v, want %v", tc.ticket, err, tc.code)
		}
	}
}

// tokenCreds is a per-RPC credential, as the cluster's secret will be.
type tokenCreds string

func (c tokenCreds) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"token": string(c)}, nil
}

func (tokenCreds) RequireTransportSecurity() bool { return false }

// TestFetchWithAuth checks that the caller's server interceptors guard the
// Flight service and that the fetcher's dial options carry credentials.
func TestFetchWithAuth(t *testing.T) {
	storeMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer storeMem.AssertSize(t, 0)
	taskMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer taskMem.AssertSize(t, 0)
	store, _ := newTestStore(t, storeMem, 0, CodecLZ4)
	defer store.Close()
	check := func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		md, _ := metadata.FromIncomingContext(ss.Context())
		if v := md.Get("token"); len(v) != 1 || v[0] != "s3cret" {
			return status.Error(codes.Unauthenticated, "bad token")
		}
		return handler(srv, ss)
	}
	srv := startServer(t, store, grpc.StreamInterceptor(check))
	defer srv.stop()
	id := OutputID{"q", 0, 0}
	commitNums(t, store, storeMem, id, [][2]int64{{0, 10}})
	for _, tc := range []struct {
		token string
		ok    bool
	}{{"s3cret", true}, {"wrong", false}} {
		f := NewFetcher(FetcherConfig{DialOptions: []grpc.DialOption{grpc.WithPerRPCCredentials(tokenCreds(tc.token))}})
		rows := 0
		err := f.Fetch(context.Background(), taskMem, id, 0, srv.addr, func(b arrow.RecordBatch) error {
			rows += int(b.NumRows())
			b.Release()
			return nil
		})
		f.Close()
		if tc.ok && (err != nil || rows != 10) {
			t.Fatalf("token %s: %d rows, %v", tc.token, rows, err)
		}
		var ff *FetchFailedError
		if !tc.ok && (!errors.As(err, &ff) || status.Code(ff.Err) != codes.Unauthenticated) {
			t.Fatalf("token %s: %v, want an Unauthenticated fetch failure", tc.token, err)
		}
	}
}

// BenchmarkFetchLoopback measures reading one reduce partition made of 8
// map outputs of 100K rows (int64 + short string) each, from one worker
// over loopback gRPC (or from the local store); MB/s counts decoded
// Arrow bytes.
func BenchmarkFetchLoopback(b *testing.B) {
	for _, codec := range []struct {
		name  string
		codec Codec
		local bool // read from the local store, not the network
		// decoded commits with CommitBatches (kept as batches, encoded
		// as fetched) rather than a MapWriter (encoded at commit).
		decoded bool
	}{{"lz4", CodecLZ4, false, false}, {"zstd", CodecZstd, false, false}, {"none", CodecNone, false, false},
		{"lz4-local", CodecLZ4, true, false}, {"decoded-lz4", CodecLZ4, false, true}, {"decoded-none", CodecNone, false, true},
		{"decoded-local", CodecLZ4, true, true}} {
		b.Run(codec.name, func(b *testing.B) {
			mem := memory.NewGoAllocator()
			store, err := NewWorkerStore(WorkerStoreConfig{Mem: mem, WorkDir: b.TempDir(), Codec: codec.codec})
			if err != nil {
				b.Fatal(err)
			}
			defer store.Close()
			lis, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			srv := grpc.NewServer(ServerOptions()...)
			RegisterFlight(srv, store)
			done := make(chan struct{})
			go func() { defer close(done); _ = srv.Serve(lis) }()
			defer func() { srv.Stop(); <-done }()

			var locs []MapOutput
			var bytes int64
			for m := range 8 {
				var batches []arrow.RecordBatch
				for lo := int64(0); lo < 100000; lo += 8192 {
					bt := numBatch(mem, lo, min(100000, lo+8192))
					bytes += size.Batch(bt)
					batches = append(batches, bt)
				}
				id := OutputID{"bench", 0, m}
				var err error
				if codec.decoded {
					err = store.CommitBatches(id, numSchema, [][]arrow.RecordBatch{batches})
				} else {
					err = store.encodeBatches(id, numSchema, [][]arrow.RecordBatch{batches})
				}
				for _, bt := range batches {
					bt.Release()
				}
				if err != nil {
					b.Fatal(err)
				}
				locs = append(locs, MapOutput{m, lis.Addr().String()})
			}
			cfg := FetcherConfig{}
			if codec.local {
				cfg.Local, cfg.LocalAddress = store, lis.Addr().String()
			}
			f := NewFetcher(cfg)
			defer f.Close()
			in := f.Inputs("bench", mem, map[int][]MapOutput{0: locs})
			b.SetBytes(bytes)
			b.ResetTimer()
			for range b.N {
				op, _ := in.Open(context.Background(), 0, 0, numSchema)
				batches, err := drain(context.Background(), op)
				op.Close()
				if err != nil {
					b.Fatal(err)
				}
				for _, bt := range batches {
					bt.Release()
				}
			}
			b.ReportMetric(float64(store.MemoryBytes())/float64(bytes), "compressed/raw")
			// GB/s of raw Arrow data delivered to the reading task
			// (decoded batches), the figure the issue asks for.
			b.ReportMetric(float64(bytes)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}

// TestConcurrentCommitsAndFetches retries map tasks while others read
// them: a read sees a whole committed output or none, never a mix, and
// the race detector sees no unsynchronized access.
func TestConcurrentCommitsAndFetches(t *testing.T) {
	storeMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer storeMem.AssertSize(t, 0)
	taskMem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer taskMem.AssertSize(t, 0)
	// A budget of about two outputs: some stay in memory, some spill.
	store, _ := newTestStore(t, storeMem, 60<<10, CodecLZ4)
	defer store.Close()
	srv := startServer(t, store)
	defer srv.stop()
	f := NewFetcher(FetcherConfig{Concurrency: 2})
	defer f.Close()

	const tasks = 6
	rangeOf := func(m int) [2]int64 { return [2]int64{int64(m) * 3000, int64(m)*3000 + 3000} }
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 3 {
				for m := w; m < tasks; m += 3 {
					id := OutputID{"q", 1, m}
					wr, err := store.NewMapWriter(id, numSchema, 1)
					if err != nil {
						errs <- err
						return
					}
					r := rangeOf(m)
					for lo := r[0]; lo < r[1]; lo += 500 {
						b := numBatch(storeMem, lo, lo+500)
						err = wr.Write(0, b)
						b.Release()
						if err != nil {
							errs <- err
							return
						}
					}
					if round == 1 {
						wr.Abort() // a failed attempt in between
						continue
					}
					if err := wr.Commit(); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	for r := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				m := (r + i) % tasks
				var got []arrow.RecordBatch
				err := f.Fetch(context.Background(), taskMem, OutputID{"q", 1, m}, 0, srv.addr, func(b arrow.RecordBatch) error {
					got = append(got, b)
					return nil
				})
				var ff *FetchFailedError
				if errors.As(err, &ff) && status.Code(ff.Err) == codes.NotFound {
					continue // not committed yet
				}
				if err != nil {
					errs <- err
					return
				}
				vals, err := numbersOf(got)
				if err != nil {
					errs <- err
					return
				}
				rg := rangeOf(m)
				if !slices.Equal(vals, span(rg[0], rg[1])) {
					errs <- errors.New("a read saw a partial or mixed output")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for m := range tasks {
		if !store.Has(OutputID{"q", 1, m}) {
			t.Fatalf("map task %d has no output", m)
		}
	}
}
