package tpch

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		in   []time.Duration
		want Timing
	}{
		{nil, Timing{}},
		{[]time.Duration{5 * ms}, Timing{5 * ms, 5 * ms}},
		{[]time.Duration{9 * ms, 2 * ms, 4 * ms}, Timing{2 * ms, 4 * ms}},
		{[]time.Duration{9 * ms, 2 * ms, 4 * ms, 6 * ms}, Timing{2 * ms, 5 * ms}},
	}
	for _, tt := range tests {
		in := append([]time.Duration(nil), tt.in...)
		if got := Summarize(in); got != tt.want {
			t.Errorf("Summarize(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if !reflect.DeepEqual(in, tt.in) {
			t.Errorf("Summarize reordered its input: %v", in)
		}
	}
	if Millis(1500*time.Microsecond) != 1.5 || !reflect.DeepEqual(MillisAll([]time.Duration{ms, 2 * ms}), []float64{1, 2}) {
		t.Error("Millis")
	}
}

func TestWriteTextTable(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTextTable(&buf, []string{"query", "rows", "median ms", "ok"},
		[][]string{{"q01", "4", "12.3", "yes"}, {"q18", "57", "1234.5", "no"}, {"total", "", "1246.8"}},
		[]bool{false, true, true, false})
	if err != nil {
		t.Fatal(err)
	}
	want := "" +
		"query  rows  median ms  ok\n" +
		"q01       4       12.3  yes\n" +
		"q18      57     1234.5  no\n" +
		"total           1246.8\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestThisMachineAndPeakRSS(t *testing.T) {
	m := ThisMachine()
	if m.Cores < 1 || m.GOMAXPROCS < 1 || m.GoVersion == "" || m.OS == "" {
		t.Errorf("ThisMachine() = %+v", m)
	}
	if rss, ok := PeakRSS(); ok && rss < 1<<20 {
		t.Errorf("peak RSS %d bytes is implausibly small", rss)
	}
}
