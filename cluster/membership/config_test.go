package membership

import (
	"strconv"
	"strings"
	"testing"
)

func strconvItoa(i int) string { return strconv.Itoa(i) }

// TestStartRejectsBadConfig checks Start's validation errors.
func TestStartRejectsBadConfig(t *testing.T) {
	good := func() Config {
		return Config{Name: "n", BindAddr: "127.0.0.1", Meta: NodeMeta{Role: RoleWorker, RPCAddr: "127.0.0.1:1"}}
	}
	tests := []struct {
		name   string
		modify func(*Config)
		want   string
	}{
		{"no role", func(c *Config) { c.Meta.Role = "" }, "role"},
		{"bad role", func(c *Config) { c.Meta.Role = "driver" }, `"driver"`},
		{"negative cores", func(c *Config) { c.Meta.Cores = -1 }, "cores"},
		{"negative memory", func(c *Config) { c.Meta.MemoryBytes = -1 }, "memory"},
		{"key length", func(c *Config) { c.SecretKey = []byte("short") }, "16, 24 or 32"},
		{"port", func(c *Config) { c.BindPort = 70000 }, "out of range"},
		{"profile", func(c *Config) { c.Profile = Profile(9) }, "profile"},
		{"meta too big", func(c *Config) { c.Meta.RPCAddr = strings.Repeat("x", 600) }, "limit"},
		{"bind address", func(c *Config) { c.BindAddr = "203.0.113.77" }, "start gossip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good()
			tt.modify(&cfg)
			n, err := Start(cfg)
			if err == nil {
				n.Shutdown()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

// TestDefaults checks the names and values filled in for zero fields.
func TestDefaults(t *testing.T) {
	a, err := Config{Meta: NodeMeta{Role: RoleMaster}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Config{Meta: NodeMeta{Role: RoleMaster}}.withDefaults()
	if a.Name == "" || a.Name == b.Name {
		t.Errorf("default names %q and %q are not unique", a.Name, b.Name)
	}
	if a.BindAddr != "0.0.0.0" || a.JoinTimeout != DefaultJoinTimeout || a.JoinRetry != DefaultJoinRetry || a.Logger == nil {
		t.Errorf("defaults not filled: %+v", a)
	}
}
