package eval

import (
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/ember-sql/ember/planner"
)

// TestConcurrentEval shares one Evaluator between goroutines, as tasks of
// one stage do (run with -race).
func TestConcurrentEval(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := typedBatch(mem, true)
	defer b.Release()
	e := caseE(tStr, fn("upper", tStr, col(8, tStr)),
		&planner.Like{X: col(8, tStr), Pattern: lit("d%", tStr)}, lit("D", tStr),
		cmpE(gt, arith(mul, col(6, tDec152), lit("2.00", tDec152)), lit("1.00", dec(3, 2))), cast(col(4, tI64), tStr))
	ev, err := Compile(e, b.Schema())
	if err != nil {
		t.Fatal(err)
	}
	want := "1,,NULL,D,5"
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				out, err := ev.Eval(mem, b)
				if err != nil {
					errs <- err.Error()
					return
				}
				got := strings.Join(render(out), ",")
				out.Release()
				if got != want {
					errs <- got
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("got %s, want %s", e, want)
	}
}
