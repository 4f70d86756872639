package dbgen

import (
	"fmt"
	"path/filepath"
)

// A table of more than maxChunksPerFile chunks (some 2 million rows) is
// written as a directory of part files of about partChunks chunks each,
// which the catalog reads as one table. The layout depends only on the
// table and the scale factor, never on the parallelism, so the bytes
// written do not either.
const (
	maxChunksPerFile = 16
	partChunks       = 8
)

// fileJob is one file to write: generator rows [first, first+n) of a
// table, in chunks of the table's perChunk rows.
type fileJob struct {
	t        *table
	rel      string // path relative to the output directory
	first, n int64
	perChunk int64
	// cost estimates the work, to hand out the biggest files first.
	cost int64
}

// tablePlan is where one table goes: entry is the file or directory that
// becomes the table (relative to the output directory), files its files.
type tablePlan struct {
	t     *table
	entry string
	rows  int64 // rows of the table
	files []fileJob
}

// planTable cuts t at scale factor sf into files of chunks of perChunk
// generator rows (t.perChunk if 0).
func planTable(t *table, sf float64, ext string, perChunk int64) tablePlan {
	if perChunk == 0 {
		perChunk = t.perChunk
	}
	genRows := t.generatorRows(sf)
	chunks := (genRows + perChunk - 1) / perChunk
	rowsPerGenRow := int64(1)
	switch t.name {
	case "partsupp":
		rowsPerGenRow = suppliersPerPart
	case "lineitem":
		rowsPerGenRow = 4
	}
	p := tablePlan{t: t}
	if chunks <= maxChunksPerFile {
		p.entry = t.name + ext
		p.files = []fileJob{{t: t, rel: p.entry, first: 0, n: genRows, perChunk: perChunk}}
	} else {
		p.entry = t.name
		parts := (chunks + partChunks - 1) / partChunks
		for i := range parts {
			// Part i has chunks [i·chunks/parts, (i+1)·chunks/parts).
			from := i * chunks / parts * perChunk
			to := min((i+1)*chunks/parts*perChunk, genRows)
			p.files = append(p.files, fileJob{
				t: t, rel: filepath.Join(t.name, fmt.Sprintf("part-%05d%s", i, ext)),
				first: from, n: to - from, perChunk: perChunk,
			})
		}
	}
	for i := range p.files {
		f := &p.files[i]
		f.cost = f.n * rowsPerGenRow * int64(len(t.columns))
	}
	return p
}
