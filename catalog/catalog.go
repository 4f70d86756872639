package catalog

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// EntryKind tells a table from a view.
type EntryKind int

// The kinds of catalog entries.
const (
	KindTable EntryKind = iota
	KindView
)

func (k EntryKind) String() string {
	if k == KindView {
		return "VIEW"
	}
	return "TABLE"
}

// Entry is one named object of the catalog: a table, or a view kept as its
// SQL text (re-bound at each use, as Spark does) and the schema it had when
// created.
type Entry struct {
	Name    string
	Kind    EntryKind
	Table   Table  // for tables
	ViewSQL string // for views
	// ViewPlan is, for a view made from a DataFrame, its bound logical
	// plan (a planner.Node; catalog cannot name the type): such a view has
	// no SQL text and is not re-bound.
	ViewPlan  any
	Schema    *arrow.Schema // the output schema
	Temporary bool
}

// Catalog maps names to tables and views. Names are case-insensitive, as in
// Spark. It is safe for concurrent use.
type Catalog struct {
	mu      sync.RWMutex
	entries map[string]*Entry
}

// New returns an empty catalog.
func New() *Catalog { return &Catalog{entries: map[string]*Entry{}} }

func key(name string) string { return strings.ToLower(name) }

// Lookup returns the entry named name, or nil.
func (c *Catalog) Lookup(name string) *Entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.entries[key(name)]
}

// Put registers e under e.Name. With replace false, an existing entry of
// that name is an error.
func (c *Catalog) Put(e *Entry, replace bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key(e.Name)]; ok && !replace {
		return fmt.Errorf("%s %s already exists", strings.ToLower(old.Kind.String()), old.Name)
	}
	c.entries[key(e.Name)] = e
	return nil
}

// Drop removes the entry named name, which must be of kind want. With
// ifExists, a missing entry is not an error.
func (c *Catalog) Drop(name string, want EntryKind, ifExists bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key(name)]
	if !ok {
		if ifExists {
			return nil
		}
		return fmt.Errorf("%s %s does not exist", strings.ToLower(want.String()), name)
	}
	if e.Kind != want {
		return fmt.Errorf("%s is a %s, not a %s", name, strings.ToLower(e.Kind.String()), strings.ToLower(want.String()))
	}
	delete(c.entries, key(name))
	return nil
}

// List returns all entries sorted by name.
func (c *Catalog) List() []*Entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Entry, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return key(out[i].Name) < key(out[j].Name) })
	return out
}

// Names returns the names of all entries, sorted, for error messages.
func (c *Catalog) Names() []string {
	es := c.List()
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Name
	}
	return out
}
