package main

import (
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chzyer/readline"

	"github.com/ember-sql/ember/sql"
)

// ctrlC stands for Ctrl-C typed at the prompt in a list of fake lines.
const ctrlC = "\x03"

// fakeLines is a lineReader that returns scripted lines and records the
// prompt shown before each.
type fakeLines struct {
	lines   []string
	prompts []string
	prompt  string
}

func (f *fakeLines) SetPrompt(p string) { f.prompt = p }

func (f *fakeLines) Readline() (string, error) {
	f.prompts = append(f.prompts, f.prompt)
	if len(f.lines) == 0 {
		return "", io.EOF
	}
	l := f.lines[0]
	f.lines = f.lines[1:]
	if l == ctrlC {
		return "", readline.ErrInterrupt
	}
	return l, nil
}

// fakeExec records the statements the shell runs and answers with the
// behaviour its text asks for.
type fakeExec struct {
	ran []string
}

func (f *fakeExec) exec(ctx context.Context, src sql.Source) (bool, error) {
	f.ran = append(f.ran, src.Text)
	switch {
	case strings.HasPrefix(src.Text, "fail"):
		return false, errors.New("boom")
	case strings.HasPrefix(src.Text, "panic"):
		panic("kaboom")
	case strings.HasPrefix(src.Text, "create"):
		return false, nil
	case strings.HasPrefix(src.Text, "slow"):
		<-ctx.Done()
		return false, ctx.Err()
	case strings.HasPrefix(src.Text, "wait"):
		time.Sleep(50 * time.Millisecond)
		return true, ctx.Err()
	}
	return true, nil
}

func newTestShell(lines ...string) (*shell, *fakeLines, *fakeExec, *strings.Builder, *strings.Builder) {
	in := &fakeLines{lines: lines}
	ex := &fakeExec{}
	var out, errOut strings.Builder
	sh := &shell{in: in, out: &out, errOut: &errOut, exec: ex.exec, timing: true, showOK: true,
		interrupts: make(chan os.Signal, 1)}
	return sh, in, ex, &out, &errOut
}

func TestShellRunsStatements(t *testing.T) {
	cases := []struct {
		name    string
		lines   []string
		ran     []string
		prompts []string // the prompts shown, the last one before EOF
	}{
		{"one statement", []string{"select 1;"},
			[]string{"select 1"}, []string{promptFirst, promptFirst}},
		{"multi-line", []string{"select", "  1", ";"},
			[]string{"select\n  1"}, []string{promptFirst, promptContinue, promptContinue, promptFirst}},
		{"semicolon in quotes", []string{"select ';'", "as x;"},
			[]string{"select ';'\nas x"}, []string{promptFirst, promptContinue, promptFirst}},
		{"two on a line", []string{"select 1; select 2;"},
			[]string{"select 1", "select 2"}, []string{promptFirst, promptFirst}},
		{"rest continues", []string{"select 1; select", "2;"},
			[]string{"select 1", "select\n2"}, []string{promptFirst, promptContinue, promptFirst}},
		{"ctrl-c clears", []string{"select", "1", ctrlC, "select 2;"},
			[]string{"select 2"}, []string{promptFirst, promptContinue, promptContinue, promptFirst, promptFirst}},
		{"comment line", []string{"-- note", "select 3;"},
			[]string{"select 3"}, []string{promptFirst, promptFirst, promptFirst}},
		{"backslash in a string is text", []string{"select '", `\d`, "';"},
			[]string{"select '\n\\d\n'"}, []string{promptFirst, promptContinue, promptContinue, promptFirst}},
		{"describe", []string{`\d`, `\d lineitem;`},
			[]string{"SHOW TABLES", "DESCRIBE lineitem"}, []string{promptFirst, promptFirst, promptFirst}},
		{"backslash command keeps the statement", []string{"select", `\d`, "1;"},
			[]string{"SHOW TABLES", "select\n1"}, []string{promptFirst, promptContinue, promptContinue, promptFirst}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sh, in, ex, _, errOut := newTestShell(tc.lines...)
			if err := sh.loop(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ex.ran, tc.ran) {
				t.Errorf("ran %q, want %q", ex.ran, tc.ran)
			}
			if !reflect.DeepEqual(in.prompts, tc.prompts) {
				t.Errorf("prompts %q, want %q", in.prompts, tc.prompts)
			}
			if errOut.Len() > 0 {
				t.Errorf("unexpected errors: %s", errOut)
			}
		})
	}
}

func TestShellQuit(t *testing.T) {
	for _, q := range []string{`\q`, `  \quit  `} {
		sh, in, ex, _, _ := newTestShell("select 1;", q, "select 2;")
		if err := sh.loop(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ex.ran, []string{"select 1"}) || len(in.lines) != 1 {
			t.Errorf("%s: ran %q, lines left %q", q, ex.ran, in.lines)
		}
	}
	// Ctrl-D (EOF) in the middle of a statement quits without running it.
	sh, _, ex, _, _ := newTestShell("select")
	if err := sh.loop(context.Background()); err != nil || len(ex.ran) != 0 {
		t.Errorf("EOF: err %v, ran %q", err, ex.ran)
	}
}

func TestShellErrorsGoOn(t *testing.T) {
	sh, _, ex, out, errOut := newTestShell("fail;", "panic now;", `\nope`, `\timing maybe`, "select 1;")
	if err := sh.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ex.ran, []string{"fail", "panic now", "select 1"}) {
		t.Errorf("ran %q", ex.ran)
	}
	want := []string{"error: boom", "error: internal error: kaboom", `error: unknown command \nope`, `error: \timing takes on or off`}
	lines := strings.Split(strings.TrimSpace(errOut.String()), "\n")
	if len(lines) != len(want) {
		t.Fatalf("errors:\n%s", errOut)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("error %d: %q, want prefix %q", i, lines[i], w)
		}
	}
	if strings.Count(out.String(), "Time: ") != 1 {
		t.Errorf("one statement succeeded, output:\n%s", out)
	}
}

func TestShellStopsAtFirstFailureOfALine(t *testing.T) {
	sh, _, ex, _, _ := newTestShell("select 1; fail; select 2;")
	sh.loop(context.Background())
	if !reflect.DeepEqual(ex.ran, []string{"select 1", "fail"}) {
		t.Errorf("ran %q", ex.ran)
	}
}

func TestShellOKAndTiming(t *testing.T) {
	sh, _, _, out, _ := newTestShell("create table t (a int);", `\timing`, "select 1;", `\timing on`, "select 2;")
	if err := sh.loop(context.Background()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{"OK", "Time: ", "Timing is off.", "Timing is on.", "Time: "}
	if len(lines) != len(want) {
		t.Fatalf("output:\n%s", out)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want prefix %q", i, lines[i], w)
		}
	}
	// Outside the table format there is no OK line.
	sh, _, _, out, _ = newTestShell("create table t (a int);")
	sh.showOK, sh.timing = false, false
	sh.loop(context.Background())
	if out.Len() != 0 {
		t.Errorf("csv shell printed %q", out)
	}
}

func TestShellHelp(t *testing.T) {
	sh, _, _, out, _ := newTestShell(`\?`)
	sh.loop(context.Background())
	for _, cmd := range []string{`\d`, `\timing`, `\q`} {
		if !strings.Contains(out.String(), cmd) {
			t.Errorf("help does not mention %s:\n%s", cmd, out)
		}
	}
}

// TestShellCtrlCCancelsStatement: Ctrl-C while a statement runs cancels
// that statement only; the shell goes on with the next.
func TestShellCtrlCCancelsStatement(t *testing.T) {
	sh, _, ex, _, errOut := newTestShell("slow;", "select 1;")
	sigs := make(chan os.Signal, 1)
	sh.interrupts = sigs
	go func() {
		time.Sleep(50 * time.Millisecond)
		sigs <- os.Interrupt
	}()
	done := make(chan error)
	go func() { done <- sh.loop(context.Background()) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the shell did not cancel the statement")
	}
	if got := strings.TrimSpace(errOut.String()); got != "error: query cancelled" {
		t.Errorf("stderr %q", got)
	}
	if !reflect.DeepEqual(ex.ran, []string{"slow", "select 1"}) {
		t.Errorf("ran %q", ex.ran)
	}
}

// TestShellStaleInterrupt: a Ctrl-C that arrived between statements does
// not cancel the next one.
func TestShellStaleInterrupt(t *testing.T) {
	sh, _, ex, _, errOut := newTestShell("wait 1;")
	sigs := make(chan os.Signal, 1)
	sigs <- os.Interrupt
	sh.interrupts = sigs
	sh.loop(context.Background())
	if errOut.Len() != 0 || len(ex.ran) != 1 {
		t.Errorf("stderr %q, ran %q", errOut, ex.ran)
	}
}
