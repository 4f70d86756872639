package catalog

import (
	"container/list"
	"os"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// footerCacheSize is how many Parquet footers the process keeps. A footer
// is small next to its file (kilobytes to a few megabytes), and a cluster
// query opens every file it reads on the master and on each worker: with
// the cache, a query over files seen before reads no footer again.
const footerCacheSize = 512

// footers is the process's cache of parsed Parquet footers.
var footers = newFooterCache(footerCacheSize)

// footerKey names one version of a file: a file rewritten in place has a
// new size or modification time, and so a new key.
type footerKey struct {
	path  string
	size  int64
	mtime time.Time
}

// footerEntry is a parsed footer. Both fields are read-only once cached,
// so tables and tasks share them.
type footerEntry struct {
	key    footerKey
	file   *parquetFile
	schema *arrow.Schema
}

// footerCache is a least-recently-used map of footers, safe for
// concurrent use.
type footerCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *footerEntry, most recent first
	byKey map[footerKey]*list.Element
}

func newFooterCache(max int) *footerCache {
	return &footerCache{max: max, order: list.New(), byKey: map[footerKey]*list.Element{}}
}

// read returns the footer of the file at path, parsed now or earlier
// (when the file has not changed since).
func (c *footerCache) read(path string) (*parquetFile, *arrow.Schema, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	key := footerKey{path: path, size: st.Size(), mtime: st.ModTime()}
	c.mu.Lock()
	if el, ok := c.byKey[key]; ok {
		c.order.MoveToFront(el)
		e := el.Value.(*footerEntry)
		c.mu.Unlock()
		return e.file, e.schema, nil
	}
	c.mu.Unlock()
	// Parse outside the lock: two callers may parse the same footer at
	// once, and the second simply replaces the first.
	pf, s, err := readParquetFooter(path)
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[key]; ok {
		c.order.Remove(el)
	}
	c.byKey[key] = c.order.PushFront(&footerEntry{key: key, file: pf, schema: s})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.byKey, last.Value.(*footerEntry).key)
	}
	return pf, s, nil
}
