package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/tpch"
)

// emberEngine runs queries in an Ember session over the TPC-H tables.
type emberEngine struct {
	sess *ember.Session
}

// openEmber starts a session on threads cores with the tables that Ember's
// own discovery finds in dir (as `ember sql --data dir` does).
func openEmber(ctx context.Context, dir string, threads int) (*emberEngine, error) {
	sess, err := ember.NewSession(ctx, ember.WithConfig("ember.cores", strconv.Itoa(threads)))
	if err != nil {
		return nil, err
	}
	e := &emberEngine{sess: sess}
	found, err := catalog.DiscoverTables(dir)
	if err != nil {
		e.Close()
		return nil, fmt.Errorf("Ember: %w", err)
	}
	for _, t := range tableNames {
		if _, ok := found[t]; !ok {
			e.Close()
			return nil, fmt.Errorf("Ember: table %s: not found in %s", t, dir)
		}
	}
	names := make([]string, 0, len(found))
	for n := range found {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := sess.RegisterPath(ctx, n, found[n]); err != nil {
			e.Close()
			return nil, fmt.Errorf("Ember: table %s: %w", n, err)
		}
	}
	return e, nil
}

// Close ends the session.
func (e *emberEngine) Close() error { return e.sess.Close() }

// run runs text once and reads its whole result; the time covers the
// query from its text to its last batch. With keep it also returns the
// result as cells, converted after the clock stops.
func (e *emberEngine) run(ctx context.Context, text string, keep bool) (int64, time.Duration, tpch.Table, error) {
	start := time.Now()
	res, err := e.sess.Query(ctx, text)
	if err != nil {
		return 0, 0, tpch.Table{}, err
	}
	rows, batches, err := tpch.Drain(ctx, res, keep)
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	elapsed := time.Since(start)
	defer tpch.ReleaseAll(batches)
	if err != nil {
		return 0, 0, tpch.Table{}, err
	}
	var t tpch.Table
	if keep {
		if t, err = tpch.TableOf(res.Schema(), batches); err != nil {
			return 0, 0, tpch.Table{}, err
		}
	}
	return rows, elapsed, t, nil
}
