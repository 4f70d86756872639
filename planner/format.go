package planner

import "strings"

// Format renders a plan as an indented tree, one node per line, children
// below their parent.
func Format(n Node) string {
	var sb strings.Builder
	var walk func(n Node, depth int)
	walk = func(n Node, depth int) {
		sb.WriteString(strings.Repeat("  ", depth))
		sb.WriteString(n.String())
		sb.WriteByte('\n')
		for _, c := range n.Children() {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return sb.String()
}

// OneLine renders a plan on a single line, for messages about subqueries.
func OneLine(n Node) string {
	parts := []string{n.String()}
	for _, c := range n.Children() {
		parts = append(parts, "("+OneLine(c)+")")
	}
	return strings.Join(parts, " ")
}
