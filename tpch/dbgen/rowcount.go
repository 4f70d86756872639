package dbgen

// TableNames returns the names of the eight TPC-H tables.
func TableNames() []string {
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = t.name
	}
	return names
}

// RowCount returns the number of rows of table name at scale factor sf,
// the official counts (lineitem's is counted from dbgen's random stream of
// lines per order: see LineitemRows). It returns 0 for an unknown table.
func RowCount(name string, sf float64) int64 {
	t := tableByName(name)
	switch {
	case t == nil:
		return 0
	case t.name == "lineitem":
		return LineitemRows(sf)
	case t.name == "partsupp":
		return suppliersPerPart * t.generatorRows(sf)
	}
	return t.generatorRows(sf)
}
