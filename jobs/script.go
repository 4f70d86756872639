package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember"
	"github.com/ember-sql/ember/catalog"
	"github.com/ember-sql/ember/sql"
)

// runStatements runs a script's statements in order in sess and writes
// the rows of the last statement that returns rows to resultPath; it
// returns their count. A script with no such statement writes no file.
//
// A statement that returns rows is run and written only when no later
// statement surely returns rows too (see surelyReturnsRows): one that a
// later SELECT replaces is bound, so that its mistakes still fail the job,
// but not run. Should a later statement return rows after all, its rows
// replace the file's.
func runStatements(ctx context.Context, sess *ember.Session, stmts []sql.Source, resultPath string, mem memory.Allocator) (rows int64, err error) {
	wrote := false
	defer func() {
		if err != nil && wrote {
			os.Remove(resultPath)
		}
	}()
	// replaced[i] is set when a statement after i surely returns rows.
	replaced := make([]bool, len(stmts))
	for i, later := len(stmts)-2, false; i >= 0; i-- {
		later = later || surelyReturnsRows(stmts[i+1].Text)
		replaced[i] = later
	}
	for i, src := range stmts {
		if replaced[i] {
			st, err := sql.Bind(ctx, sess.Catalog(), src, sql.BindOptions{OpenFiles: catalog.OpenFiles})
			if err != nil {
				return 0, classify(phaseSetup, statementError(i, src, err))
			}
			if returnsRows(st) {
				continue
			}
		}
		res, err := sess.Execute(ctx, src)
		if err != nil {
			return 0, classify(phaseSetup, statementError(i, src, err))
		}
		if res.Schema() == nil || res.Schema().NumFields() == 0 {
			err = drain(ctx, res)
			if err != nil {
				return 0, classify(phaseStream, statementError(i, src, err))
			}
			continue
		}
		n, err := writeResult(ctx, resultPath, res.Schema(), res.Next, mem)
		res.Close()
		if err != nil {
			return 0, classify(phaseStream, statementError(i, src, err))
		}
		rows, wrote = n, true
	}
	return rows, nil
}

// drain reads a result without rows to its end, and closes it.
func drain(ctx context.Context, res *ember.Result) error {
	defer res.Close()
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		b.Release()
	}
}

// returnsRows reports whether a bound statement returns rows.
func returnsRows(st sql.Statement) bool {
	switch st.(type) {
	case *sql.Query, *sql.Explain, *sql.ShowTables, *sql.Describe:
		return true
	}
	return false
}

// surelyReturnsRows reports whether a statement, if it binds, is one that
// returns rows, from its first word. WITH is left out: PostgreSQL's
// grammar also starts an INSERT with it.
func surelyReturnsRows(text string) bool {
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "(") {
		return true
	}
	end := strings.IndexFunc(text, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
	if end < 0 {
		end = len(text)
	}
	switch strings.ToUpper(text[:end]) {
	case "SELECT", "VALUES", "TABLE", "EXPLAIN", "SHOW", "DESCRIBE", "DESC":
		return true
	}
	return false
}

// statementError says which statement of the script failed: "statement 2:
// line 5:8: ..." when the error points into the script, else "statement 2
// (line 5): ...".
func statementError(i int, src sql.Source, err error) error {
	if se := (*sql.Error)(nil); errors.As(err, &se) && se.Line > 0 {
		return fmt.Errorf("statement %d: %w", i+1, err)
	}
	return fmt.Errorf("statement %d (line %d): %w", i+1, src.Line, err)
}
