package membership

import (
	"reflect"
	"strings"
	"testing"
)

// TestMetaRoundTrip checks that metadata survives encoding, fits the
// limit, and that the leaving flag is carried.
func TestMetaRoundTrip(t *testing.T) {
	tests := []struct {
		meta    NodeMeta
		leaving bool
	}{
		{NodeMeta{Role: RoleMaster, RPCAddr: "10.0.0.1:7077"}, false},
		{NodeMeta{Role: RoleWorker, RPCAddr: "[::1]:7078", Cores: 64, MemoryBytes: 1 << 40}, true},
		{NodeMeta{Role: RoleWorker, RPCAddr: "w:1", Cores: 2, LocalDirs: []string{"/data/disk1", "/data/disk2"}}, false},
	}
	for _, tt := range tests {
		b, err := encodeMeta(tt.meta, tt.leaving)
		if err != nil {
			t.Fatal(err)
		}
		got, leaving, err := decodeMeta(b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.meta) || leaving != tt.leaving {
			t.Errorf("round trip of %+v/%v gave %+v/%v (%s)", tt.meta, tt.leaving, got, leaving, b)
		}
		if len(b) > 100 {
			t.Errorf("encoding is %d bytes: %s", len(b), b)
		}
	}
}

// TestDecodeMetaRejectsForeign checks that metadata that is not Ember's is
// refused rather than read as zero values.
func TestDecodeMetaRejectsForeign(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "no metadata"},
		{"\x01\x02binary", "decode"},
		{`{"role":"server"}`, `"server"`},
		{`{"rpc":"h:1"}`, "role"},
	}
	for _, tt := range tests {
		_, _, err := decodeMeta([]byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("decodeMeta(%q) error = %v, want one mentioning %q", tt.in, err, tt.want)
		}
	}
}
