package sql

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzBind feeds arbitrary scripts through Split and Bind: whatever the
// input, they return statements or errors and never panic (Bind's recover
// would hide a panic as an "internal error", so that message fails too).
func FuzzBind(f *testing.F) {
	seeds := []string{
		"select a, b+1 from t where a > 5 order by 2 desc limit 3",
		"select c, sum(e) from t group by c having count(*) > 1",
		"select * from t join u using (a) full join s on s.k = t.a",
		"select a from t where exists (select 1 from u where u.a = t.a)",
		"select row_number() over (partition by c order by d rows between 1 preceding and 1 following) from t",
		"with w as (select 1 as x) select * from w union all select 2",
		"values (1, 'a'), (2, null)",
		"describe `t`; desc select 1; show tables",
		"create view v as select * from va; insert into s values (1, 'x'); drop table t",
		"select cast('1' as decimal(10,2)), date '2000-01-01' + interval '1' month, 'x' || c from t",
		"select * from read_csv('/data/f.csv', header => true)",
		"select $$a;b$$, E'\\'', /* ; */ 1",
	}
	if files, err := filepath.Glob("../tpch/queries/q*.sql"); err == nil {
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil {
				seeds = append(seeds, string(b))
			}
		}
	}
	for _, s := range seeds {
		f.Add(s)
	}
	cat := testCatalog(f)
	tpch := tpchCatalog(f)
	fo := &fileOpener{}
	f.Fuzz(func(t *testing.T, script string) {
		srcs, err := Split(script)
		if err != nil {
			return
		}
		for _, src := range srcs {
			for _, c := range []*catalogAndName{{cat, "test"}, {tpch, "tpch"}} {
				_, err := Bind(context.Background(), c.cat, src, BindOptions{OpenFiles: fo.open})
				if err != nil && strings.Contains(err.Error(), "internal error") {
					t.Fatalf("%s catalog: %q: %v", c.name, src.Text, err)
				}
			}
		}
	})
}
