// Command submitprog is the Go program the tests of ember submit run: it
// opens a session where EMBER_MASTER says (failing if it says nothing),
// registers the file given as its first argument as table t, and prints
// the sum of t's column v. A second argument "exit=N" makes it exit with
// status N after printing.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/ember-sql/ember"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: submitprog FILE [exit=N]")
		os.Exit(2)
	}
	if os.Getenv(ember.EnvMaster) == "" {
		fmt.Fprintln(os.Stderr, "submitprog: EMBER_MASTER is not set")
		os.Exit(2)
	}
	ctx := context.Background()
	s, err := ember.NewSession(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "submitprog:", err)
		os.Exit(1)
	}
	defer s.Close()
	if err := s.RegisterPath(ctx, "t", os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "submitprog:", err)
		os.Exit(1)
	}
	sum, err := s.Table("t").Agg(ember.Sum("v").Alias("total")).Head(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "submitprog:", err)
		os.Exit(1)
	}
	fmt.Printf("master %s\ntotal %v\n", s.Master(), sum.Get(0))
	if len(os.Args) > 2 {
		if n, ok := strings.CutPrefix(os.Args[2], "exit="); ok {
			code, _ := strconv.Atoi(n)
			s.Close()
			os.Exit(code)
		}
	}
}
