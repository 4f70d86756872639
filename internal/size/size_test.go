package size

import "testing"

func TestParse(t *testing.T) {
	good := map[string]int64{"0": 0, "100": 100, "64k": 64 << 10, "512M": 512 << 20, " 4g ": 4 << 30}
	for in, want := range good {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "g", "-1", "1.5g", "12x", "99999999999999999g"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) gave no error", bad)
		}
	}
}
