package sql

// Source is the text of one statement and where it starts in the script it
// came from (1-based line and column), so that errors point into the script.
type Source struct {
	Text string
	Line int
	Col  int
}
