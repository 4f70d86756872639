package userhost

import (
	"os"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	got := Name()
	user, host, ok := strings.Cut(got, "@")
	if !ok || user == "" || host == "" {
		t.Fatalf("Name() = %q, want user@host", got)
	}
	if h, err := os.Hostname(); err == nil && h != "" && host != h {
		t.Errorf("host %q, want %q", host, h)
	}
}
