package main

import (
	"fmt"
	"os"

	"github.com/ember-sql/ember/sql"
)

// input is one -e or -f argument.
type input struct {
	file bool   // -f: text is a path; -e: text is SQL
	text string // the SQL or the path
}

// inputFlag is the pflag.Value of -e or of -f. Both append to one shared
// list, so that the inputs keep the order of the command line, which two
// separate string arrays would lose.
type inputFlag struct {
	list *[]input
	file bool
}

// String shows nothing: the list is shared, so there is no default to print.
func (f inputFlag) String() string { return "" }

// Set appends one input.
func (f inputFlag) Set(v string) error {
	*f.list = append(*f.list, input{file: f.file, text: v})
	return nil
}

// Type names the argument in the help text.
func (f inputFlag) Type() string {
	if f.file {
		return "FILE"
	}
	return "SQL"
}

// script is the statements of one input, and the name of the file they
// came from (for error messages), if any.
type script struct {
	file  string
	stmts []sql.Source
}

// load reads and splits the input, so that a missing file or an
// unterminated quote fails before any statement runs.
func (in input) load() (script, error) {
	if !in.file {
		stmts, err := sql.Split(in.text)
		return script{stmts: stmts}, err
	}
	b, err := os.ReadFile(in.text)
	if err != nil {
		return script{}, err
	}
	stmts, err := sql.Split(string(b))
	if err != nil {
		return script{}, fmt.Errorf("%s: %w", in.text, err)
	}
	return script{file: in.text, stmts: stmts}, nil
}
