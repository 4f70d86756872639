package dbgen

// Seeds of the nation and region comment streams.
const (
	nationCommentSeed = 606179079
	regionCommentSeed = 1500869201
	nationCommentLen  = 72
	regionCommentLen  = 72
)

func genNation(e *env, c *chunk, first, n int64) {
	cmt := newTextStream(e.pool, nationCommentSeed, nationCommentLen, 1, first)
	for k := first; k < first+n; k++ {
		c.cols[0].addInt32(int32(k))
		c.cols[1].addString(nationNames[k])
		c.cols[2].addInt32(nationRegions[k])
		cmt.addTo(&c.cols[3])
		cmt.s.endRow()
	}
	c.rows += int(n)
}

func genRegion(e *env, c *chunk, first, n int64) {
	cmt := newTextStream(e.pool, regionCommentSeed, regionCommentLen, 1, first)
	for k := first; k < first+n; k++ {
		c.cols[0].addInt32(int32(k))
		c.cols[1].addString(regionNames[k])
		cmt.addTo(&c.cols[2])
		cmt.s.endRow()
	}
	c.rows += int(n)
}
