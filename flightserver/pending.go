package flightserver

import (
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// pendingTTL is how long the result of a statement that has run waits for
// its DoGet before it is dropped.
const pendingTTL = 10 * time.Minute

// maxPending bounds the results waiting for their DoGet: the oldest goes
// when a new one would exceed it.
const maxPending = 1024

// pendingResult is the result of a statement that is not a query (DDL,
// SHOW TABLES, DESCRIBE, EXPLAIN), which runs when its FlightInfo is
// asked for, kept until the client fetches it. Such results are small.
type pendingResult struct {
	schema  *arrow.Schema
	batches []arrow.RecordBatch
	expires time.Time
}

func (p *pendingResult) release() {
	for _, b := range p.batches {
		b.Release()
	}
	p.batches = nil
}

// pendingResults holds results by id until they are taken once. It is safe
// for concurrent use.
type pendingResults struct {
	mu     sync.Mutex
	nextID uint64
	byID   map[uint64]*pendingResult
	now    func() time.Time
}

func newPendingResults() *pendingResults {
	return &pendingResults{byID: map[uint64]*pendingResult{}, now: time.Now}
}

// put keeps a result (taking ownership of its batches) and returns its id.
// Results whose time is up are dropped on the way.
func (r *pendingResults) put(schema *arrow.Schema, batches []arrow.RecordBatch) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	var oldestID uint64
	for id, p := range r.byID {
		if now.After(p.expires) {
			p.release()
			delete(r.byID, id)
			continue
		}
		if oldestID == 0 || id < oldestID {
			oldestID = id
		}
	}
	if len(r.byID) >= maxPending {
		r.byID[oldestID].release()
		delete(r.byID, oldestID)
	}
	r.nextID++
	r.byID[r.nextID] = &pendingResult{schema: schema, batches: batches, expires: now.Add(pendingTTL)}
	return r.nextID
}

// take removes and returns the result id, or nil when there is none (it
// was taken already, expired, or never existed).
func (r *pendingResults) take(id uint64) *pendingResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.byID[id]
	delete(r.byID, id)
	if p != nil && r.now().After(p.expires) {
		p.release()
		return nil
	}
	return p
}

// close releases every result held.
func (r *pendingResults) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, p := range r.byID {
		p.release()
		delete(r.byID, id)
	}
}
