package hashing

import (
	"math/rand"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestTmpCPU(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	mem := memory.NewGoAllocator()
	var cols [][]arrow.Array
	rng := rand.New(rand.NewSource(1))
	for lo := 0; lo < 1<<20; lo += 8192 {
		ib := array.NewInt64Builder(mem)
		for i := 0; i < 8192; i++ {
			ib.Append(int64(rng.Intn(500000)) * 7919)
		}
		cols = append(cols, []arrow.Array{ib.NewArray()})
	}
	groups := make([]uint32, 8192)
	for rep := 0; rep < 3; rep++ {
		t0 := cpuNow()
		tab, _ := NewTable([]arrow.DataType{arrow.PrimitiveTypes.Int64}, nil)
		for _, c := range cols {
			tab.Insert(c, groups)
		}
		t1 := cpuNow()
		for _, c := range cols {
			tab.Lookup(c, groups)
		}
		t2 := cpuNow()
		t.Logf("insert %.1f ns/row, lookup %.1f ns/row", float64(t1-t0)/(1<<20), float64(t2-t1)/(1<<20))
	}
}
