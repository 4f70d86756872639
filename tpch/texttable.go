package tpch

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"
)

// WriteTextTable writes header and rows as plain aligned columns separated
// by two spaces, a column right-aligned where right says so (numbers), with
// no trailing spaces. Rows may be shorter than the header (a total line).
func WriteTextTable(w io.Writer, header []string, rows [][]string, right []bool) error {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for c, cell := range row {
			widths[c] = max(widths[c], utf8.RuneCountInString(cell))
		}
	}
	bw := bufio.NewWriter(w)
	var line strings.Builder
	for _, row := range append([][]string{header}, rows...) {
		line.Reset()
		for c, cell := range row {
			if c > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[c]-utf8.RuneCountInString(cell))
			if c < len(right) && right[c] {
				line.WriteString(pad + cell)
			} else {
				line.WriteString(cell + pad)
			}
		}
		bw.WriteString(strings.TrimRight(line.String(), " "))
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
