package sql

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// column is one column a name can resolve to: a column of the input of the
// plan node whose expressions are being bound, at the same index.
type column struct {
	qual   string // lower-case table name or alias ("" when none)
	name   string // as in the schema or the alias
	typ    arrow.DataType
	null   bool
	hidden bool // reachable only through its qualifier (the sides of a USING join)
	// extra lists further qualifiers the column answers to: the DataFrame
	// API refers to a frame's columns through the frame itself, whatever
	// table they came from (see Frame).
	extra []string
}

// hasQual reports whether c answers to qualifier qual (lower case).
func (c *column) hasQual(qual string) bool {
	if c.qual == qual {
		return true
	}
	for _, q := range c.extra {
		if q == qual {
			return true
		}
	}
	return false
}

// scope maps names to the columns of one plan node's input. outer is the
// scope of the enclosing query, for correlated references: resolving a name
// there yields an OuterColumn one level further out. ungrouped is set on
// the scope an aggregate presents to subqueries: a name found there but not
// among the group columns is a column that is neither grouped nor
// aggregated.
type scope struct {
	cols      []column
	outer     *scope
	ungrouped *scope
}

// lookupError describes a failed name lookup (not found, ambiguous, not
// grouped); the binder turns it into a positioned Error.
type lookupError struct {
	msg string
}

func (e *lookupError) Error() string { return e.msg }

// lookup resolves a column name, optionally qualified, in s and then in the
// enclosing scopes. It returns how many scopes out the column was found (0
// for s itself) and its index there.
func (s *scope) lookup(qual, name string) (depth, index int, col column, err error) {
	for sc, d := s, 0; sc != nil; sc, d = sc.outer, d+1 {
		i, err := sc.find(qual, name)
		if err != nil {
			return 0, 0, column{}, err
		}
		if i >= 0 {
			return d, i, sc.cols[i], nil
		}
		if sc.ungrouped != nil {
			if j, _ := sc.ungrouped.find(qual, name); j >= 0 {
				return 0, 0, column{}, &lookupError{fmt.Sprintf("column %s must appear in GROUP BY or be used in an aggregate function", quoteRef(qual, name))}
			}
		}
	}
	return 0, 0, column{}, &lookupError{fmt.Sprintf("column %s not found; available: %s", quoteRef(qual, name), s.available())}
}

// find looks a name up in this scope only: -1 when absent, an error when
// several columns match.
func (s *scope) find(qual, name string) (int, error) {
	qual = strings.ToLower(qual)
	if i, ok := s.findPositional(qual, name); ok {
		return i, nil
	}
	found := -1
	for i, c := range s.cols {
		if !strings.EqualFold(c.name, name) {
			continue
		}
		if qual == "" && c.hidden || qual != "" && !c.hasQual(qual) {
			continue
		}
		if found >= 0 {
			return -1, &lookupError{fmt.Sprintf("column reference %s is ambiguous", quoteRef(qual, name))}
		}
		found = i
	}
	return found, nil
}

// hasQualifier reports whether some column of s has qualifier qual.
func (s *scope) hasQualifier(qual string) bool {
	qual = strings.ToLower(qual)
	for _, c := range s.cols {
		if c.hasQual(qual) {
			return true
		}
	}
	return false
}

// available lists the visible columns for an error message: a name alone
// when it is unique, qualified when several columns share it.
func (s *scope) available() string {
	count := map[string]int{}
	for _, c := range s.cols {
		if !c.hidden {
			count[strings.ToLower(c.name)]++
		}
	}
	var parts []string
	for _, c := range s.cols {
		if c.hidden {
			continue
		}
		if count[strings.ToLower(c.name)] > 1 && c.qual != "" {
			parts = append(parts, c.qual+"."+c.name)
		} else {
			parts = append(parts, c.name)
		}
	}
	if len(parts) == 0 {
		return "(none)"
	}
	return strings.Join(parts, ", ")
}

func quoteRef(qual, name string) string {
	if qual != "" {
		return fmt.Sprintf("%q", qual+"."+name)
	}
	return fmt.Sprintf("%q", name)
}

// qualifiers lists the distinct qualifiers of s, for error messages.
func (s *scope) qualifiers() string {
	var out []string
	seen := map[string]bool{}
	for _, c := range s.cols {
		if c.qual != "" && !seen[c.qual] {
			seen[c.qual] = true
			out = append(out, c.qual)
		}
	}
	if len(out) == 0 {
		return "(none)"
	}
	return strings.Join(out, ", ")
}

// findPositional resolves "#k", under a frame's qualifier, to the frame's
// k-th column: the DataFrame API refers to columns by position where names
// may repeat (after a join) and a rename or a drop must pick one.
func (s *scope) findPositional(qual, name string) (int, bool) {
	if qual == "" || !strings.HasPrefix(name, "#") {
		return 0, false
	}
	k, err := strconv.Atoi(name[1:])
	if err != nil || k < 0 {
		return 0, false
	}
	for i, c := range s.cols {
		if !c.hasQual(qual) {
			continue
		}
		if k == 0 {
			return i, true
		}
		k--
	}
	return 0, false
}
