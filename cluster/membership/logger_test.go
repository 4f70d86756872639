package membership

import (
	"context"
	"log/slog"
	"sync"
	"testing"
)

// recordHandler keeps the records it is given.
type recordHandler struct {
	mu      sync.Mutex
	level   slog.Level
	records []slog.Record
}

func (h *recordHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h *recordHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.records = append(h.records, r)
	return nil
}
func (h *recordHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordHandler) WithGroup(string) slog.Handler      { return h }

// TestMemberlistLogger checks the level mapping and prefix stripping of
// memberlist's log lines.
func TestMemberlistLogger(t *testing.T) {
	tests := []struct {
		line  string
		level slog.Level
		msg   string
	}{
		{"[ERR] memberlist: Failed fallback TCP ping: EOF\n", slog.LevelWarn, "Failed fallback TCP ping: EOF"},
		{"[WARN] memberlist: Refuting a suspect message (from: a)\n", slog.LevelInfo, "Refuting a suspect message (from: a)"},
		{"[INFO] memberlist: Marking b as failed\n", slog.LevelDebug, "Marking b as failed"},
		{"[DEBUG] memberlist: Stream connection from=x\n", slog.LevelDebug, "Stream connection from=x"},
		{"no prefix at all\n", slog.LevelInfo, "no prefix at all"},
	}
	h := &recordHandler{level: slog.LevelDebug}
	l := memberlistLogger(slog.New(h))
	for _, tt := range tests {
		l.Print(tt.line)
	}
	if len(h.records) != len(tests) {
		t.Fatalf("%d records, want %d", len(h.records), len(tests))
	}
	for i, tt := range tests {
		r := h.records[i]
		if r.Level != tt.level || r.Message != tt.msg {
			t.Errorf("%q logged as %s %q, want %s %q", tt.line, r.Level, r.Message, tt.level, tt.msg)
		}
	}

	// At the default Info level, routine memberlist chatter is dropped.
	quiet := &recordHandler{level: slog.LevelInfo}
	l = memberlistLogger(slog.New(quiet))
	l.Print("[INFO] memberlist: Marking b as failed")
	l.Print("[DEBUG] memberlist: Stream connection")
	if len(quiet.records) != 0 {
		t.Errorf("Info logger got %d memberlist debug records", len(quiet.records))
	}
	memberlistLogger(nil).Print("[ERR] memberlist: discarded")
}
