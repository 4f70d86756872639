package dbgen

// Seeds and domains of the part streams.
const (
	partNameSeed      = 709314158
	partMfgrSeed      = 1
	partBrandSeed     = 46831694
	partTypeSeed      = 1841581359
	partSizeSeed      = 1193163244
	partContainerSeed = 727633698
	partCommentSeed   = 804159733
	partCommentLen    = 14
)

func genPart(e *env, c *chunk, first, n int64) {
	var (
		name      = newStream(partNameSeed, int64(len(distColors.values)), first)
		mfgr      = newStream(partMfgrSeed, 1, first)
		brand     = newStream(partBrandSeed, 1, first)
		typ       = newStream(partTypeSeed, 1, first)
		size      = newStream(partSizeSeed, 1, first)
		container = newStream(partContainerSeed, 1, first)
		cmt       = newTextStream(e.pool, partCommentSeed, partCommentLen, 1, first)
		perm      = make([]uint8, len(distColors.values))
	)
	cols := c.cols
	for key := first + 1; key <= first+n; key++ {
		cols[0].addInt(key)
		cols[1].text = appendPartName(cols[1].text, &name, perm)
		cols[1].endText()
		// Manufacturer#M and Brand#MN, M and N from 1 to 5.
		m := mfgr.intIn(1, 5)
		cols[2].addCode(int(m - 1))
		cols[3].addCode(int(5*(m-1) + brand.intIn(1, 5) - 1))
		cols[4].addCode(distTypes.pick(&typ))
		cols[5].addInt32(int32(size.intIn(1, 50)))
		cols[6].addCode(distContainers.pick(&container))
		cols[7].addInt(retailPrice(key))
		cmt.addTo(&cols[8])

		name.endRow()
		mfgr.endRow()
		brand.endRow()
		typ.endRow()
		size.endRow()
		container.endRow()
		cmt.s.endRow()
	}
	c.rows += int(n)
}

// retailPrice is a part's price in cents, a function of its key (TPC-H
// clause 4.2.3): 900.00 + key/10 mod 20001 cents + key mod 1000 dollars.
func retailPrice(partKey int64) int64 {
	return 90000 + (partKey/10)%20001 + (partKey%1000)*100
}
