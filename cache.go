package ember

import (
	"context"
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/planner"
)

// Cache keeps the DataFrame's rows in memory once computed: the first
// action that reads them runs the query and holds the result; later
// actions, on this DataFrame or on DataFrames derived from it afterwards,
// read the held rows. It returns the cached DataFrame (use that one, as
// DataFrames are immutable). Unpersist frees the rows.
func (df *DataFrame) Cache() *DataFrame { return df.Persist() }

// Persist is Cache (Ember keeps cached rows in memory only).
func (df *DataFrame) Persist() *DataFrame {
	if df.err != nil {
		return df
	}
	if _, ok := df.frame.Plan.(*planner.Scan); ok {
		if _, cached := df.frame.Plan.(*planner.Scan).Table.(*cacheTable); cached {
			return df
		}
	}
	t := &cacheTable{s: df.s, plan: df.frame.Plan}
	df.s.own(t)
	out := df.withPlan(planner.NewScan("cache", t, nil))
	return out
}

// Unpersist frees the rows held by a cached DataFrame; the next action
// computes them again. It does nothing to a DataFrame that is not cached.
func (df *DataFrame) Unpersist() *DataFrame {
	if df.err != nil {
		return df
	}
	if sc, ok := df.frame.Plan.(*planner.Scan); ok {
		if t, ok := sc.Table.(*cacheTable); ok {
			t.Release()
		}
	}
	return df
}

// cacheTable is a table whose rows are a query's result, computed on the
// first read and held until released.
type cacheTable struct {
	s    *Session
	plan planner.Node
	mu   sync.Mutex
	rows *catalog.MemTable // nil until computed, or after Release
}

var _ catalog.Table = (*cacheTable)(nil)

// Schema implements catalog.Table.
func (t *cacheTable) Schema() *arrow.Schema { return t.plan.Schema() }

// Statistics implements catalog.Table: exact once computed, the
// optimizer's estimate before.
func (t *cacheTable) Statistics() catalog.Statistics {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rows != nil {
		return t.rows.Statistics()
	}
	return catalog.Statistics{Rows: int64(planner.EstimateRows(t.plan)), Bytes: -1}
}

// String names the table in plans.
func (t *cacheTable) String() string { return "cache" }

// load computes the rows if they are not held.
func (t *cacheTable) load(ctx context.Context) (*catalog.MemTable, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rows != nil {
		return t.rows, nil
	}
	batches, err := t.s.collect(ctx, t.plan)
	if err != nil {
		return nil, fmt.Errorf("computing a cached DataFrame: %w", err)
	}
	t.rows = catalog.NewMemTable(t.plan.Schema(), batches, t.s.conf.Cores)
	for _, b := range batches {
		b.Release()
	}
	return t.rows, nil
}

// Splits implements catalog.Table; it computes the rows on first use.
func (t *cacheTable) Splits(ctx context.Context, req catalog.ScanRequest) ([]catalog.Split, error) {
	rows, err := t.load(ctx)
	if err != nil {
		return nil, err
	}
	return rows.Splits(ctx, req)
}

// Open implements catalog.Table.
func (t *cacheTable) Open(ctx context.Context, split catalog.Split, req catalog.ScanRequest, mem memory.Allocator, batchSize int) (catalog.BatchReader, error) {
	rows, err := t.load(ctx)
	if err != nil {
		return nil, err
	}
	return rows.Open(ctx, split, req, mem, batchSize)
}

// Spec implements catalog.Sendable: a cached DataFrame travels to a
// cluster as its computed rows.
func (t *cacheTable) Spec() (catalog.TableSpec, error) {
	rows, err := t.load(context.Background())
	if err != nil {
		return catalog.TableSpec{}, err
	}
	return catalog.SpecOf(rows)
}

// Release frees the held rows.
func (t *cacheTable) Release() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.rows != nil {
		t.rows.Release()
		t.rows = nil
	}
}

// asView registers df's plan as a temporary view.
func (df *DataFrame) asView(name string, replace bool) error {
	if df.err != nil {
		return df.err
	}
	if e := df.s.cat.Lookup(name); e != nil && e.Kind != catalog.KindView {
		return fmt.Errorf("cannot create view %s: a table of that name exists", name)
	}
	return df.s.cat.Put(&catalog.Entry{Name: name, Kind: catalog.KindView, ViewPlan: df.frame.Plan,
		Schema: df.frame.Plan.Schema(), Temporary: true}, replace)
}

// CreateOrReplaceTempView names the DataFrame in the session's catalog, so
// SQL can query it: s.SQL("SELECT … FROM name").
func (df *DataFrame) CreateOrReplaceTempView(name string) error { return df.asView(name, true) }

// CreateTempView is CreateOrReplaceTempView, but an existing view of that
// name is an error.
func (df *DataFrame) CreateTempView(name string) error { return df.asView(name, false) }
