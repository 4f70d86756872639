package ember

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ember-sql/ember/sql"
)

// FuzzExecute runs arbitrary statements end to end (bind, optimize, plan,
// execute) over the TPC-H SF 0.01 tables. Whatever the input, the session
// must answer with rows or an error value; an "internal error" (a recovered
// panic) fails the fuzz test.
//
//	go test -run '^$' -fuzz FuzzExecute -fuzztime 60s .
func FuzzExecute(f *testing.F) {
	seeds, _ := filepath.Glob("tpch/queries/*.sql")
	for _, p := range seeds {
		if text, err := os.ReadFile(p); err == nil {
			f.Add(string(text))
		}
	}
	for _, s := range []string{
		"select 1", "select n_name, count(*) from nation group by 1 order by 2 desc",
		"select * from region r left join nation n on r.r_regionkey = n.n_regionkey and n.n_name like 'A%'",
		"select x from (values (1), (null), (3)) t(x) where x not in (select 3)",
		"select sum(n_nationkey) over (partition by n_regionkey order by n_name rows between 1 preceding and current row) from nation",
		"select cast(r_regionkey as decimal(3,1)) / 3 from region",
	} {
		f.Add(s)
	}
	ctx := context.Background()
	s, err := NewSession(ctx)
	if err != nil {
		f.Fatal(err)
	}
	registerTPCH(f, s, "testdata/tpch/sf0.01")
	f.Fuzz(func(t *testing.T, text string) {
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		// A statement must end soon after its context does: a hang is a bug.
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				panic("statement did not stop after its context ended: " + text)
			}
		}()
		res, err := s.Execute(qctx, sql.Source{Text: text, Line: 1, Col: 1})
		if err == nil {
			defer res.Close()
			for {
				b, nerr := res.Next(qctx)
				if nerr != nil {
					if !errors.Is(nerr, io.EOF) {
						err = nerr
					}
					break
				}
				b.Release()
			}
		}
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%q: %v", text, err)
		}
	})
}
