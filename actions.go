package ember

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/ember-sql/ember/internal/output"
	"github.com/ember-sql/ember/sql"
)

// Execute starts the DataFrame's query and returns its result stream; the
// caller closes it. The other actions are built on it.
func (df *DataFrame) Execute(ctx context.Context) (*Result, error) {
	if df.err != nil {
		return nil, df.err
	}
	return df.s.run(ctx, &sql.Query{Plan: df.frame.Plan})
}

// Collect runs the query and returns all its batches, in order. The caller
// releases each batch.
func (df *DataFrame) Collect(ctx context.Context) ([]arrow.RecordBatch, error) {
	res, err := df.Execute(ctx)
	if err != nil {
		return nil, err
	}
	return drain(ctx, res)
}

// Count runs the query and returns its number of rows.
func (df *DataFrame) Count(ctx context.Context) (int64, error) {
	counted := df.Agg(Count("*"))
	rows, err := counted.Take(ctx, 1)
	if err != nil {
		return 0, err
	}
	return rows[0].Int64(0)
}

// Show prints the first n rows (20 when n is 0) as a table on standard
// output, as Spark's show does.
func (df *DataFrame) Show(ctx context.Context, n int) error {
	return df.ShowTo(ctx, os.Stdout, n)
}

// ShowTo writes the first n rows (20 when n is 0) as a table to w.
func (df *DataFrame) ShowTo(ctx context.Context, w io.Writer, n int) error {
	if n <= 0 {
		n = 20
	}
	res, err := df.Limit(int64(n)).Execute(ctx)
	if err != nil {
		return err
	}
	defer res.Close()
	tw := output.NewTable(w, n)
	if err := tw.Begin(res.Schema()); err != nil {
		return err
	}
	for {
		b, err := res.Next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		err = tw.Write(b)
		b.Release()
		if err != nil {
			return err
		}
	}
	return tw.End()
}

// Take runs the query and returns its first n rows as Go values.
func (df *DataFrame) Take(ctx context.Context, n int) ([]Row, error) {
	if n < 0 {
		return nil, fmt.Errorf("Take: negative count %d", n)
	}
	rows, err := df.Limit(int64(n)).Rows(ctx)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		out = append(out, rows.Row())
	}
	return out, rows.Err()
}

// Head returns the first row; a DataFrame without rows is an error.
func (df *DataFrame) Head(ctx context.Context) (Row, error) {
	rows, err := df.Take(ctx, 1)
	if err != nil {
		return Row{}, err
	}
	if len(rows) == 0 {
		return Row{}, fmt.Errorf("Head: the DataFrame has no rows")
	}
	return rows[0], nil
}

// Explain returns the plans of the query, the same text as SQL's EXPLAIN:
// mode "" or "extended" shows the logical, optimized and physical plans;
// "verbose" adds the plan after each optimizer rule; "analyze" runs the
// query and shows rows, time and memory per operator; "physical" shows the
// physical plan alone.
func (df *DataFrame) Explain(ctx context.Context, mode string) (string, error) {
	if df.err != nil {
		return "", df.err
	}
	st := &sql.Explain{Plan: df.frame.Plan}
	switch strings.ToLower(mode) {
	case "", "extended", "simple":
	case "verbose":
		st.Mode = sql.ExplainVerbose
	case "analyze":
		st.Mode = sql.ExplainAnalyze
	case "physical":
		qp, err := df.s.planQuery(ctx, df.frame.Plan, false)
		if err != nil {
			return "", err
		}
		return qp.stages.String(), nil
	default:
		return "", fmt.Errorf("Explain: unknown mode %q; use extended, verbose, analyze or physical", mode)
	}
	return df.s.explain(ctx, st)
}
