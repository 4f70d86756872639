package membership

import (
	"bytes"
	"context"
	"io"
	"log"
	"log/slog"
)

// memberlistLogger returns a *log.Logger, the only kind memberlist accepts,
// whose lines go to l. memberlist prefixes each line with its level; it logs
// transient network trouble as WARN or ERR, so levels are lowered one step
// (ERR to Warn, WARN to Info, INFO and DEBUG to Debug) to keep a default
// Info logger quiet during normal churn.
func memberlistLogger(l *slog.Logger) *log.Logger {
	if l == nil {
		return log.New(io.Discard, "", 0)
	}
	return log.New(&slogWriter{l: l}, "", 0)
}

// slogWriter receives one memberlist log line per Write.
type slogWriter struct {
	l *slog.Logger
}

// levels maps memberlist's "[LEVEL]" prefixes to slog levels.
var levels = []struct {
	prefix []byte
	level  slog.Level
}{
	{[]byte("[ERR]"), slog.LevelWarn},
	{[]byte("[ERROR]"), slog.LevelWarn},
	{[]byte("[WARN]"), slog.LevelInfo},
	{[]byte("[INFO]"), slog.LevelDebug},
	{[]byte("[DEBUG]"), slog.LevelDebug},
}

func (w *slogWriter) Write(p []byte) (int, error) {
	n := len(p)
	line := bytes.TrimSpace(p)
	level := slog.LevelInfo
	for _, lv := range levels {
		if bytes.HasPrefix(line, lv.prefix) {
			level = lv.level
			line = bytes.TrimSpace(line[len(lv.prefix):])
			break
		}
	}
	ctx := context.Background()
	if !w.l.Enabled(ctx, level) {
		return n, nil
	}
	line = bytes.TrimPrefix(line, []byte("memberlist: "))
	w.l.Log(ctx, level, string(line), "component", "memberlist")
	return n, nil
}
