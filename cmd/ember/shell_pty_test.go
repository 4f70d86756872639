package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// terminal drives the binary in a pseudo-terminal, as a person at a
// keyboard would.
type terminal struct {
	t    *testing.T
	f    *os.File
	mu   sync.Mutex
	out  []byte
	seen int // output before this offset has been matched already
	done chan struct{}
}

func startTerminal(t *testing.T, home string, args ...string) (*terminal, *exec.Cmd) {
	t.Helper()
	cmd := exec.Command(emberBin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "TERM=xterm")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 160})
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	term := &terminal{t: t, f: f, done: make(chan struct{})}
	go func() {
		defer close(term.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			term.mu.Lock()
			term.out = append(term.out, buf[:n]...)
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
		f.Close()
		<-term.done
	})
	return term, cmd
}

// send types keys.
func (term *terminal) send(keys string) {
	term.t.Helper()
	if _, err := term.f.Write([]byte(keys)); err != nil {
		term.t.Fatal(err)
	}
}

// expect waits until the output not yet matched contains want.
func (term *terminal) expect(want string) {
	term.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		i := strings.Index(string(term.out[term.seen:]), want)
		if i >= 0 {
			term.seen += i + len(want)
			term.mu.Unlock()
			return
		}
		term.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("terminal never showed %q; it shows:\n%s", want, term.out[term.seen:])
}

// TestShellInTerminal: prompts, continuation, Ctrl-C at the prompt,
// backslash commands, a query, Ctrl-D, and the history file.
func TestShellInTerminal(t *testing.T) {
	home := t.TempDir()
	term, cmd := startTerminal(t, home, "sql", "--data", filepath.Join(tpchDir, "sf0.01"))
	term.expect("ember> ")
	term.send("SELECT\r")
	term.expect("   ...> ")
	term.send("\x03") // Ctrl-C clears the statement
	term.expect("ember> ")
	term.send(`\timing` + "\r")
	term.expect("Timing is off.")
	term.send(`\nope` + "\r")
	term.expect(`error: unknown command \nope`)
	term.send("SELECT r_name\r")
	term.expect("   ...> ")
	term.send("FROM region WHERE r_regionkey = 2;\r")
	term.expect("ASIA")
	term.expect("(1 row)")
	term.expect("ember> ")
	term.send("SELECT * FROM nosuch;\r")
	term.expect("error: ")
	term.expect("ember> ")
	term.send("\x04") // Ctrl-D quits
	if err := waitExit(cmd, 30*time.Second); err != nil {
		t.Fatalf("after Ctrl-D: %v", err)
	}
	hist, err := os.ReadFile(filepath.Join(home, historyFile))
	if err != nil {
		t.Fatalf("no history file: %v", err)
	}
	if !strings.Contains(string(hist), "FROM region WHERE r_regionkey = 2;") {
		t.Errorf("history lacks the query:\n%s", hist)
	}
}

// TestShellCtrlCCancelsQuery: Ctrl-C while a long query runs (a cross
// join of 3.6 billion rows) cancels it and the shell goes on.
func TestShellCtrlCCancelsQuery(t *testing.T) {
	term, cmd := startTerminal(t, t.TempDir(), "sql", "--data", filepath.Join(tpchDir, "sf0.01"))
	term.expect("ember> ")
	term.send("SELECT count(*) FROM lineitem a, lineitem b;\r")
	time.Sleep(500 * time.Millisecond)
	term.send("\x03")
	term.expect("error: query cancelled")
	term.expect("ember> ")
	term.send(`\q` + "\r")
	if err := waitExit(cmd, 30*time.Second); err != nil {
		t.Fatalf("after \\q: %v", err)
	}
}

func waitExit(cmd *exec.Cmd, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return errors.New("the shell did not exit")
	}
}
