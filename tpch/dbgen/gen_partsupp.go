package dbgen

// Seeds and domains of the partsupp streams, which advance per part.
const (
	suppliersPerPart = 4
	psQuantitySeed   = 1671059989
	psCostSeed       = 1051288424
	psCommentSeed    = 1961692154
	psCommentLen     = 124
)

func genPartSupp(e *env, c *chunk, first, n int64) {
	var (
		qty  = newStream(psQuantitySeed, suppliersPerPart, first)
		cost = newStream(psCostSeed, suppliersPerPart, first)
		cmt  = newTextStream(e.pool, psCommentSeed, psCommentLen, suppliersPerPart, first)
	)
	cols := c.cols
	for part := first + 1; part <= first+n; part++ {
		for i := range int64(suppliersPerPart) {
			cols[0].addInt(part)
			cols[1].addInt(partSupplier(part, i, e.suppliers))
			cols[2].addInt(qty.intIn(1, 9999))
			cols[3].addInt(cost.intIn(100, 100000))
			cmt.addTo(&cols[4])
		}
		qty.endRow()
		cost.endRow()
		cmt.s.endRow()
	}
	c.rows += int(n * suppliersPerPart)
}

// partSupplier is the key of supplier i (0 to 3) of a part: the four are
// spread a quarter of the suppliers apart (TPC-H clause 4.2.3).
func partSupplier(part, i, suppliers int64) int64 {
	return (part+i*(suppliers/suppliersPerPart+(part-1)/suppliers))%suppliers + 1
}
